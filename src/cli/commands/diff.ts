/** `netpol-e2e diff <suites…> --base <ref> | --base-dir <dir>`: what a policy change opens and closes. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  breakingChanges,
  diffSuites,
  directoryBase,
  forbiddenChanges,
  formatDiffConsole,
  formatDiffJson,
  formatDiffMarkdown,
  gitBase,
  type FailOn,
} from '../../diff/index.js';
import { loadSuites } from '../../suite/index.js';
import { InputError } from '../../util/index.js';
import { parseCommandArgs, requirePositionals, stringOption } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';

export const DIFF_USAGE = 'netpol-e2e diff <suite files or dirs…> (--base <git ref> | --base-dir <dir>) [--markdown f] [--json f] [--fail-on allowed|denied|any]';

export const DIFF_HELP = `${DIFF_USAGE}

Evaluates every suite twice with the model: with its policy files as they are at the base and as they are now
(the fixture and assertions are always today's). Lists every cell whose verdict changes (the asserted cells, and
the full matrix of the fixture's workloads x the ports they declare), grouped as newly allowed and newly
denied, each with the explanation before and after (which policy and rule).

  --base <ref>          a git commit, branch or tag; files are read from git objects, nothing is checked out
  --base-dir <dir>      a directory laid out like the repository (e.g. a checkout of the base branch)
  --fail-on <what>      also exit 1 on any newly allowed cell (allowed), newly denied cell (denied) or any change
  --markdown <file>     the impact as Markdown (e.g. a PR comment); "-" for stdout
  --json <file>         the impact as JSON; "-" for stdout
  -q, --quiet           only the summary line on the console

Exit codes: 0 no change breaks an assertion (and none is forbidden by --fail-on), 1 some change breaks an
assertion or is forbidden, 2 bad input.`;

const OPTIONS = {
  base: { type: 'string' },
  'base-dir': { type: 'string' },
  'fail-on': { type: 'string' },
  markdown: { type: 'string' },
  json: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(message: string): InputError {
  return new InputError([{ message: `netpol-e2e diff: ${message}` }], { hint: `usage: ${DIFF_USAGE}` });
}

export async function diffCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('diff', DIFF_USAGE, args, OPTIONS);
  if (parsed.values.help === true) {
    io.stdout.write(`${DIFF_HELP}\n`);
    return EXIT.OK;
  }
  const paths = requirePositionals(parsed, 'diff', DIFF_USAGE, 'suite files or directories');
  const ref = stringOption(parsed, 'base');
  const dir = stringOption(parsed, 'base-dir');
  if ((ref === undefined) === (dir === undefined)) throw usage('give exactly one of --base <git ref> and --base-dir <dir>');
  const failOnText = stringOption(parsed, 'fail-on');
  if (failOnText !== undefined && !['allowed', 'denied', 'any'].includes(failOnText)) throw usage(`--fail-on must be allowed, denied or any, got '${failOnText}'`);
  const failOn = failOnText as FailOn | undefined;
  const suites = await loadSuites(paths);
  const base = ref !== undefined ? await gitBase(ref, io.cwd) : await directoryBase(dir as string, io.cwd);
  const result = await diffSuites(suites, base);
  const console = formatDiffConsole(result);
  const outputs: [string | undefined, string][] = [
    [stringOption(parsed, 'markdown'), formatDiffMarkdown(result)],
    [stringOption(parsed, 'json'), formatDiffJson(result)],
  ];
  const toStdout = outputs.some(([target]) => target === '-');
  if (!toStdout) io.stdout.write(parsed.values.quiet === true ? `${console.trimEnd().split('\n').pop() ?? ''}\n` : console);
  for (const [target, text] of outputs) {
    if (target === undefined) continue;
    if (target === '-') io.stdout.write(text);
    else await writeFile(path.resolve(io.cwd, target), text, 'utf8');
  }
  if (toStdout) io.stderr.write(`${console.trimEnd().split('\n').pop() ?? ''}\n`);
  const breaking = breakingChanges(result);
  const forbidden = forbiddenChanges(result, failOn);
  if (breaking.length > 0 || forbidden.length > 0) {
    io.stderr.write(
      `diff: ${breaking.length > 0 ? `${breaking.length} ${breaking.length === 1 ? 'change breaks' : 'changes break'} an assertion` : ''}${breaking.length > 0 && forbidden.length > 0 ? '; ' : ''}${forbidden.length > 0 ? `${forbidden.length} ${forbidden.length === 1 ? 'change' : 'changes'} forbidden by --fail-on ${failOn}` : ''}\n`,
    );
    return EXIT.ASSERTIONS_FAILED;
  }
  return EXIT.OK;
}
