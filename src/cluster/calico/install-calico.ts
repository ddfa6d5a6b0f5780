/**
 * Installing Calico from its (prepared) manifest and waiting until the cluster can run pods with policy
 * enforcement: calico-node on every node, calico-kube-controllers available, CoreDNS available, every node Ready.
 */
import type { KubeClient } from '../../kube/index.js';
import type { Clock } from '../../util/index.js';
import { CALICO_WORKLOADS, type ClusterTimeouts } from '../defaults.js';
import { waitForCniReady } from '../cni/wait-for-cni.js';
import { installManifest, type InstallManifestResult } from '../install/install-manifest.js';
import type { ManifestObject } from '../install/parse-manifest.js';

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

/** Waits for Calico, CoreDNS and the nodes, in that order (the shared CNI wait); returns what waited how long. */
export function waitForCalicoReady(client: KubeClient, options: CalicoWaitOptions): Promise<string> {
  return waitForCniReady(
    client,
    [
      { kind: 'DaemonSet', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.nodeDaemonSet },
      { kind: 'Deployment', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.controllersDeployment },
    ],
    options,
  );
}
