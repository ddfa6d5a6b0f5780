/** The production CommandRunner: execa with argv arrays and `reject: false`. */
import { execa } from 'execa';
import type { CommandOptions, CommandResult, CommandRunner } from './command-runner.js';

export function createExecaRunner(): CommandRunner {
  return {
    async run(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
      const result = await execa(command, [...args], {
        reject: false,
        stripFinalNewline: true,
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
        ...(options.signal !== undefined ? { cancelSignal: options.signal } : {}),
        ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
      });
      const base = {
        command,
        args: [...args],
        stdout: typeof result.stdout === 'string' ? result.stdout : '',
        stderr: typeof result.stderr === 'string' ? result.stderr : '',
      };
      const code = (result as { code?: unknown }).code;
      if (code === 'ENOENT') return { ...base, exitCode: undefined, interrupted: 'not-found' };
      if (result.timedOut) return { ...base, exitCode: undefined, interrupted: 'timed-out' };
      if (result.isCanceled) return { ...base, exitCode: undefined, interrupted: 'aborted' };
      if (result.exitCode === undefined) {
        return { ...base, exitCode: undefined, interrupted: 'spawn-failed', spawnError: String(result.shortMessage ?? code ?? 'unknown') };
      }
      return { ...base, exitCode: result.exitCode };
    },
  };
}
