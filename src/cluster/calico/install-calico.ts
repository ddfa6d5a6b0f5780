/**
 * Installing Calico from its (prepared) manifest and waiting until the cluster can run pods with policy
 * enforcement: calico-node on every node, calico-kube-controllers available, CoreDNS available, every node Ready.
 */
import type { KubeClient } from '../../kube/index.js';
import type { Clock } from '../../util/index.js';
import { CALICO_WORKLOADS, COREDNS, type ClusterTimeouts } from '../defaults.js';
import { installManifest, type InstallManifestResult } from '../install/install-manifest.js';
import type { ManifestObject } from '../install/parse-manifest.js';
import { waitForNodesReady, waitForWorkload } from '../install/wait-for-workload.js';

export interface CalicoWaitOptions {
  timeouts: Pick<ClusterTimeouts, 'crdEstablishedMs' | 'calicoNodeMs' | 'calicoControllersMs' | 'coreDnsMs' | 'nodesReadyMs' | 'pollIntervalMs'>;
  clock?: Clock;
  signal?: AbortSignal;
  clusterName?: string;
}

export function applyCalico(client: KubeClient, objects: readonly ManifestObject[], options: CalicoWaitOptions): Promise<InstallManifestResult> {
  return installManifest(client, objects, {
    crdEstablishedMs: options.timeouts.crdEstablishedMs,
    pollIntervalMs: options.timeouts.pollIntervalMs,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
}

/** Waits for Calico, CoreDNS and the nodes, in that order; returns what waited how long, for the progress line. */
export async function waitForCalicoReady(client: KubeClient, options: CalicoWaitOptions): Promise<string> {
  const common = {
    intervalMs: options.timeouts.pollIntervalMs,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.clusterName !== undefined ? { clusterName: options.clusterName } : {}),
  };
  const node = await waitForWorkload(client, { kind: 'DaemonSet', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.nodeDaemonSet }, { ...common, timeoutMs: options.timeouts.calicoNodeMs });
  const controllers = await waitForWorkload(
    client,
    { kind: 'Deployment', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.controllersDeployment },
    { ...common, timeoutMs: options.timeouts.calicoControllersMs },
  );
  const dns = await waitForWorkload(client, { kind: 'Deployment', namespace: COREDNS.namespace, name: COREDNS.name }, { ...common, timeoutMs: options.timeouts.coreDnsMs });
  const nodes = await waitForNodesReady(client, { ...common, timeoutMs: options.timeouts.nodesReadyMs });
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return `calico-node ${s(node)}, calico-kube-controllers ${s(controllers)}, coredns ${s(dns)}, nodes ${s(nodes)}`;
}
