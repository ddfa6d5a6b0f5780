/**
 * A live run that stops on an infrastructure error (or an interrupt) still has a result worth reporting: the
 * suites done so far, the error as a RunError, the timings. It travels on the thrown error, so the CLI can
 * write every report and still exit with the error's code.
 */
import type { RunResult } from '../../results/results.js';

const PARTIAL_RESULT = Symbol.for('netpol-e2e.partialResult');

export function attachPartialResult<E extends object>(error: E, result: RunResult): E {
  Object.defineProperty(error, PARTIAL_RESULT, { value: result, enumerable: false, configurable: true });
  return error;
}

/** The RunResult of a live run that ended with this error, when there is one. */
export function partialResultOf(error: unknown): RunResult | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [PARTIAL_RESULT]?: RunResult })[PARTIAL_RESULT];
}
