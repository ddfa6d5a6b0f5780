/**
 * External commands (docker, kind) as data, after execa: argv arrays (never a shell string), and a result that
 * says how the command ended instead of throwing, so a caller decides whether a non-zero exit is an error. The
 * production runner is execa-command-runner.ts; tests record and script commands.
 */
import { CommandError } from '../util/index.js';

export interface CommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Written to the command's stdin. */
  input?: string;
}

export interface CommandResult {
  command: string;
  args: readonly string[];
  /** undefined when the command did not run to its end (not found, timed out, aborted). */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** Why the command did not run to its end, when it did not. */
  interrupted?: 'not-found' | 'timed-out' | 'aborted' | 'spawn-failed';
  /** For spawn-failed: what the OS said. */
  spawnError?: string;
}

export interface CommandRunner {
  run(command: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

/** `kind create cluster --name x`, quoting arguments that need it. */
export function describeCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (a === '' || /[\s"'\\$`;&|<>]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** The last lines of a command's output, for messages. */
export function outputTail(result: CommandResult, lines = 8): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n');
  return text.slice(-lines).join('\n');
}

/**
 * The result when the command succeeded; otherwise a CommandError saying what was run, why it failed and its last
 * output lines, with `hint` as the next step.
 */
export function requireSuccess(result: CommandResult, purpose: string, hint: string): CommandResult {
  if (result.exitCode === 0) return result;
  const commandLine = describeCommand(result.command, result.args);
  const why =
    result.interrupted === 'not-found'
      ? `could not run: ${result.command} is not on PATH`
      : result.interrupted === 'timed-out'
        ? 'timed out'
        : result.interrupted === 'aborted'
          ? 'was interrupted'
          : result.interrupted === 'spawn-failed'
            ? `could not be started (${result.spawnError ?? 'unknown reason'})`
            : `exited with code ${result.exitCode}`;
  const tail = outputTail(result);
  throw new CommandError(`${purpose} failed: \`${commandLine}\` ${why}${tail ? `:\n${indent(tail)}` : ''}`, { hint });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
