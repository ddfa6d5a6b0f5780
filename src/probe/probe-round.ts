/**
 * A round of probes over "paths" (a source pod, a probe kind and a target), keyed by the caller. Identical
 * paths asked twice in one round are probed once. Underneath: one exec per source pod (runProbeBatches).
 */
import type { KubeClient } from '../kube/types.js';
import { PROBE_CONTAINER } from '../deploy/probe-pod.js';
import type { ProbeKind, ProbeRequest } from './probe-request.js';
import { runProbeBatches, type ProbeBatch, type ProbeMode, type ProbeResult } from './run-probe-batches.js';
import type { Clock } from '../util/poll.js';

export interface PathProbe {
  /** The caller's key for this path; results come back under it. */
  key: string;
  namespace: string;
  pod: string;
  kind: ProbeKind;
  target: string;
  /** Defaults to the round's connect timeout. */
  timeoutMs?: number;
}

export type ProbeRound = (probes: readonly PathProbe[]) => Promise<Map<string, ProbeResult>>;

export interface ProbeRoundOptions {
  concurrency: number;
  timeoutMs: number;
  mode?: ProbeMode;
  signal?: AbortSignal;
  clock?: Clock;
}

export function createProbeRound(kube: KubeClient, options: ProbeRoundOptions): ProbeRound {
  return async (probes) => {
    const batches = new Map<string, ProbeBatch>();
    const idOfPath = new Map<string, string>();
    const keysOfId = new Map<string, string[]>();
    for (const probe of probes) {
      const pathKey = `${probe.namespace}/${probe.pod}|${probe.kind}|${probe.target}|${probe.timeoutMs ?? ''}`;
      let id = idOfPath.get(pathKey);
      if (id === undefined) {
        id = `p${idOfPath.size + 1}`;
        idOfPath.set(pathKey, id);
        const podKey = `${probe.namespace}/${probe.pod}`;
        let batch = batches.get(podKey);
        if (!batch) {
          batch = { namespace: probe.namespace, pod: probe.pod, container: PROBE_CONTAINER, requests: [] };
          batches.set(podKey, batch);
        }
        const request: ProbeRequest = { id, kind: probe.kind, target: probe.target, timeoutMs: probe.timeoutMs ?? options.timeoutMs };
        batch.requests.push(request);
      }
      keysOfId.set(id, [...(keysOfId.get(id) ?? []), probe.key]);
    }
    const byId = await runProbeBatches(kube, [...batches.values()], {
      concurrency: options.concurrency,
      mode: options.mode ?? 'batched',
      signal: options.signal,
      clock: options.clock,
    });
    const results = new Map<string, ProbeResult>();
    for (const [id, keys] of keysOfId) {
      const result = byId.get(id);
      if (!result) continue;
      for (const key of keys) results.set(key, result);
    }
    return results;
  };
}
