/**
 * Polling with a deadline: the one way netpol-e2e waits for something (pods Ready, CRDs Established, a
 * DaemonSet rolled out). Never a fixed sleep. The clock is injectable so tests run without real time passing.
 */
import { TimeoutError } from './errors.js';

/** Time as polling sees it. Production uses `systemClock()`; tests pass a fake that advances on sleep. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; only differences matter. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `performance.now()` and `setTimeout`. */
export function systemClock(): Clock {
  return {
    now: () => performance.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortReason(signal));
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(abortReason(signal as AbortSignal));
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** One look at the awaited condition: either it holds (with a value), or what was seen instead. */
export type PollResult<T> = { done: true; value: T } | { done: false; observation: string };

export function pollDone<T>(value: T): PollResult<T> {
  return { done: true, value };
}

export function pollPending<T = never>(observation: string): PollResult<T> {
  return { done: false, observation };
}

export interface PollOptions {
  /** Upper bound on the whole wait. */
  timeoutMs: number;
  /** Pause between looks. */
  intervalMs: number;
  /** What is awaited, as the end of "timed out after 120 s waiting for …". */
  describe: string;
  /** What to do when the wait runs out (the TimeoutError's hint). */
  hint?: string;
  clock?: Clock;
  signal?: AbortSignal;
}

/** Facts about a finished poll, for timings and "how long enforcement took" reports. */
export interface PollOutcome<T> {
  value: T;
  attempts: number;
  elapsedMs: number;
}

/**
 * Calls `check` until it reports done, and returns the value. Throws TimeoutError (naming what was awaited, the
 * limit, and the last observation) when the deadline passes; the check is tried once more exactly at the
 * deadline. An error thrown by `check` is not retried: it propagates as is. An aborted signal rejects with its
 * reason.
 */
export async function poll<T>(check: (attempt: number) => Promise<PollResult<T>>, options: PollOptions): Promise<T> {
  const outcome = await pollWithStats(check, options);
  return outcome.value;
}

/** `poll`, also reporting how many looks it took and how long. */
export async function pollWithStats<T>(
  check: (attempt: number) => Promise<PollResult<T>>,
  options: PollOptions,
): Promise<PollOutcome<T>> {
  const clock = options.clock ?? systemClock();
  const { signal } = options;
  if (!(options.timeoutMs >= 0) || !(options.intervalMs > 0)) {
    throw new RangeError(`poll for ${options.describe}: timeoutMs must be >= 0 and intervalMs > 0`);
  }
  const start = clock.now();
  const deadline = start + options.timeoutMs;
  let attempt = 0;
  let last = '(not checked yet)';
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    attempt += 1;
    const result = await check(attempt);
    if (result.done) return { value: result.value, attempts: attempt, elapsedMs: clock.now() - start };
    last = result.observation;
    const remaining = deadline - clock.now();
    if (remaining <= 0) break;
    await clock.sleep(Math.min(options.intervalMs, remaining), signal);
  }
  throw new TimeoutError(
    `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.describe} (${attempt} ${attempt === 1 ? 'check' : 'checks'}); last seen: ${last}`,
    { hint: options.hint ?? 'look at the last observation above; if the cluster is just slow, raise the timeout' },
  );
}

/** "850 ms", "12 s", "1.5 s", "4 min", "2 min 30 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
