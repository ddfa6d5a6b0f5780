/**
 * What `run` adds for authoring: `--changed-since <ref>` (probe only the suites a policy change affects: every
 * assertion of each, plus each changed cell) and `--coverage` / `--min-coverage` (rule coverage of the suites that
 * run). The suites are chosen and the coverage computed before anything touches a cluster; the results reach every
 * report through a reporter that adds them to the run's result before it is written.
 */
import { computeCoverage, type CoverageReport } from '../coverage/index.js';
import { coverageShortfall, formatCoverageConsole } from '../report/index.js';
import { gitBase, planChangedSince } from '../diff/index.js';
import type { RunResult } from '../results/index.js';
import type { Reporter } from '../report/index.js';
import type { Suite } from '../suite/index.js';
import { COVERAGE_HELP, COVERAGE_OPTIONS, minCoverageOption, stringOption, type OptionSpec, type Parsed } from './args.js';
import type { CliIO } from './io.js';

export const AUTHORING_RUN_OPTIONS: OptionSpec = {
  'changed-since': { type: 'string' },
  ...COVERAGE_OPTIONS,
};

export const AUTHORING_RUN_HELP = `Change impact:
  --changed-since <ref> probe only the suites whose verdicts the policy changes since this git ref affect:
                       every assertion of each, plus every changed matrix cell (expecting today's verdict);
                       the other suites are reported as not run, with the reason

${COVERAGE_HELP}`;

export interface AuthoringRun {
  /** The suites to run. */
  suites: Suite[];
  /** Suites left out by --changed-since, with the reason. */
  notRun: { suite: string; reason: string }[];
  /** Lines for the console before the run starts. */
  preface: string[];
  coverage?: CoverageReport;
  minCoverage?: number;
}

export async function prepareAuthoringRun(parsed: Parsed, io: CliIO, suites: Suite[]): Promise<AuthoringRun> {
  const minCoverage = minCoverageOption(parsed, 'run');
  const prepared: AuthoringRun = { suites, notRun: [], preface: [] };
  const ref = stringOption(parsed, 'changed-since');
  if (ref !== undefined) {
    const plan = await planChangedSince(suites, await gitBase(ref, io.cwd));
    prepared.suites = plan.run;
    prepared.notRun = plan.notRun;
    for (const suite of plan.run) prepared.preface.push(`changed since ${plan.base}: ${suite.name} runs every assertion plus ${plan.added[suite.name] ?? 0} changed cell(s)`);
    for (const { suite, reason } of plan.notRun) prepared.preface.push(`not run: ${suite}: ${reason}`);
  }
  if (parsed.values['coverage'] === true || minCoverage !== undefined) prepared.coverage = computeCoverage(prepared.suites);
  if (minCoverage !== undefined) prepared.minCoverage = minCoverage;
  return prepared;
}

/** Adds the not-run suites and the coverage to the result before `inner` writes its reports. */
export function authoringReporter<R extends Reporter>(inner: R, prepared: AuthoringRun): Reporter {
  return {
    onBegin: (info) => inner.onBegin?.(info),
    onStepBegin: (suite, step) => inner.onStepBegin?.(suite, step),
    onCell: (suite, cell) => inner.onCell?.(suite, cell),
    onSuiteEnd: (suite) => inner.onSuiteEnd?.(suite),
    onEnd: (run: RunResult) => {
      if (prepared.coverage !== undefined) {
        const shortfall = coverageShortfall(prepared.coverage, prepared.minCoverage);
        run.coverage = shortfall === undefined ? prepared.coverage : { ...prepared.coverage, shortfall };
      }
      for (const { suite, reason } of prepared.notRun) run.environment[`not run: ${suite}`] = reason;
      return inner.onEnd(run);
    },
  };
}

/** After the run: coverage on the console, and why it fails the run (exitCodeFor reads run.coverage.shortfall). */
export function printAuthoringCoverage(prepared: AuthoringRun, run: RunResult, io: CliIO, quiet: boolean): void {
  if (prepared.coverage !== undefined && !quiet) io.stdout.write(formatCoverageConsole(prepared.coverage));
  if (run.coverage?.shortfall !== undefined) io.stderr.write(`${run.coverage.shortfall}\n`);
}
