/**
 * Runs units of work concurrently, at most `limit` at a time, never two that hold a common resource (e.g. a
 * namespace name) at the same time. Units start in input order as far as that allows: a unit that must wait
 * for a resource lets later units without that resource go ahead, but never one that shares a resource with it
 * (so units that conflict keep their relative order). `stop()` ends the starting of new units (an
 * infrastructure error: the run stops); units in flight finish. Results come back by input index; units never
 * started are absent.
 */
export interface DisjointUnit {
  /** Names this unit holds exclusively while it runs. */
  resources: readonly string[];
}

export interface DisjointControl {
  /** No unit starts after this; units in flight finish. */
  stop(): void;
  readonly stopped: boolean;
}

export interface DisjointOutcome<R> {
  /** By input index; `undefined` for units that never started. */
  results: (R | undefined)[];
  /** Most units that ran at the same time. */
  peak: number;
}

export async function runDisjoint<U extends DisjointUnit, R>(
  units: readonly U[],
  limit: number,
  run: (unit: U, index: number, control: DisjointControl) => Promise<R>,
  signal?: AbortSignal,
): Promise<DisjointOutcome<R>> {
  if (!(limit >= 1)) throw new RangeError(`parallelism must be at least 1, got ${limit}`);
  const results = new Array<R | undefined>(units.length).fill(undefined);
  const waiting = units.map((_, index) => index);
  const held = new Set<string>();
  let running = 0;
  let peak = 0;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  const control: DisjointControl = {
    stop: () => {
      stopped = true;
    },
    get stopped() {
      return stopped;
    },
  };

  return new Promise<DisjointOutcome<R>>((resolve, reject) => {
    const settleIfIdle = (): void => {
      if (running > 0) return;
      if (failure) reject(failure.error);
      else resolve({ results, peak });
    };
    const startWhatFits = (): void => {
      if (signal?.aborted || failure) stopped = true;
      if (stopped) {
        settleIfIdle();
        return;
      }
      const blocked = new Set<string>();
      for (let i = 0; i < waiting.length && running < limit; ) {
        const index = waiting[i] as number;
        const resources = (units[index] as U).resources;
        if (resources.some((r) => held.has(r) || blocked.has(r))) {
          // it waits; later units sharing any of its resources wait behind it
          for (const r of resources) blocked.add(r);
          i += 1;
          continue;
        }
        waiting.splice(i, 1);
        for (const r of resources) held.add(r);
        running += 1;
        peak = Math.max(peak, running);
        void Promise.resolve()
          .then(() => run(units[index] as U, index, control))
          .then(
            (value) => {
              results[index] = value;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            for (const r of resources) held.delete(r);
            running -= 1;
            if (waiting.length === 0) settleIfIdle();
            else startWhatFits();
          });
      }
      if (waiting.length === 0 || running === 0) settleIfIdle();
    };
    startWhatFits();
  });
}
