/** `diff`: what a policy change opens and closes, against a git ref or a directory. */
export { gitBase, directoryBase, type BaseSource } from './base-source.js';
export { loadBaseSuite } from './load-base-suite.js';
export { diffSuite, breakingChanges, forbiddenChanges, type CellChange, type DiffResult, type SuiteDiff, type FailOn, type ChangeKind } from './diff-suites.js';
export { formatDiffConsole, formatDiffMarkdown, formatDiffJson, diffTotals } from './format-diff.js';

import type { Suite } from '../suite/index.js';
import type { BaseSource } from './base-source.js';
import { diffSuite, type DiffResult } from './diff-suites.js';
import { loadBaseSuite } from './load-base-suite.js';

/** Diffs every suite against its policy files at `base`. */
export async function diffSuites(suites: readonly Suite[], base: BaseSource): Promise<DiffResult> {
  const result: DiffResult = { base: base.label, suites: [] };
  for (const suite of suites) result.suites.push(diffSuite(suite, await loadBaseSuite(suite, base)));
  return result;
}
export { planChangedSince, withChangedCells, type ChangedSincePlan } from './changed-since.js';
