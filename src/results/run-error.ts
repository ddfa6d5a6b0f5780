/** Errors as data: a thrown error becomes a RunError of the result (code, message, hint, suite). */
import { describeError, NetpolError } from '../util/index.js';
import type { RunError } from './results.js';

/** `context` prefixes the message (e.g. `teardown`); `suite` names the suite the error concerns. */
export function runErrorOf(error: unknown, context?: string, suite?: string): RunError {
  const prefix = context ? `${context}: ` : '';
  const result: RunError =
    error instanceof NetpolError
      ? { code: error.code, message: `${prefix}${error.message}` }
      : { code: 'INTERNAL', message: `${prefix}${describeError(error)}` };
  if (error instanceof NetpolError && error.hint) result.hint = error.hint;
  if (suite) result.suite = suite;
  return result;
}
