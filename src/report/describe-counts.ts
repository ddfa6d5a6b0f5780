import { countRun, type Counts, type RunResult } from '../results/index.js';

/**
 * `3 passed, 1 failed, 2 errors, 1 flaky`: passed and failed always, the rest when non-zero. `runErrors` are
 * errors that stopped a suite or the run, named `<scope> errors`.
 */
export function describeCounts(counts: Counts, runErrors = 0, scope: 'run' | 'suite' = 'run'): string {
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`];
  if (counts.errors > 0) parts.push(`${counts.errors} ${counts.errors === 1 ? 'error' : 'errors'}`);
  if (counts.flaky > 0) parts.push(`${counts.flaky} flaky`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (runErrors > 0) parts.push(`${runErrors} ${scope} ${runErrors === 1 ? 'error' : 'errors'}`);
  return parts.join(', ');
}

/** Errors that stopped the run or a suite (not cells that errored). */
export function countRunErrors(run: RunResult): number {
  return run.errors.length + run.suites.reduce((sum, suite) => sum + suite.errors.length, 0);
}

/** The totals of a run in words. */
export function describeRunCounts(run: RunResult): string {
  return describeCounts(countRun(run), countRunErrors(run));
}
