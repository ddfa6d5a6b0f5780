/**
 * Turns the report options of a command into reporters: the console reporter on stdout (always), and one file
 * reporter per --junit/--json/--markdown/--html. In GitHub Actions, failing cells also become workflow annotations at
 * the suite's file and line.
 */
import {
  createReporter,
  describeReporterFailure,
  formatGithubAnnotations,
  JUNIT_SCHEMAS,
  MultiplexReporter,
  reportPathsFor,
  type JunitSchema,
} from '../report/index.js';
import type { Reporter } from '../report/index.js';
import { InputError } from '../util/index.js';
import type { RunResult } from '../results/index.js';
import { booleanOption, stringOption } from './args.js';
import type { Parsed } from './args.js';
import { exitCodeFor, runFailureOf, type ExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';
import { printRunError } from './print-error.js';
import { useColor } from './io.js';

export interface ReportTargets {
  reporter: MultiplexReporter;
  /** Called after onEnd: prints reporter failures and annotations; returns false when a report could not be written. */
  finish(run: RunResult): boolean;
}

export function createReportTargets(parsed: Parsed, io: CliIO, options: { progress?: boolean } = {}): ReportTargets {
  const reporters: { name: string; reporter: Reporter }[] = [];
  reporters.push({
    name: 'console',
    reporter: createReporter('console', {
      stream: io.stdout,
      color: useColor(io, io.stdout),
      verbose: booleanOption(parsed, 'verbose'),
      quiet: booleanOption(parsed, 'quiet'),
      progress: options.progress === true,
    }),
  });
  // Paths in reports are relative to the repository root, so CI annotations land on the right file.
  const paths = reportPathsFor(io.cwd);
  const junitSchema = junitSchemaOption(parsed);
  for (const format of ['junit', 'json', 'markdown', 'html'] as const) {
    const file = stringOption(parsed, format);
    if (file !== undefined) reporters.push({ name: format, reporter: createReporter(format, { file, paths, junitSchema }) });
  }
  const reporter = new MultiplexReporter(reporters);
  return {
    reporter,
    finish(run: RunResult): boolean {
      if (io.env.GITHUB_ACTIONS === 'true') {
        for (const line of formatGithubAnnotations(run, { paths })) io.stdout.write(`${line}\n`);
      }
      const failures = reporter.failures();
      for (const failure of failures) {
        io.stderr.write(`error: ${describeReporterFailure(failure)}\n`);
      }
      return failures.length === 0;
    },
  };
}

/**
 * The end of every command that produces a RunResult (the reporters' onEnd has been called): annotations and
 * reporter failures, the error that stopped the run on stderr, and the exit code.
 */
export function finishRun(run: RunResult, targets: ReportTargets, io: CliIO): ExitCode {
  const reportsWritten = targets.finish(run);
  const failure = runFailureOf(run);
  if (failure) printRunError(failure, io);
  return exitCodeFor(run, { reportsWritten });
}

function junitSchemaOption(parsed: Parsed): JunitSchema {
  const value = stringOption(parsed, 'junit-schema') ?? 'default';
  if ((JUNIT_SCHEMAS as readonly string[]).includes(value)) return value as JunitSchema;
  throw new InputError([{ message: `--junit-schema must be one of ${JUNIT_SCHEMAS.join(', ')}, got '${value}'` }], {
    hint: 'use --junit-schema strict for Jenkins\' xUnit plugin (junit-10.xsd), or leave it out',
  });
}
