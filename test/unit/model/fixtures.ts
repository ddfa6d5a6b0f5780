/** Small builders for model tests: states read like the policies they test. */
import type {
  ClusterState,
  Endpoint,
  Labels,
  NamespaceInfo,
  NetworkPolicy,
  NetworkPolicySpec,
  PodInfo,
  PodPort,
  Protocol,
  Traffic,
} from '../../../src/model/index.js';

export function namespace(name: string, labels: Record<string, string> = {}): NamespaceInfo {
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

export function pod(key: string, labels: Labels, options: { ips?: string[]; ports?: PodPort[] } = {}): PodInfo {
  const [ns, name] = key.split('/') as [string, string];
  return { namespace: ns, name, labels, ips: options.ips, ports: options.ports ?? [] };
}

export function policy(key: string, spec: NetworkPolicySpec): NetworkPolicy {
  const [ns, name] = key.split('/') as [string, string];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function state(namespaces: NamespaceInfo[], pods: PodInfo[], policies: NetworkPolicy[]): ClusterState {
  return { namespaces, pods, policies };
}

function endpoint(ref: string): Endpoint {
  if (!ref.includes('/')) return { kind: 'external', ip: ref };
  const [ns, name] = ref.split('/') as [string, string];
  return { kind: 'pod', namespace: ns, name };
}

/** `traffic('prod/web', 'prod/api', 8080)`; an endpoint without a slash is an external IP. */
export function traffic(from: string, to: string, port: number, protocol: Protocol = 'TCP', portName?: string): Traffic {
  const t: Traffic = { source: endpoint(from), destination: endpoint(to), port, protocol };
  if (portName !== undefined) t.portName = portName;
  return t;
}
