/**
 * The Kubernetes objects of a suite's fixture: namespaces with the suite's labels, one probe pod per workload,
 * the Services, and the policies, each carrying the run's labels. Manifests are kept whole: relabelling a
 * namespace or pod re-applies its whole manifest with the new labels (server-side apply with the one field
 * manager, so labels dropped from the set are removed and nothing else changes).
 */
import type { KubeObject } from '../kube/index.js';
import type { NetworkPolicy } from '../model/index.js';
import { buildProbePod, type ImagePullPolicy } from './probe-pod.js';
import type { SuiteService, SuiteWorkload } from '../suite/index.js';
import { ANNOTATION_SUITE, runLabels } from './run-labels.js';

export interface ManifestContext {
  runId: string;
  suiteName: string;
  image: string;
  imagePullPolicy: ImagePullPolicy;
}

export function namespaceManifest(name: string, labels: Record<string, string>, context: ManifestContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { ...labels, ...runLabels(context.runId) },
      annotations: { [ANNOTATION_SUITE]: context.suiteName },
    },
  };
}

/**
 * A probe pod, spread over the schedulable nodes with the run's other probe pods (a soft constraint: a
 * single-node cluster still schedules everything), so that pod-to-pod cells cross nodes on multi-node clusters.
 */
export function podManifest(workload: SuiteWorkload, labels: Record<string, string>, context: ManifestContext): KubeObject {
  const pod = buildProbePod({
    namespace: workload.namespace,
    name: workload.name,
    labels: { ...labels, ...runLabels(context.runId) },
    annotations: { [ANNOTATION_SUITE]: context.suiteName },
    ports: workload.ports,
    image: context.image,
    imagePullPolicy: context.imagePullPolicy,
  });
  (pod as KubeObject & { spec: Record<string, unknown> }).spec['topologySpreadConstraints'] = [spreadOverNodes(context.runId)];
  return pod;
}

/** maxSkew 1 over nodes, counting only nodes whose taints the pod tolerates (not the control plane of kind). */
export function spreadOverNodes(runId: string): Record<string, unknown> {
  return {
    maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname',
    whenUnsatisfiable: 'ScheduleAnyway',
    nodeTaintsPolicy: 'Honor',
    labelSelector: { matchLabels: runLabels(runId) },
  };
}

/**
 * A ClusterIP Service, or a NodePort one with the suite's externalTrafficPolicy (the node port is allocated by
 * the API server and read back from the applied object). `ipFamilyPolicy: PreferDualStack`: on a dual-stack cluster the Service gets a ClusterIP of
 * each family (spec.clusterIPs), so assertions can be probed per family; a single-stack cluster gives it one.
 * `publishNotReadyAddresses`: a pod whose server container for one protocol cannot run
 * (e.g. SCTP on a kernel without it) must still be a backend for its other ports; readiness is awaited anyway.
 */
export function serviceManifest(service: SuiteService, context: ManifestContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: service.name,
      namespace: service.namespace,
      labels: runLabels(context.runId),
      annotations: { [ANNOTATION_SUITE]: context.suiteName },
    },
    spec: {
      type: service.type ?? 'ClusterIP',
      ...(service.type === 'NodePort' ? { externalTrafficPolicy: service.externalTrafficPolicy ?? 'Cluster' } : {}),
      ipFamilyPolicy: 'PreferDualStack',
      selector: { ...service.selector },
      publishNotReadyAddresses: true,
      ports: service.ports.map((p) => ({
        name: p.name ?? `p${p.port}-${p.protocol.toLowerCase()}`,
        port: p.port,
        targetPort: p.targetPort,
        protocol: p.protocol,
      })),
    },
  };
}

/** The policy as the user wrote it, plus the run's labels (so cleanup can find it even outside our namespaces). */
export function policyManifest(policy: NetworkPolicy, context: ManifestContext): KubeObject {
  return {
    ...policy,
    metadata: {
      ...policy.metadata,
      labels: { ...(policy.metadata.labels ?? {}), ...runLabels(context.runId) },
    },
  } as unknown as KubeObject;
}
