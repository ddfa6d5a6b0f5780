/**
 * The cluster DNS as the model sees it: CoreDNS in kube-system, labelled `k8s-app: kube-dns` (the label every
 * mainstream distribution uses, and that "allow DNS" egress policies select), serving 53/UDP and 53/TCP. It is
 * implicit in every suite: users do not declare kube-system, and the harness never touches it.
 */
import type { NamespaceInfo, PodInfo } from '../model/index.js';

export const CLUSTER_DNS = {
  namespace: 'kube-system',
  namespaceInfo: {
    name: 'kube-system',
    labels: { 'kubernetes.io/metadata.name': 'kube-system' },
  } satisfies NamespaceInfo,
  pod: {
    namespace: 'kube-system',
    name: 'coredns',
    labels: { 'k8s-app': 'kube-dns' },
    ports: [
      { port: 53, protocol: 'UDP', name: 'dns' },
      { port: 53, protocol: 'TCP', name: 'dns-tcp' },
      { port: 9153, protocol: 'TCP', name: 'metrics' },
    ],
  } satisfies PodInfo,
  /** Lookups go to the DNS server over UDP first; that is the connection a DNS egress policy must allow. */
  port: 53,
  protocol: 'UDP',
  /** The in-cluster domain the model knows the answers for. */
  clusterDomain: 'cluster.local',
} as const;
