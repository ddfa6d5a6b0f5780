/**
 * The one place that maps outcomes and errors to exit codes. Scripts depend on these numbers: keep them stable.
 */
import { NetpolError } from '../util/errors.js';

export const EXIT = {
  /** Every assertion held. */
  OK: 0,
  /** Some assertion did not hold (a wrong verdict, a flaky cell, a cell that could not be judged), or lint findings. */
  ASSERTIONS_FAILED: 1,
  /** Bad input: suite, corpus, policy file or command line. Nothing was sent to a cluster. */
  BAD_INPUT: 2,
  /** Infrastructure: the cluster could not be created, reached, or does not enforce NetworkPolicy. */
  INFRASTRUCTURE: 3,
  /** An unexpected internal error: a bug in netpol-e2e. */
  INTERNAL: 70,
  /** Interrupted by SIGINT/SIGTERM (after cleanup). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeForError(error: unknown): ExitCode {
  if (!(error instanceof NetpolError)) return EXIT.INTERNAL;
  switch (error.code) {
    case 'INPUT':
      return EXIT.BAD_INPUT;
    case 'INTERRUPTED':
      return EXIT.INTERRUPTED;
    case 'PREFLIGHT':
    case 'CLUSTER':
    case 'KUBE_API':
    case 'COMMAND':
    case 'EXEC':
    case 'TIMEOUT':
    case 'NOT_ENFORCING':
      return EXIT.INFRASTRUCTURE;
  }
}
