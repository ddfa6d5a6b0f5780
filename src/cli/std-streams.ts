/**
 * The process's stdout for the CLI: when its reader goes away (`netpol-e2e verify … | head -1`), writes fail with
 * EPIPE. That is no failure of the run: further console output is dropped quietly, and the command still writes
 * its report files and ends with the exit code of its result.
 */
import type { OutputStream } from './io.js';

export function pipeSafeStream(stream: NodeJS.WriteStream): OutputStream {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      closed = true;
      return;
    }
    // Any other failure of stdout is unexpected: fail as loudly as Node would without this listener.
    throw error;
  });
  return {
    write: (chunk: string): boolean => (closed ? true : stream.write(chunk)),
    get isTTY(): boolean {
      return stream.isTTY === true;
    },
  };
}
