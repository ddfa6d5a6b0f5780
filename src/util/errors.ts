/**
 * The error vocabulary of netpol-e2e. Every error a user can meet is a NetpolError with a stable `code`, a
 * message that names the subject, what was expected and what was seen, and a `hint` (what to do next).
 * Layers wrap with the original as `cause`; nothing logs and rethrows. The CLI (src/cli/exit-codes.ts) is the
 * only place that maps errors to exit codes.
 *
 * A wrong verdict is never an error: it is a failed test result.
 */

export type ErrorCode =
  | 'INPUT' // bad suite / corpus / argument: exit 2
  | 'PREFLIGHT' // a tool or daemon the run needs is missing: exit 3
  | 'CLUSTER' // the cluster could not be created, reached or made ready: exit 3
  | 'KUBE_API' // an API call failed (RBAC, validation, conflict): exit 3
  | 'COMMAND' // an external command (kind, docker) failed: exit 3
  | 'EXEC' // exec into a pod failed at the transport level: exit 3
  | 'TIMEOUT' // a bounded wait ran out: exit 3
  | 'NOT_ENFORCING' // the CNI accepts NetworkPolicy objects but does not enforce them: exit 3
  | 'INTERRUPTED'; // Ctrl-C / SIGTERM: exit 130

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class NetpolError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** A position in a source file, 1-based, as editors and CI annotations expect. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem in user input (suite, corpus case, policy file, argument). */
export interface InputIssue {
  /** Where it is; absent for command-line arguments. */
  position?: SourcePosition;
  /** Dotted path of the offending field, e.g. `assertions[2].to.port`. */
  field?: string;
  /** What is wrong, with what was expected and what was found. */
  message: string;
}

export function formatInputIssue(issue: InputIssue): string {
  const where = issue.position ? `${issue.position.file}:${issue.position.line}:${issue.position.column}: ` : '';
  const field = issue.field ? `${issue.field}: ` : '';
  return `${where}${field}${issue.message}`;
}

/** Bad input: reported with every issue found (not just the first), before any cluster is touched. */
export class InputError extends NetpolError {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[], options: ErrorOptions = {}) {
    const first = issues[0];
    const summary =
      issues.length === 1 && first
        ? formatInputIssue(first)
        : `${issues.length} problems in the input:\n${issues.map((i) => `  ${formatInputIssue(i)}`).join('\n')}`;
    super('INPUT', summary, { hint: options.hint ?? 'fix the input and run again; nothing was sent to a cluster', cause: options.cause });
    this.issues = issues;
  }
}

export class PreflightError extends NetpolError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('PREFLIGHT', message, options);
  }
}

export class ClusterError extends NetpolError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('CLUSTER', message, options);
  }
}

export class KubeApiError extends NetpolError {
  /** HTTP status of the API response, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, options: ErrorOptions & { status?: number } = {}) {
    super('KUBE_API', message, options);
    this.status = options.status;
  }
}

export class CommandError extends NetpolError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('COMMAND', message, options);
  }
}

export class ExecError extends NetpolError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('EXEC', message, options);
  }
}

export class TimeoutError extends NetpolError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('TIMEOUT', message, options);
  }
}

export class NotEnforcingError extends NetpolError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('NOT_ENFORCING', message, options);
  }
}

export class InterruptedError extends NetpolError {
  constructor(signal: string) {
    super('INTERRUPTED', `interrupted by ${signal}; everything this run created was cleaned up`, {});
  }
}

/** A short description of any thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
