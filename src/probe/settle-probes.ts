/**
 * Settling after a change (policies applied, labels changed): probe every path in rounds until every result
 * meets its expectation, but never accept results from before the measured enforcement time (a cell that
 * already had its expected value before the change proves nothing until the change could have taken effect),
 * and give up at the deadline. Then probe everything again (confirmation rounds): a path whose outcome changes
 * after the state settled is flaky, and is reported with its history instead of being passed.
 *
 * No fixed sleeps: the loop waits only between rounds (the poll interval), or until the minimum settle time.
 */
import type { Outcome } from '../results/index.js';
import type { ProbeResult } from './run-probe-batches.js';
import type { Clock } from '../util/index.js';

export interface SettleOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** Results are final only from rounds that start at least this long after the change. */
  minSettleMs: number;
  /** Stop waiting for expectations after this long. */
  deadlineMs: number;
  intervalMs: number;
  /** Full rounds after settling, to catch flaky paths. */
  confirmRounds: number;
  /**
   * Keys whose expected result differs from what they showed before the change (the caller passes them only
   * when the model agrees with every expectation). A round in which every key meets its expectation and these
   * show their new result proves the change took effect: it settles the step even if it started before
   * minSettleMs. Empty or absent: only rounds from minSettleMs on count.
   */
  changed?: ReadonlySet<string>;
}

export interface SettledProbe {
  /** The result of the settling round. */
  result: ProbeResult;
  /** Outcomes of the settling round and every confirmation round, in order. */
  history: Outcome[];
}

export interface SettleOutcome {
  probes: Map<string, SettledProbe>;
  /** Every expectation was met before the deadline. */
  settled: boolean;
  /** When the observed results stopped changing, from the change (the start of the final stable streak). */
  settleMs: number;
  /** Total time spent, confirmation rounds included. */
  elapsedMs: number;
  /** Time spent in the confirmation rounds. */
  confirmMs: number;
  rounds: number;
}

/**
 * `probe(keys)` runs one round over the given keys; `met(key, result)` says whether a result is what the
 * assertion expects. Keys are the paths to probe.
 */
export async function settleProbes(
  keys: readonly string[],
  probe: (keys: readonly string[]) => Promise<Map<string, ProbeResult>>,
  met: (key: string, result: ProbeResult) => boolean,
  options: SettleOptions,
): Promise<SettleOutcome> {
  const { clock } = options;
  const start = clock.now();
  const rounds: { startedMs: number; results: Map<string, ProbeResult> }[] = [];
  const probed = new Set(keys);
  // every changed key is probed (met() holds for it when all keys meet theirs), else it proves nothing
  const evidence = options.changed && [...options.changed].every((key) => probed.has(key)) ? [...options.changed] : [];
  let settled = false;
  for (;;) {
    throwIfAborted(options.signal);
    const startedMs = clock.now() - start;
    const results = complete(keys, await probe(keys));
    rounds.push({ startedMs, results });
    const allMet = keys.every((key) => met(key, results.get(key) as ProbeResult));
    const changeSeen = evidence.length > 0;
    if (allMet && (startedMs >= options.minSettleMs || changeSeen)) {
      settled = true;
      break;
    }
    const elapsed = clock.now() - start;
    if (elapsed >= options.deadlineMs) break;
    // all met too early: wait until the change can have taken effect; otherwise poll again
    const wait = allMet ? Math.max(options.intervalMs, options.minSettleMs - elapsed) : options.intervalMs;
    await clock.sleep(Math.min(wait, options.deadlineMs - elapsed), options.signal);
  }
  const final = rounds[rounds.length - 1] as (typeof rounds)[number];
  const settleMs = stableSince(keys, rounds);
  const probes = new Map<string, SettledProbe>();
  for (const key of keys) {
    const result = final.results.get(key) as ProbeResult;
    probes.set(key, { result, history: [result.outcome] });
  }
  const confirmStart = clock.now();
  for (let i = 0; i < options.confirmRounds; i += 1) {
    throwIfAborted(options.signal);
    const results = complete(keys, await probe(keys));
    for (const key of keys) probes.get(key)?.history.push((results.get(key) as ProbeResult).outcome);
  }
  const end = clock.now();
  return { probes, settled, settleMs, elapsedMs: end - start, confirmMs: end - confirmStart, rounds: rounds.length + options.confirmRounds };
}

/** Start of the earliest round from which every key kept the outcome it has in the final round. */
function stableSince(keys: readonly string[], rounds: readonly { startedMs: number; results: Map<string, ProbeResult> }[]): number {
  const final = rounds[rounds.length - 1] as (typeof rounds)[number];
  let index = rounds.length - 1;
  while (index > 0) {
    const previous = rounds[index - 1] as (typeof rounds)[number];
    const same = keys.every((key) => previous.results.get(key)?.outcome === final.results.get(key)?.outcome);
    if (!same) break;
    index -= 1;
  }
  return (rounds[index] as (typeof rounds)[number]).startedMs;
}

function complete(keys: readonly string[], results: Map<string, ProbeResult>): Map<string, ProbeResult> {
  for (const key of keys) {
    if (!results.has(key)) results.set(key, { outcome: 'exec-error', detail: 'the probe round returned no result for this path', durationMs: 0 });
  }
  return results;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
