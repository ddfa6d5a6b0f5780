/**
 * The positive control: before any policy exists, every path the suite will probe must answer (connections
 * connect; DNS servers answer, whatever the answer). Paths that do not answer yet are probed again until a
 * bound (kube-proxy rules and endpoints lag behind pod readiness), except a path whose source pod cannot make
 * the probe at all (its kernel lacks the protocol: `unsupported`), which no wait changes. Without this baseline "blocked" could just
 * mean a broken cluster, so the caller turns failures into an infrastructure error, never into passes.
 */
import type { Outcome } from '../results/index.js';
import type { ProbeResult } from './run-probe-batches.js';
import type { Clock } from '../util/index.js';
import type { PathProbe, ProbeRound } from './probe-round.js';

export interface ControlFailure {
  probe: PathProbe;
  outcome: Outcome;
  detail: string;
}

export interface ControlResult {
  /** Keys of the paths that answered. */
  answered: Set<string>;
  failures: ControlFailure[];
  /** The last result of every path probed. */
  last: Map<string, ProbeResult>;
  elapsedMs: number;
  rounds: number;
}

export interface ControlOptions {
  clock: Clock;
  signal?: AbortSignal;
  timeoutMs: number;
  intervalMs: number;
}

/** A connection answered, or a DNS server answered (with records, NXDOMAIN or an error code). */
export function pathAnswered(probe: PathProbe, result: ProbeResult): boolean {
  if (probe.kind === 'dns') return result.outcome === 'resolved' || result.outcome === 'dns-nxdomain' || result.outcome === 'dns-error';
  return result.outcome === 'connected';
}

export async function runPositiveControl(probes: readonly PathProbe[], round: ProbeRound, options: ControlOptions): Promise<ControlResult> {
  const { clock } = options;
  const start = clock.now();
  const answered = new Set<string>();
  const last = new Map<string, ProbeResult>();
  let pending = [...probes];
  let rounds = 0;
  while (pending.length > 0) {
    if (options.signal?.aborted) throw options.signal.reason;
    rounds += 1;
    const results = await round(pending);
    for (const probe of pending) {
      const result = results.get(probe.key);
      if (result) last.set(probe.key, result);
      if (result && pathAnswered(probe, result)) answered.add(probe.key);
    }
    // a path whose source cannot make the probe at all (its kernel lacks the protocol) will not answer later
    pending = pending.filter((p) => !answered.has(p.key) && last.get(p.key)?.unsupported !== true);
    const elapsed = clock.now() - start;
    if (pending.length === 0 || elapsed >= options.timeoutMs) break;
    await clock.sleep(Math.min(options.intervalMs, options.timeoutMs - elapsed), options.signal);
  }
  const failures = probes.filter((p) => !answered.has(p.key)).map((probe) => {
    const result = last.get(probe.key);
    return { probe, outcome: result?.outcome ?? 'exec-error', detail: result?.detail ?? 'never probed' } satisfies ControlFailure;
  });
  return { answered, failures, last, elapsedMs: clock.now() - start, rounds };
}
