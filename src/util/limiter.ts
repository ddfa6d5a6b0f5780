/**
 * A bound on operations in flight shared by independent callers (e.g. execs of suites probing at the same
 * time): `run(fn)` waits for a slot, in arrival order, then runs fn. Counts what it let through, so a run can
 * report its worst point (peak in flight).
 */
export interface Limiter {
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly limit: number;
  readonly inFlight: number;
  /** Most operations in flight at once so far. */
  readonly peak: number;
}

export function createLimiter(limit: number): Limiter {
  if (!(limit >= 1) || !Number.isFinite(limit)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  let inFlight = 0;
  let peak = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    inFlight -= 1;
    const next = queue.shift();
    if (next) next();
  };
  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (inFlight < limit && queue.length === 0) {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        resolve();
      };
      const onAbort = (): void => {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason);
      };
      queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };
  return {
    limit,
    get inFlight() {
      return inFlight;
    },
    get peak() {
      return peak;
    },
    async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
