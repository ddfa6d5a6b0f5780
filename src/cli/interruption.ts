/**
 * Commands without a cluster (verify, lint, explain, static conformance) honour Ctrl-C / SIGTERM too: they check
 * the CLI's abort signal between phases and end with exit 130 (InterruptedError), writing no report.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InterruptedError } from '../util/index.js';
import type { CliIO } from './io.js';

/** Lets a pending signal handler run, then throws InterruptedError if the run was interrupted. */
export async function checkInterrupted(io: CliIO): Promise<void> {
  await nextTurn();
  if (io.signal.aborted) throw new InterruptedError(String(io.signal.reason ?? 'SIGINT'));
}
