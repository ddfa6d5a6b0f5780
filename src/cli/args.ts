/**
 * Command-line parsing on node:util parseArgs. Unknown options, missing values and bad values are InputErrors
 * (exit 2) that name the option and show the usage line.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { InputError } from '../util/index.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: string, usage: string, args: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: attachNegativeValues(args, options), allowPositionals: true, options, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError([{ message: `netpol-e2e ${command}: ${reason}` }], {
      hint: `usage: ${usage}\nrun 'netpol-e2e ${command} --help' for every option`,
      cause: error,
    });
  }
}

/**
 * `--port -5` as `--port=-5`: parseArgs takes a value starting with "-" for an option and stops with "argument is
 * ambiguous"; a negative number is clearly a value, and the option's own check then says what range it takes.
 */
export function attachNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const result: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      result.push(`${arg}=${next}`);
      i += 1;
    } else {
      result.push(arg);
    }
  }
  return result;
}

export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/** A positive integer option, e.g. --concurrency 8; InputError naming the option otherwise. */
export function integerOption(parsed: Parsed, name: string, command: string, range: { min: number; max: number }): number | undefined {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new InputError([
      { message: `netpol-e2e ${command}: --${name} must be a whole number from ${range.min} to ${range.max}, got '${raw}'` },
    ]);
  }
  return value;
}

/** A duration option in seconds (e.g. --connect-timeout 2 or 1.5), returned in milliseconds. */
export function secondsOption(parsed: Parsed, name: string, command: string, range: { min: number; max: number }): number | undefined {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/s$/, ''));
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new InputError([
      { message: `netpol-e2e ${command}: --${name} must be a number of seconds from ${range.min} to ${range.max}, got '${raw}'` },
    ]);
  }
  return Math.round(value * 1000);
}

export function requirePositionals(parsed: Parsed, command: string, usage: string, what: string): string[] {
  if (parsed.positionals.length === 0) {
    throw new InputError([{ message: `netpol-e2e ${command}: missing ${what}` }], { hint: `usage: ${usage}` });
  }
  return parsed.positionals;
}

/** Rule coverage options of verify and run. */
export const COVERAGE_OPTIONS: OptionSpec = {
  coverage: { type: 'boolean' },
  'min-coverage': { type: 'string' },
};

export const COVERAGE_HELP = `Coverage:
  --coverage           report which policies, rules, peers and ports the asserted cells exercise (console,
                       --json, --markdown, JUnit properties coverage.*)
  --min-coverage <pct> fail (exit 1) when total rule coverage is below this percentage (implies --coverage)`;

/** --min-coverage as a number 0-100, or undefined. */
export function minCoverageOption(parsed: Parsed, command: string): number | undefined {
  const raw = stringOption(parsed, 'min-coverage');
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/%$/, ''));
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new InputError([{ message: `netpol-e2e ${command}: --min-coverage must be a percentage from 0 to 100, got '${raw}'` }]);
  }
  return value;
}

/** Options every evaluating command shares: where reports go. */
export const REPORT_OPTIONS: OptionSpec = {
  junit: { type: 'string' },
  'junit-schema': { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  html: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
};

export const REPORT_HELP = `Reports:
  --junit <file>       JUnit XML, one testcase per assertion cell (file/line attributes for PR annotations;
                       paths relative to the repository root)
  --junit-schema <s>   default (file/line, for GitHub, GitLab, Jenkins' junit step) or strict (valid against
                       Jenkins' junit-10.xsd for the xUnit plugin: no testcase file/line)
  --json <file>        the full result as JSON
  --markdown <file>    a Markdown summary (e.g. for $GITHUB_STEP_SUMMARY)
  --html <file>        one self-contained HTML page: failures first, coloured truth tables, environment, timings
  -v, --verbose        list every passed and skipped cell (without it: skipped cells grouped by reason)
  -q, --quiet          only the totals line (and failures) on the console`;
