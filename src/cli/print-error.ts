/**
 * How the CLI prints an error on stderr: a thrown one (before a run began) or the one that stopped a run. Control
 * characters from input are escaped on the way out: a suite or file name cannot clear the screen or print a fake
 * line into a CI log.
 */
import type { RunError } from '../results/index.js';
import { describeError, escapeControlsKeepingLines, NetpolError } from '../util/index.js';
import { TOOL } from '../version.js';
import type { CliIO } from './io.js';

export function printError(error: unknown, io: CliIO): void {
  if (error instanceof NetpolError) {
    printMessage(error.message, error.hint, io);
    if (io.env.NETPOL_E2E_DEBUG && error.cause !== undefined) write(io, `cause: ${describeCause(error.cause)}\n`);
    return;
  }
  write(io, 
    `error: internal error (this is a bug in netpol-e2e ${TOOL.version}): ${describeError(error)}\n` +
      `Please report it with the command line and this stack trace:\n${error instanceof Error ? error.stack : ''}\n`,
  );
}

/** The error that stopped a run (also written in every report). */
export function printRunError(error: RunError, io: CliIO): void {
  if (error.code === 'INTERNAL') {
    write(io, 
      `error: internal error (this is a bug in netpol-e2e ${TOOL.version}): ${error.message}\n` +
        'Please report it with the command line and the JSON report (--json).\n',
    );
    return;
  }
  printMessage(error.message, error.hint, io);
}

function printMessage(message: string, hint: string | undefined, io: CliIO): void {
  write(io, `error: ${message}\n`);
  if (hint) write(io, `hint: ${hint.replace(/\n/g, '\n      ')}\n`);
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  return String(cause);
}

function write(io: CliIO, text: string): void {
  io.stderr.write(escapeControlsKeepingLines(text));
}
