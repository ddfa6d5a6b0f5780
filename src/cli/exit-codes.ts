/**
 * The one place that maps results and errors to exit codes. Scripts depend on these numbers: keep them stable.
 */
import { runPassed, type RunError, type RunResult } from '../results/index.js';
import { NetpolError, type ErrorCode } from '../util/index.js';

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

/**
 * The exit code of a finished run: the error that stopped it (see runFailureOf) decides; then a report that
 * could not be written (3); then the cells and the rule coverage (0 when the run passed and met --min-coverage,
 * 1 otherwise).
 */
export function exitCodeFor(run: RunResult, options: { reportsWritten?: boolean } = {}): ExitCode {
  const failure = runFailureOf(run);
  if (failure) return exitCodeForCode(failure.code);
  if (options.reportsWritten === false) return EXIT.INFRASTRUCTURE;
  return runPassed(run) && run.coverage?.shortfall === undefined ? EXIT.OK : EXIT.ASSERTIONS_FAILED;
}

/** Lint: findings are failed assertions. */
export function exitCodeForFindings(findings: number): ExitCode {
  return findings === 0 ? EXIT.OK : EXIT.ASSERTIONS_FAILED;
}

/**
 * The error that stopped a run, or the first one it met: an interrupt above all; otherwise the first error of
 * a suite (the run stops at a suite's error), then the first of the run (setup, canary, cleanup, release).
 * NOT_RUN only accompanies another error.
 */
export function runFailureOf(run: RunResult): RunError | undefined {
  const errors = [...run.suites.flatMap((s) => s.errors), ...run.errors].filter((e) => e.code !== 'NOT_RUN');
  return errors.find((e) => e.code === 'INTERRUPTED') ?? errors[0];
}

/** An error thrown before a run began (bad input, or a bug). */
export function exitCodeForError(error: unknown): ExitCode {
  if (!(error instanceof NetpolError)) return EXIT.INTERNAL;
  return exitCodeForCode(error.code);
}

function exitCodeForCode(code: ErrorCode | string): ExitCode {
  switch (code as ErrorCode | 'INTERNAL') {
    case 'INPUT':
      return EXIT.BAD_INPUT;
    case 'INTERRUPTED':
      return EXIT.INTERRUPTED;
    case 'INTERNAL':
      return EXIT.INTERNAL;
    case 'PREFLIGHT':
    case 'CLUSTER':
    case 'KUBE_API':
    case 'COMMAND':
    case 'EXEC':
    case 'TIMEOUT':
    case 'NOT_ENFORCING':
    default:
      return EXIT.INFRASTRUCTURE;
  }
}
