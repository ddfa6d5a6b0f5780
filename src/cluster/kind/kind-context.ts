/** The state shared by the kind provider's phases (kind's `actions.ActionContext`). */
import type { KubeClient } from '../../kube/index.js';
import type { Clock } from '../../util/index.js';
import type { PreparedCni } from '../cni/cni-choice.js';
import type { ProviderDependencies } from '../dependencies.js';
import type { ClusterProgress } from '../types.js';
import type { ResolvedKindOptions } from './kind-options.js';

export interface KindContext {
  readonly options: ResolvedKindOptions;
  readonly deps: ProviderDependencies;
  readonly runDir: string;
  readonly kindConfigPath: string;
  readonly kubeconfigPath: string;
  readonly progress: ClusterProgress;
  readonly signal: AbortSignal | undefined;
  readonly clock: Clock | undefined;
  /** Facts gathered on the way, for ProvisionedCluster.environment. */
  readonly environment: Record<string, string>;
  /** The pod subnet in effect (the option, or the user kind config's); set by the kind config phase. */
  podSubnet: string | undefined;
  /** kind's docker network when it did not exist before `kind create cluster` (removed with the cluster). */
  createdNetwork: string | undefined;
  /** `kind create cluster` did not run to its end (aborted or timed out): late node containers are possible. */
  createInterrupted: boolean;
  /** Set when `kind create cluster` is started: from then on a failure deletes the cluster (unless --keep). */
  clusterCreated: boolean;
  client: KubeClient | undefined;
  cni: PreparedCni | undefined;
  /** A reused cluster that already runs the chosen CNI's node DaemonSet: the CNI is not installed again. */
  cniPresent: boolean;
}

/** The client, which the connect phase sets; a phase that runs before it is a bug in the action list. */
export function clientOf(context: KindContext): KubeClient {
  if (!context.client) throw new Error('kind provider: a phase needs the Kubernetes client before the connect phase ran (action order bug)');
  return context.client;
}
