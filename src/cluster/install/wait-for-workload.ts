/**
 * Bounded waits for what a cluster needs before a run: a DaemonSet ready on every node, a Deployment available,
 * every node Ready. When the bound is reached, the error is a ClusterError carrying a diagnosis (see
 * diagnose-workload.ts), with the TimeoutError as cause.
 */
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { ClusterError, TimeoutError } from '../../util/index.js';
import { formatDuration, pollDone, pollPending, pollWithStats, type Clock, type PollResult } from '../../util/index.js';
import { diagnoseWorkload, type WorkloadRef } from './diagnose-workload.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  clock?: Clock;
  signal?: AbortSignal;
  /** The kind cluster, for `kind load docker-image … --name` in hints. */
  clusterName?: string;
}

interface Workload extends KubeObject {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    replicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
  };
}

/** Waits until the workload is ready; returns how long it took. */
export async function waitForWorkload(client: KubeClient, ref: WorkloadRef, options: WaitOptions): Promise<number> {
  const label = `${ref.kind} ${ref.namespace}/${ref.name}`;
  let last = '';
  try {
    const outcome = await pollWithStats(
      async () => {
        const live = await client.get<Workload>({ apiVersion: 'apps/v1', kind: ref.kind, namespace: ref.namespace, name: ref.name });
        const result = live ? readiness(ref.kind, live) : pollPending<void>('it does not exist');
        if (!result.done) last = result.observation;
        return result;
      },
      {
        timeoutMs: options.timeoutMs,
        intervalMs: options.intervalMs,
        describe: `${label} to be ready`,
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      },
    );
    return outcome.elapsedMs;
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const diagnosis = await diagnoseWorkload(client, ref, options.clusterName !== undefined ? { clusterName: options.clusterName } : {});
    throw new ClusterError(`${label} not ready after ${formatDuration(options.timeoutMs)} (${last}): ${diagnosis.summary}`, {
      hint: diagnosis.hint,
      cause: error,
    });
  }
}

export function readiness(kind: WorkloadRef['kind'], live: Workload): PollResult<void> {
  const status = live.status ?? {};
  const generation = typeof live.metadata['generation'] === 'number' ? live.metadata['generation'] : undefined;
  if (generation !== undefined && (status.observedGeneration ?? 0) < generation) {
    return pollPending(`the controller has not observed generation ${generation} yet`);
  }
  if (kind === 'DaemonSet') {
    const desired = status.desiredNumberScheduled ?? 0;
    const ready = status.numberReady ?? 0;
    const updated = status.updatedNumberScheduled ?? ready;
    if (desired === 0) return pollPending('no node is scheduled to run it yet');
    if (ready >= desired && updated >= desired) return pollDone(undefined);
    return pollPending(`${ready} of ${desired} pods ready${updated < desired ? `, ${updated} updated` : ''}`);
  }
  const wanted = live.spec?.replicas ?? 1;
  const available = status.availableReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  if (available >= wanted && updated >= wanted) return pollDone(undefined);
  return pollPending(`${available} of ${wanted} replicas available${updated < wanted ? `, ${updated} updated` : ''}`);
}

interface Node extends KubeObject {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** Waits until every node is Ready (and there is at least one). */
export async function waitForNodesReady(client: KubeClient, options: WaitOptions): Promise<number> {
  let last = '';
  try {
    const outcome = await pollWithStats(
      async () => {
        const nodes = await client.list<Node>('v1', 'Node');
        if (nodes.length === 0) {
          last = 'no nodes registered';
          return pollPending(last);
        }
        const notReady = nodes.filter((n) => !n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        if (notReady.length === 0) return pollDone(undefined);
        last = `${nodes.length - notReady.length} of ${nodes.length} nodes Ready; ${notReady
            .map((n) => {
              const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
              return `${n.metadata.name}: ${ready ? `${ready.reason ?? ready.status}${ready.message ? ` (${ready.message})` : ''}` : 'no Ready condition'}`;
            })
            .join('; ')}`;
        return pollPending(last);
      },
      {
        timeoutMs: options.timeoutMs,
        intervalMs: options.intervalMs,
        describe: 'every node to be Ready',
        hint: 'a node that stays NotReady with "network plugin not ready" has no working CNI: check the calico-node pod on it',
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      },
    );
    return outcome.elapsedMs;
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new ClusterError(`nodes not Ready after ${formatDuration(options.timeoutMs)}: ${last}`, {
      hint: error.hint ?? 'check the nodes',
      cause: error,
    });
  }
}
