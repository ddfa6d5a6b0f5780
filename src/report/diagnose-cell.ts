/**
 * The three-way verdict of a cell in one sentence: the suite's expectation vs the spec (the model) vs what the CNI
 * did. It says which of the three is the odd one out, which is where the user should look. Agreement with the
 * spec is the judge's (results/model-agreement.ts), so a sentence never contradicts a cell's status.
 */
import { modelAgrees, type CellExpectation, type CellResult, type Expectation, type ModelResult } from '../results/index.js';

function isExpectation(expected: CellExpectation): expected is Expectation {
  return expected !== 'table';
}

const MIXED_STATIC = "by the spec the Service's backends get different verdicts (mixed), so the suite's expectation holds for only some of them";
const MIXED_LIVE = "by the spec the Service's backends get different verdicts (mixed); the outcome depends on which backend answered";

/** What the spec says, as a clause: `this connection is denied`, `the lookup is allowed and the name resolves`. */
function specClause(model: ModelResult): string {
  if (model.dnsAnswer !== undefined) return `the lookup is allowed and the name ${model.dnsAnswer === 'resolves' ? 'resolves' : 'does not exist (NXDOMAIN)'}`;
  return `this connection is ${model.verdict === 'allow' ? 'allowed' : 'denied'}`;
}

/** A sentence naming who disagrees with whom, or undefined when there is nothing to say (all agree, or unknown). */
export function diagnoseCell(cell: CellResult): string | undefined {
  const model = cell.model;
  if (model === undefined || !isExpectation(cell.expected)) return undefined;
  const expectationAgrees = modelAgrees(cell.expected, model);
  const observed = cell.observed;

  if (observed === undefined) {
    if (expectationAgrees !== false) return undefined;
    if (model.verdict === 'mixed') return MIXED_STATIC;
    if (model.dnsAnswer !== undefined) return `the suite's expectation disagrees with the spec: by the spec ${specClause(model)}`;
    return `the policies do not do what the suite expects: by the spec ${specClause(model)}`;
  }

  if (cell.status === 'flaky') {
    return 'the CNI gave different outcomes on repeated attempts: enforcement was not stable (still converging, or racing a policy update)';
  }
  const verdict = observed.verdict;
  if (verdict === undefined) return undefined;
  const cniFollowsSpec = modelAgrees(verdict, model);

  if (verdict === cell.expected) {
    if (expectationAgrees !== false) return undefined;
    return model.verdict === 'mixed'
      ? "the CNI did what the suite expects, but by the spec the Service's backends differ (mixed): another backend may answer differently"
      : `the CNI did what the suite expects, but by the spec this is ${model.verdict}: the CNI deviates from the spec (or the suite relies on CNI-specific behaviour)`;
  }
  if (cniFollowsSpec === true) {
    return "the CNI followed the spec; the suite's expectation disagrees with the spec: fix the expectation or the policies";
  }
  if (model.verdict === 'mixed') return MIXED_LIVE;
  if (cniFollowsSpec === false && expectationAgrees !== false) {
    return 'the spec agrees with the suite, but the CNI did not: a CNI enforcement gap, or the policy had not taken effect yet';
  }
  if (cniFollowsSpec === undefined && expectationAgrees === undefined) {
    return model.undecided ?? `by the spec the lookup is allowed, but whether the name exists is not modelled (it is outside the cluster): the lookup answered ${observed.outcome} where the suite expects ${cell.expected}; check the name and the expectation`;
  }
  return `neither the suite nor the CNI agrees with the spec: by the spec ${specClause(model)}`;
}
