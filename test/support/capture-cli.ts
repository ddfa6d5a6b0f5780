/** Runs a CLI command in-process with captured output (no build needed). */
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(argv: string[], cwd: string): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true) },
    stderr: { write: (chunk: string) => ((stderr += chunk), true) },
    env: { NO_COLOR: '1' },
    cwd,
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
