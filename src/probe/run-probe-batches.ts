/**
 * Runs probes from inside their source pods: one exec per source pod carrying all of its probes (batched), or,
 * for comparison (bench/live-matrix-bench.ts), one exec per probe. Execs run with bounded concurrency across
 * pods. A transport failure of an exec becomes an exec-error observation of each probe it carried: a broken
 * probe is reported as such, never as a block.
 */
import type { Clock } from '../util/index.js';
import { systemClock } from '../util/index.js';
import { describeError } from '../util/index.js';
import type { ExecResult, KubeClient } from '../kube/index.js';
import { abortRace, type AbortRace } from './abort-race.js';
import { buildBatchArgv, parseBatchOutput, probeLimitMs } from './batch-script.js';
import { classifyProbe } from './classify-probe.js';
import { mapWithConcurrency, type Limiter } from '../util/index.js';
import type { ProbeObservation, ProbeRequest } from './probe-request.js';

/** The probes one source pod (or one external source's client container) makes in one round. */
export interface ProbeBatch {
  namespace: string;
  pod: string;
  /** The container that has curl, nslookup and /agnhost. */
  container: string;
  /** An external source: the Docker container the batch runs in instead of the pod (see ClientExec). */
  client?: string;
  requests: ProbeRequest[];
}

/**
 * Runs a command in an external source's client container (a Docker exec), bounded by `timeoutMs`. Like
 * KubeClient.exec: the command's exit code is a result; a transport failure or the bound is thrown.
 */
export type ClientExec = (container: string, argv: string[], timeoutMs: number) => Promise<ExecResult>;

export interface ProbeResult extends ProbeObservation {
  /** Wall time of the exec that carried the probe. */
  durationMs: number;
}

export type ProbeMode = 'batched' | 'per-probe';

export interface RunProbeBatchesOptions {
  /** At most this many execs in flight in this call. */
  concurrency: number;
  /** A bound shared with other callers (suites probing at the same time): each exec also takes a slot of it. */
  limiter?: Limiter;
  mode?: ProbeMode;
  signal?: AbortSignal;
  clock?: Clock;
  /** Added to the longest probe's limit to bound each exec (API round trip, process start-up). */
  execSlackMs?: number;
  /** Runs the batches of external sources (those with `client`); without it they end in exec-error. */
  clientExec?: ClientExec;
}

const DEFAULT_EXEC_SLACK_MS = 15_000;

/** Results keyed by request id; ids must be unique across all batches. */
export async function runProbeBatches(
  kube: KubeClient,
  batches: readonly ProbeBatch[],
  options: RunProbeBatchesOptions,
): Promise<Map<string, ProbeResult>> {
  const mode = options.mode ?? 'batched';
  const execs: ProbeBatch[] =
    mode === 'batched'
      ? batches.filter((b) => b.requests.length > 0)
      : batches.flatMap((b) => b.requests.map((request) => ({ ...b, requests: [request] })));
  const seen = new Set<string>();
  for (const request of execs.flatMap((b) => b.requests)) {
    if (seen.has(request.id)) throw new Error(`internal error: probe id ${request.id} is used twice in one round`);
    seen.add(request.id);
  }
  const results = new Map<string, ProbeResult>();
  const abort = abortRace(options.signal);
  try {
    await mapWithConcurrency(
      execs,
      options.concurrency,
      async (batch) => {
        const run = (): Promise<Map<string, ProbeResult>> => runOneExec(kube, batch, options, abort);
        const byId = options.limiter ? await abort.race(options.limiter.run(run, options.signal)) : await run();
        for (const [id, result] of byId) results.set(id, result);
      },
      options.signal,
    );
  } finally {
    abort.dispose();
  }
  return results;
}

function clientExec(options: RunProbeBatchesOptions, container: string, argv: string[], timeoutMs: number): Promise<ExecResult> {
  if (!options.clientExec) return Promise.reject(new Error('internal error: a probe from an external source, but no way to exec in its client container'));
  return options.clientExec(container, argv, timeoutMs);
}

async function runOneExec(
  kube: KubeClient,
  batch: ProbeBatch,
  options: RunProbeBatchesOptions,
  abort: AbortRace,
): Promise<Map<string, ProbeResult>> {
  const clock = options.clock ?? systemClock();
  const started = clock.now();
  const timeoutMs = Math.max(...batch.requests.map(probeLimitMs)) + (options.execSlackMs ?? DEFAULT_EXEC_SLACK_MS);
  const results = new Map<string, ProbeResult>();
  const where =
    batch.client === undefined
      ? `pod ${batch.namespace}/${batch.pod} (container ${batch.container})`
      : `the client container ${batch.client} of external ${batch.pod}`;
  let exec;
  try {
    const argv = buildBatchArgv(batch.requests);
    exec = await abort.race(
      batch.client === undefined
        ? kube.exec(batch.namespace, batch.pod, argv, { container: batch.container, timeoutMs })
        : clientExec(options, batch.client, argv, timeoutMs),
    );
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const durationMs = clock.now() - started;
    for (const request of batch.requests) {
      results.set(request.id, { outcome: 'exec-error', detail: `exec in ${where} failed: ${describeError(error)}`, durationMs });
    }
    return results;
  }
  const durationMs = clock.now() - started;
  const parsed = parseBatchOutput(exec.stdout);
  for (const request of batch.requests) {
    const raw = parsed.results.get(request.id);
    if (raw) {
      results.set(request.id, { ...classifyProbe(request.kind, raw.exitCode, raw.stdout, raw.stderr), durationMs });
      continue;
    }
    const stderr = exec.stderr.trim().replace(/\s+/g, ' ').slice(0, 300);
    results.set(request.id, {
      outcome: 'exec-error',
      detail:
        `no result for this probe from the batch in ${where}: the probe script exited ${exec.exitCode}` +
        `${parsed.complete ? '' : ' before finishing'}${stderr ? ` (stderr: ${stderr})` : ''}; the image needs /bin/sh, curl, nslookup and /agnhost`,
      durationMs,
    });
  }
  return results;
}
