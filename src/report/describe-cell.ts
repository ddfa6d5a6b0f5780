/**
 * The words every reporter uses for a cell, so the console, JUnit, Markdown and annotations say the same thing.
 */
import type { CellResult, Observation, SuiteResult } from '../results/index.js';

/**
 * The cell's name as reports show it: the engine's human name, plus the step when the cell belongs to a step after
 * the suite's initial state (the same assertion is re-checked at each step, so the name alone would repeat).
 */
export function describeCell(cell: CellResult): string {
  if (cell.step.index === 0) return cell.name;
  return `${cell.name} [${describeStep(cell.step)}]`;
}

/** `step 2: remove the allow`, or just `step 2` when the step has no name of its own (corpus steps are `step 2`). */
export function describeStep(step: { index: number; name: string }): string {
  const label = `step ${step.index}`;
  const name = step.name.trim();
  return name === '' || name === label ? label : `${label}: ${name}`;
}

/** What was observed, with how it reads as a verdict when that adds something: `timeout (deny)`. */
export function describeObservation(observed: Observation): string {
  if (observed.verdict === undefined) return `${observed.outcome} (not judged)`;
  if (observed.verdict === 'resolves' || observed.verdict === 'nxdomain') return observed.outcome;
  return `${observed.outcome} (${observed.verdict})`;
}

/**
 * `expected allow, observed timeout (deny), model allow` (the parts that are known). A flaky cell says so and
 * lists every observation in order: `flaky: expected deny, observed timeout, connected, timeout (3 attempts),
 * model deny`.
 */
export function describeVerdicts(cell: CellResult): string {
  const history = cell.observed?.history;
  if (cell.status === 'flaky' && history && history.length > 0) {
    const parts = [`flaky: expected ${cell.expected}`, `observed ${history.join(', ')} (${history.length} attempts)`];
    if (cell.model) parts.push(`model ${cell.model.verdict}`);
    return parts.join(', ');
  }
  const parts = [`expected ${cell.expected}`];
  if (cell.observed) parts.push(`observed ${describeObservation(cell.observed)}`);
  // For a DNS cell the model's answer is the verdict that matters: `expected nxdomain, model resolves`.
  if (cell.model) parts.push(`model ${cell.model.dnsAnswer ?? cell.model.verdict}`);
  return parts.join(', ');
}

/** `3 attempts: connected, timeout, connected`, or undefined when a single attempt says it all. */
export function describeAttempts(observed: Observation): string | undefined {
  if (observed.history && observed.history.length > 0) {
    return `${observed.attempts} attempts: ${observed.history.join(', ')}`;
  }
  if (observed.attempts > 1) return `${observed.attempts} attempts, all ${observed.outcome}`;
  return undefined;
}

/** `suites/prod-api.yaml:14`: the suite file as the user named it and the assertion's line. */
export function describeLocation(suite: SuiteResult, cell: CellResult): string {
  return `${suite.file}:${cell.position.line}`;
}

/** Cells a report lists in detail: those that did not pass and were not deliberately skipped. */
export function isProblem(cell: CellResult): boolean {
  return cell.status === 'failed' || cell.status === 'error' || cell.status === 'flaky';
}
