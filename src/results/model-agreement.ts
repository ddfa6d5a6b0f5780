/**
 * Whether an expectation (or an observed verdict, which is in the same vocabulary) says what the model says.
 * One answer, used to judge a cell (engine/judge.ts) and to explain it (report/diagnose-cell.ts).
 */
import type { CellKind, Expectation, ModelResult, Outcome } from './results.js';

/**
 * `true` / `false`, or `undefined` when the model cannot say: the verdict is undecided (it depends on a pod IP
 * the model was not given), or a lookup is allowed but the name is outside the cluster, so whether it exists
 * is not modelled. A DNS expectation (resolves, nxdomain) agrees only when the lookup is allowed and, where
 * the model knows the answer, the answer is the expected one.
 */
export function modelAgrees(expected: Expectation, model: ModelResult): boolean | undefined {
  if (model.undecided !== undefined) return undefined;
  switch (expected) {
    case 'allow':
      return model.verdict === 'allow';
    case 'deny':
    case 'blocked':
      return model.verdict === 'deny';
    case 'resolves':
    case 'nxdomain':
      if (model.verdict !== 'allow') return false;
      return model.dnsAnswer === undefined ? undefined : model.dnsAnswer === expected;
  }
}

/**
 * An outcome in the vocabulary of a cell's expectation; undefined when it says nothing about the policy (the
 * probe broke, or a DNS failure that is neither an answer nor a block). `refusedMeansDeny`: the positive
 * control saw this path answer, so a refusal now is a policy's active reject rather than a closed port.
 */
export function verdictOf(kind: CellKind, outcome: Outcome, refusedMeansDeny: boolean): Expectation | undefined {
  if (kind === 'dns') {
    switch (outcome) {
      case 'resolved':
        return 'resolves';
      case 'dns-nxdomain':
        return 'nxdomain';
      case 'dns-unreachable':
        return 'blocked';
      default:
        return undefined;
    }
  }
  switch (outcome) {
    case 'connected':
      return 'allow';
    case 'timeout':
      return 'deny';
    case 'refused':
      return refusedMeansDeny ? 'deny' : undefined;
    default:
      return undefined;
  }
}
