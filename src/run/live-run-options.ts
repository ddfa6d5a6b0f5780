/** Options of the live commands' owners (runLive, runConformanceLive): the settings of the run, and its cluster. */
import type { ClusterProgress, ClusterProvider, ClusterProviderName, ClusterSelection, ReleaseOutcome } from '../cluster/index.js';
import type { LiveSettings } from '../engine/index.js';
import type { KubeClient } from '../kube/index.js';

export interface LiveRunOptions extends LiveSettings {
  /**
   * The cluster the run provisions and releases: a selection (`{ cluster: 'kind' }`, `{ cluster: 'existing',
   * kubeconfig }`) or a provider. Give this or `kube`.
   */
  cluster?: ClusterSelection | ClusterProvider;
  /** A client of a cluster the caller has connected to; the run neither provisions nor releases it. */
  kube?: KubeClient;
  /** Provisioning and release, one event per phase (the library never prints). */
  progress?: RunProgress;
}

export interface RunProgress extends ClusterProgress {
  /** Provisioning with this provider is about to start. */
  provisioning?(provider: ClusterProviderName): void;
  /** The cluster was released (deleted, or kept and why). */
  released?(outcome: ReleaseOutcome): void;
  /** The run directory (kubeconfig, kind config) was kept, because the cluster is kept. */
  runDirKept?(dir: string): void;
}
