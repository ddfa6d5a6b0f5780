/** `netpol-e2e verify <suites…>`: every assertion against the model; no cluster. */
import { verifySuites } from '../../engine/index.js';
import { loadSuites } from '../../suite/index.js';
import { computeCoverage } from '../../coverage/index.js';
import { coverageShortfall, formatCoverageConsole } from '../../report/index.js';
import { COVERAGE_HELP, COVERAGE_OPTIONS, minCoverageOption, parseCommandArgs, REPORT_HELP, REPORT_OPTIONS, requirePositionals } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { createReportTargets, finishRun } from '../report-output.js';
import { checkInterrupted } from '../interruption.js';
import { prepareReportPaths } from '../report-paths.js';
import { INPUT_HELP, INPUT_OPTIONS, suiteInputOptionsOf } from '../input-options.js';

export const VERIFY_USAGE = 'netpol-e2e verify <suite files or dirs…> [--junit f] [--json f] [--markdown f] [--html f] [--coverage] [--min-coverage pct]';

export const VERIFY_HELP = `${VERIFY_USAGE}

Evaluates every assertion of the suites against the NetworkPolicy model (what the Kubernetes spec says must
happen), without a cluster. A directory means every suite file (*.yaml, *.yml with kind: Suite) in it.

Exit codes: 0 every assertion holds, 1 some do not (or coverage is below --min-coverage), 2 bad input.

${REPORT_HELP}

${INPUT_HELP}

${COVERAGE_HELP}`;

export async function verifyCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('verify', VERIFY_USAGE, args, { ...REPORT_OPTIONS, ...INPUT_OPTIONS, ...COVERAGE_OPTIONS });
  if (parsed.values.help === true) {
    io.stdout.write(`${VERIFY_HELP}\n`);
    return EXIT.OK;
  }
  const paths = requirePositionals(parsed, 'verify', VERIFY_USAGE, 'suite files or directories');
  const input = suiteInputOptionsOf(parsed, 'verify');
  const minCoverage = minCoverageOption(parsed, 'verify');
  await prepareReportPaths(parsed, 'verify', io.env);
  const suites = await loadSuites(paths, input);
  await checkInterrupted(io);
  const targets = createReportTargets(parsed, io);
  const run = verifySuites(suites);
  if (parsed.values.coverage === true || minCoverage !== undefined) {
    const coverage = computeCoverage(suites);
    const shortfall = coverageShortfall(coverage, minCoverage);
    run.coverage = shortfall === undefined ? coverage : { ...coverage, shortfall };
  }
  await checkInterrupted(io);
  targets.reporter.onBegin({ command: 'verify', suites: suites.map((s) => s.name) });
  for (const suite of run.suites) targets.reporter.onSuiteEnd(suite);
  await targets.reporter.onEnd(run);
  if (run.coverage !== undefined && parsed.values.quiet !== true) io.stdout.write(formatCoverageConsole(run.coverage, { verbose: parsed.values.verbose === true }));
  if (run.coverage?.shortfall !== undefined) io.stderr.write(`${run.coverage.shortfall}\n`);
  return finishRun(run, targets, io);
}
