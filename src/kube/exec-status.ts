/**
 * Reading the outcome of an exec from the Status the kubelet sends on the websocket's status channel (3):
 * `Success` is exit code 0; `Failure` with reason `NonZeroExitCode` carries the code as the `ExitCode` cause;
 * any other Failure (e.g. InternalError: the executable was not found, the container is not running) means the
 * command never produced an exit code, and is thrown as ExecError. An exit code is a result, never an error.
 */
import { ExecError } from '../util/index.js';

/** The fields of metav1.Status the exec protocol uses (as sent on the wire). */
export interface ExecStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

/** Which exec this is, for messages. */
export interface ExecTarget {
  namespace: string;
  pod: string;
  container?: string;
}

export function exitCodeFromStatus(status: ExecStatus, target: ExecTarget, argv: readonly string[]): number {
  if (status.status === 'Success') return 0;
  if (status.status === 'Failure' && status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = cause?.message !== undefined && /^\d+$/.test(cause.message.trim()) ? Number(cause.message.trim()) : Number.NaN;
    if (Number.isInteger(code)) return code;
    throw new ExecError(
      `exec of ${formatArgv(argv)} in ${describeTarget(target)} reported a non-zero exit without a readable exit code (status: ${JSON.stringify(status)})`,
      { hint: 'this is unexpected from a conformant kubelet; run the command with kubectl exec to compare' },
    );
  }
  const why = status.message ?? status.reason ?? JSON.stringify(status);
  throw new ExecError(`exec of ${formatArgv(argv)} in ${describeTarget(target)} failed before the command returned an exit code: ${why}`, {
    hint: notFoundIn(why)
      ? 'the executable is not in the container image; use an image that has it (see --probe-image)'
      : 'the container could not run the command; check that it is running (its state and last events are in the pod)',
  });
}

/** argv as a reader would type it: arguments with spaces or quotes are JSON-quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (a === '' || /[\s"'\\$`]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

export function describeTarget(target: ExecTarget): string {
  return `pod ${target.namespace}/${target.pod}${target.container ? ` container ${target.container}` : ''}`;
}

function notFoundIn(message: string): boolean {
  return /executable file not found|no such file or directory|not found in \$PATH/i.test(message);
}
