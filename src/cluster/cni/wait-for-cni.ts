/**
 * Waiting until a freshly networked cluster can run pods, for every CNI alike: the CNI's workloads in order
 * (e.g. calico-node then calico-kube-controllers, or kube-router), then CoreDNS (it waits for the CNI), then every
 * node Ready. Each wait is bounded and diagnosed when it runs out (wait-for-workload.ts).
 */
import type { KubeClient } from '../../kube/index.js';
import type { Clock } from '../../util/index.js';
import { COREDNS, type ClusterTimeouts } from '../defaults.js';
import type { WorkloadRef } from '../install/diagnose-workload.js';
import { waitForNodesReady, waitForWorkload } from '../install/wait-for-workload.js';

export interface CniWaitOptions {
  timeouts: Pick<ClusterTimeouts, 'calicoNodeMs' | 'calicoControllersMs' | 'coreDnsMs' | 'nodesReadyMs' | 'pollIntervalMs'>;
  clock?: Clock;
  signal?: AbortSignal;
  clusterName?: string;
}

/** Returns what waited how long, for the progress line ("kube-router 12.0 s, coredns 3.1 s, nodes 0.0 s"). */
export async function waitForCniReady(client: KubeClient, workloads: readonly WorkloadRef[], options: CniWaitOptions): Promise<string> {
  const common = {
    intervalMs: options.timeouts.pollIntervalMs,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.clusterName !== undefined ? { clusterName: options.clusterName } : {}),
  };
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const parts: string[] = [];
  for (const ref of workloads) {
    // node agents (DaemonSets) get the node bound, controllers (Deployments) the controllers' bound
    const timeoutMs = ref.kind === 'DaemonSet' ? options.timeouts.calicoNodeMs : options.timeouts.calicoControllersMs;
    parts.push(`${ref.name} ${s(await waitForWorkload(client, ref, { ...common, timeoutMs }))}`);
  }
  const dns = await waitForWorkload(client, { kind: 'Deployment', namespace: COREDNS.namespace, name: COREDNS.name }, { ...common, timeoutMs: options.timeouts.coreDnsMs });
  const nodes = await waitForNodesReady(client, { ...common, timeoutMs: options.timeouts.nodesReadyMs });
  return [...parts, `coredns ${s(dns)}`, `nodes ${s(nodes)}`].join(', ');
}
