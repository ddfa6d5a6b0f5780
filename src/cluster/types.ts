/**
 * A ClusterProvider brings a cluster to the state a live run needs (reachable, a NetworkPolicy-enforcing CNI,
 * DNS up) and hands back a ProvisionedCluster; `release()` undoes exactly what `provision()` created. After
 * kind's design: the provider builds a list of phases (ClusterAction) over one shared context and runs them
 * in order; each phase is reported through ClusterProgress (the library never prints).
 */
import type { KubeClient } from '../kube/index.js';
import type { Clock } from '../util/index.js';

export type ClusterProviderName = 'kind' | 'existing';

export interface ClusterProvider {
  readonly name: ClusterProviderName;
  /**
   * Creates or connects to the cluster and waits until it is ready. On failure it deletes what it created
   * (unless told to keep it) and rethrows: nothing is left behind by a failed provision.
   */
  provision(context: ProvisionContext): Promise<ProvisionedCluster>;
}

export interface ProvisionContext {
  /** A directory of this run (kind config, kubeconfig, downloaded manifest). Created if missing. */
  runDir: string;
  progress?: ClusterProgress;
  /** Aborting stops waits and commands; whatever was created is still deleted. */
  signal?: AbortSignal;
  clock?: Clock;
}

export interface ProvisionedCluster {
  readonly provider: ClusterProviderName;
  readonly client: KubeClient;
  /** The kubeconfig file the client uses (kind: written into the run directory). */
  readonly kubeconfigPath: string | undefined;
  /** The docker network the nodes are on (kind: `kind`), where containers beside the cluster can be started. */
  readonly dockerNetwork: string | undefined;
  /** Facts for RunResult.environment: provider, cluster name, Kubernetes version, CNI, versions, node image. */
  readonly environment: Readonly<Record<string, string>>;
  /** How long each phase took. */
  readonly timings: readonly { name: string; ms: number }[];
  /** Deletes what provision created (a kind cluster, unless kept or reused). Safe to call more than once. */
  release(): Promise<ReleaseOutcome>;
}

export interface ReleaseOutcome {
  deleted: boolean;
  /** What happened, for the run log: "deleted kind cluster x", "kept kind cluster x (--keep)", … */
  detail: string;
}

/** Phase-level progress, e.g. for one ✓/✗ line per phase on the console. Every hook is optional. */
export interface ClusterProgress {
  phaseStarted?(phase: string): void;
  phaseFinished?(phase: string, durationMs: number, detail?: string): void;
  phaseFailed?(phase: string, error: unknown, durationMs: number): void;
  /** Something the user should know that is not a failure (a skipped step, a version mismatch). */
  note?(message: string): void;
}

/** One phase of provisioning: an action over the provider's shared context (kind's `actions.Action`). */
export interface ClusterAction<C> {
  readonly name: string;
  /** Returns an optional one-line detail for the progress line (e.g. the version found). */
  execute(context: C): Promise<string | void>;
}
