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

/**
 * `12 of 40 pod-to-pod cells crossed nodes (3 nodes)`: of the probed cells whose source and target pod nodes are
 * known, how many ran between two different nodes. Undefined when no cell records nodes (static runs, Services,
 * externals only).
 */
export function describeCrossNode(run: RunResult): string | undefined {
  let known = 0;
  let crossed = 0;
  const nodes = new Set<string>();
  for (const suite of run.suites) {
    for (const cell of suite.cells) {
      if (cell.sourceNode === undefined || cell.targetNode === undefined || cell.observed === undefined) continue;
      known += 1;
      nodes.add(cell.sourceNode).add(cell.targetNode);
      if (cell.sourceNode !== cell.targetNode) crossed += 1;
    }
  }
  if (known === 0) return undefined;
  return `${crossed} of ${known} pod-to-pod ${known === 1 ? 'cell' : 'cells'} crossed nodes (${nodes.size} ${nodes.size === 1 ? 'node' : 'nodes'})`;
}
