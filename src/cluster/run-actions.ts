/** Runs provisioning phases in order, reporting each through ClusterProgress and recording its duration. */
import type { ClusterAction, ClusterProgress } from './types.js';
import { systemClock, type Clock } from '../util/index.js';

export async function runActions<C>(
  actions: readonly ClusterAction<C>[],
  context: C,
  options: { progress: ClusterProgress; timings: { name: string; ms: number }[]; clock?: Clock },
): Promise<void> {
  const clock = options.clock ?? systemClock();
  for (const action of actions) {
    options.progress.phaseStarted?.(action.name);
    const start = clock.now();
    try {
      const detail = await action.execute(context);
      const ms = clock.now() - start;
      options.timings.push({ name: action.name, ms });
      options.progress.phaseFinished?.(action.name, ms, detail === undefined ? undefined : detail);
    } catch (error) {
      const ms = clock.now() - start;
      options.timings.push({ name: action.name, ms });
      options.progress.phaseFailed?.(action.name, error, ms);
      throw error;
    }
  }
}
