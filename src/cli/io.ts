/** The CLI's window on the world, injectable so tests run commands in-process with captured output. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM by the process entry point; commands that touch a cluster honour it. */
  signal: AbortSignal;
}

/** Colour only on a terminal, never in CI logs or when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIO, stream: OutputStream): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && io.env.CI !== 'true';
}
