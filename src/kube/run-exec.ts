/**
 * The mechanics of one exec over client-node's websocket: collect stdout and stderr, read the exit code from the
 * status channel, bound the whole thing by a timeout, and keep transport failures (the connection could not be
 * made or broke, no status arrived, the deadline passed) apart from the command's exit code: those are thrown as
 * ExecError naming the pod and argv, never turned into an exit code.
 */
import { Writable } from 'node:stream';
import type { ExecResult } from './types.js';
import { ExecError } from '../util/index.js';
import { formatDuration } from '../util/index.js';
import { describeTarget, exitCodeFromStatus, formatArgv, type ExecStatus, type ExecTarget } from './exec-status.js';

/** The open exec connection, as much of a websocket as this module needs. */
export interface ExecSocket {
  onClose(listener: () => void): void;
  onError(listener: (error: unknown) => void): void;
  close(): void;
}

/** Opens an exec connection; resolves once the websocket is open. client-node's Exec in production. */
export interface ExecTransport {
  open(
    target: ExecTarget,
    argv: readonly string[],
    stdout: Writable,
    stderr: Writable,
    onStatus: (status: ExecStatus) => void,
  ): Promise<ExecSocket>;
}

export interface RunExecOptions {
  timeoutMs: number;
  /** Called when the connection fails, to add what is known about the pod (exists? running?) to the message. */
  diagnose?: () => Promise<string | undefined>;
}

export async function runExec(transport: ExecTransport, target: ExecTarget, argv: readonly string[], options: RunExecOptions): Promise<ExecResult> {
  const stdout = new TextCollector();
  const stderr = new TextCollector();
  const what = `exec of ${formatArgv(argv)} in ${describeTarget(target)}`;

  const outcome = await new Promise<{ status: ExecStatus } | { failure: string; cause?: unknown }>((resolve) => {
    let settled = false;
    let socket: ExecSocket | undefined;
    let status: ExecStatus | undefined;
    const settle = (value: { status: ExecStatus } | { failure: string; cause?: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      socket?.close();
      settle({ failure: `it did not finish within ${formatDuration(options.timeoutMs)}${status ? '' : ' (no exit status arrived)'}` });
    }, options.timeoutMs);

    transport
      .open(target, argv, stdout, stderr, (s) => {
        status = s;
      })
      .then(
        (opened) => {
          socket = opened;
          if (settled) {
            opened.close();
            return;
          }
          opened.onError((error) => settle({ failure: `the connection failed: ${errorText(error)}`, cause: error }));
          opened.onClose(() =>
            settle(status ? { status } : { failure: 'the connection closed without an exit status (the API server or kubelet dropped it)' }),
          );
        },
        (error: unknown) => settle({ failure: `could not open the exec connection: ${errorText(error)}${explainUpgradeFailure(errorText(error))}`, cause: error }),
      );
  });

  if ('status' in outcome) {
    const exitCode = exitCodeFromStatus(outcome.status, target, argv);
    return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
  }
  const diagnosis = options.diagnose ? await diagnoseQuietly(options.diagnose) : undefined;
  throw new ExecError(`${what} failed: ${outcome.failure}${diagnosis ? `; ${diagnosis}` : ''}`, {
    hint: 'this is a transport failure, not a result of the command: check that the pod exists and its container is running, and that the API server can reach the kubelet',
    cause: outcome.cause,
  });
}

/** What an HTTP status in a refused websocket upgrade ("Unexpected server response: 403") usually means. */
export function explainUpgradeFailure(message: string): string {
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  switch (status) {
    case '401':
      return ' (401: the credentials of the kubeconfig were rejected)';
    case '403':
      return ' (403: this identity may not exec into pods; grant create and get on pods/exec, see rbac/netpol-e2e-runner.yaml)';
    case '400':
      return ' (400: usually a container name the pod does not have, a pod with several containers and none named, or a container that is not running)';
    default:
      return '';
  }
}

/** A diagnosis is a best effort on top of a failure: its own failure becomes part of the text, never a new error. */
async function diagnoseQuietly(diagnose: () => Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await diagnose();
  } catch (error) {
    return `(the pod could not be inspected: ${errorText(error)})`;
  }
}

class TextCollector extends Writable {
  private readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    callback();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** ws reports failures as ErrorEvent-like objects ({ message, error }), not always as Error instances. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object') {
    const inner = (error as { error?: unknown }).error;
    if (inner instanceof Error) return inner.message;
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(error);
}
