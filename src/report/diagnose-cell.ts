/**
 * The three-way verdict of a cell in one sentence: the suite's expectation vs the spec (the model) vs what the CNI
 * did. It says which of the three is the odd one out, which is where the user should look.
 */
import type { CellExpectation, CellResult, Expectation, ModelVerdict } from '../results/index.js';

/** Whether an expectation (or an observed verdict) says the same as the model's verdict. */
function agreesWithModel(expectation: Expectation, model: ModelVerdict): boolean {
  if (model === 'mixed') return false;
  const admits = expectation === 'allow' || expectation === 'resolves' || expectation === 'nxdomain';
  return admits === (model === 'allow');
}

function isExpectation(expected: CellExpectation): expected is Expectation {
  return expected !== 'table';
}

/** A sentence naming who disagrees with whom, or undefined when there is nothing to say (all agree, or unknown). */
export function diagnoseCell(cell: CellResult): string | undefined {
  const model = cell.model?.verdict;
  if (model === undefined || !isExpectation(cell.expected)) return undefined;
  const expectationAgrees = agreesWithModel(cell.expected, model);
  const observed = cell.observed;

  if (observed === undefined) {
    if (expectationAgrees) return undefined;
    if (model === 'mixed') {
      return 'by the spec the Service\'s backends get different verdicts (mixed), so the suite\'s expectation holds for only some of them';
    }
    return `the policies do not do what the suite expects: by the spec this connection is ${model === 'allow' ? 'allowed' : 'denied'}`;
  }

  if (cell.status === 'flaky') {
    return 'the CNI gave different outcomes on repeated attempts: enforcement was not stable (still converging, or racing a policy update)';
  }
  const verdict = observed.verdict;
  if (verdict === undefined) return undefined;
  const cniAsExpected = verdict === cell.expected;
  const cniFollowsSpec = agreesWithModel(verdict, model);

  if (cniAsExpected && expectationAgrees) return undefined;
  if (cniAsExpected) {
    return model === 'mixed'
      ? 'the CNI did what the suite expects, but by the spec the Service\'s backends differ (mixed): another backend may answer differently'
      : `the CNI did what the suite expects, but by the spec this is ${model}: the CNI deviates from the spec (or the suite relies on CNI-specific behaviour)`;
  }
  if (cniFollowsSpec) {
    return 'the CNI followed the spec; the suite\'s expectation disagrees with the spec: fix the expectation or the policies';
  }
  if (expectationAgrees) {
    return 'the spec agrees with the suite, but the CNI did not: a CNI enforcement gap, or the policy had not taken effect yet';
  }
  return 'by the spec the Service\'s backends get different verdicts (mixed); the outcome depends on which backend answered';
}
