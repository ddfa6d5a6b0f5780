/**
 * A round of probes over "paths" (a source pod, a probe kind and a target), keyed by the caller. Identical
 * paths asked twice in one round are probed once. Underneath: one exec per source pod (runProbeBatches).
 */
import type { KubeClient } from '../kube/index.js';
import { PROBE_CONTAINER } from '../deploy/index.js';
import type { ProbeKind, ProbeRequest } from './probe-request.js';
import { runProbeBatches, type ClientExec, type ProbeBatch, type ProbeMode, type ProbeResult } from './run-probe-batches.js';
import type { Clock, Limiter } from '../util/index.js';

/**
 * A path: from a source pod, a kind of probe, to a target (`ip:port`, or a DNS name). From an external source
 * (a client outside the cluster), `client` names its Docker container, where the probe runs; `namespace` is then
 * `external` and `pod` the external's name, for messages.
 */
export interface ProbePath {
  namespace: string;
  pod: string;
  client?: string;
  kind: ProbeKind;
  target: string;
  /** Defaults to the round's connect timeout. */
  timeoutMs?: number;
}

export interface PathProbe extends ProbePath {
  /** The caller's key for this path (usually pathKey(path)); results come back under it. */
  key: string;
}

/** Where a path's probes run: the source pod, or an external source's client container. One batch per source. */
function sourceKey(path: ProbePath): string {
  return path.client === undefined ? `${path.namespace}/${path.pod}` : `docker:${path.client}`;
}

/** The one key of a path: probes of the same path (and timeout) are the same probe. */
export function pathKey(path: ProbePath): string {
  const key = `${sourceKey(path)}|${path.kind}|${path.target}`;
  return path.timeoutMs === undefined ? key : `${key}|${path.timeoutMs}`;
}

export type ProbeRound = (probes: readonly PathProbe[]) => Promise<Map<string, ProbeResult>>;

export interface ProbeRoundOptions {
  concurrency: number;
  /** Shared by every round of the run (suites probing at the same time). */
  limiter?: Limiter;
  timeoutMs: number;
  mode?: ProbeMode;
  signal?: AbortSignal;
  clock?: Clock;
  /** Runs the probes of external sources in their client containers (paths with `client`). */
  clientExec?: ClientExec;
}

export function createProbeRound(kube: KubeClient, options: ProbeRoundOptions): ProbeRound {
  return async (probes) => {
    const batches = new Map<string, ProbeBatch>();
    const idOfPath = new Map<string, string>();
    const keysOfId = new Map<string, string[]>();
    for (const probe of probes) {
      const path = pathKey(probe);
      let id = idOfPath.get(path);
      if (id === undefined) {
        id = `p${idOfPath.size + 1}`;
        idOfPath.set(path, id);
        const podKey = sourceKey(probe);
        let batch = batches.get(podKey);
        if (!batch) {
          batch = { namespace: probe.namespace, pod: probe.pod, container: PROBE_CONTAINER, requests: [] };
          if (probe.client !== undefined) batch.client = probe.client;
          batches.set(podKey, batch);
        }
        const request: ProbeRequest = { id, kind: probe.kind, target: probe.target, timeoutMs: probe.timeoutMs ?? options.timeoutMs };
        batch.requests.push(request);
      }
      keysOfId.set(id, [...(keysOfId.get(id) ?? []), probe.key]);
    }
    const byId = await runProbeBatches(kube, [...batches.values()], {
      concurrency: options.concurrency,
      ...(options.limiter ? { limiter: options.limiter } : {}),
      mode: options.mode ?? 'batched',
      signal: options.signal,
      clock: options.clock,
      ...(options.clientExec ? { clientExec: options.clientExec } : {}),
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
