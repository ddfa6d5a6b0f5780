/**
 * `netpol-e2e conformance <dir> [--live]`: a NetworkPolicy conformance corpus (model.yaml + cases/*.yaml)
 * judged by the model, or with --live by real traffic in a cluster.
 */
import { loadCorpus, runConformance } from '../../conformance/index.js';
import { InputError } from '../../util/index.js';
import { booleanOption, parseCommandArgs, type Parsed, REPORT_HELP, REPORT_OPTIONS, requirePositionals } from '../args.js';
import { CLUSTER_HELP, CLUSTER_OPTIONS, LIVE_HELP, LIVE_OPTIONS, liveRunOptionsOf } from '../live-options.js';
import { TOOL } from '../../version.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { createReportTargets, finishRun } from '../report-output.js';
import { checkInterrupted } from '../interruption.js';
import { prepareReportPaths } from '../report-paths.js';

export const CONFORMANCE_USAGE = 'netpol-e2e conformance <corpus dir> [--live [cluster options]] [--junit f] [--json f] [--markdown f] [--html f]';

export const CONFORMANCE_HELP = `${CONFORMANCE_USAGE}

Reads a corpus in the netpol-corpus format (model.yaml and cases/*.yaml: matrix cases and traffic checks) and
judges every step and probe: with the model (default), or with --live by real traffic in a cluster. Self
connections are not scored. One testcase per case step and probe.

Exit codes: 0 every case passes, 1 some do not, 2 bad input (a malformed case: file and line), 3 infrastructure.

  --live               deploy the cases to a cluster and probe (namespaces x, y, z get the run id as suffix)
${CLUSTER_HELP}
${LIVE_HELP}

${REPORT_HELP}`;

export async function conformanceCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('conformance', CONFORMANCE_USAGE, args, {
    ...REPORT_OPTIONS,
    ...CLUSTER_OPTIONS,
    ...LIVE_OPTIONS,
    live: { type: 'boolean' },
  });
  if (parsed.values.help === true) {
    io.stdout.write(`${CONFORMANCE_HELP}\n`);
    return EXIT.OK;
  }
  const dirs = requirePositionals(parsed, 'conformance', CONFORMANCE_USAGE, 'the corpus directory');
  if (dirs.length !== 1) {
    throw new InputError([{ message: `netpol-e2e conformance: expected one corpus directory, got ${dirs.length}` }]);
  }
  const live = booleanOption(parsed, 'live');
  if (!live) refuseLiveOnlyOptions(parsed);
  await prepareReportPaths(parsed, 'conformance', io.env);
  const corpus = await loadCorpus(dirs[0] as string);
  await checkInterrupted(io);
  const targets = createReportTargets(parsed, io);
  if (!live) {
    const run = runConformance(corpus, { tool: { ...TOOL } });
    await checkInterrupted(io);
    targets.reporter.onBegin({ command: 'conformance', suites: run.suites.map((s) => s.name) });
    for (const suite of run.suites) targets.reporter.onSuiteEnd(suite);
    await targets.reporter.onEnd(run);
    return finishRun(run, targets, io);
  }
  const options = liveRunOptionsOf(parsed, 'conformance', io);
  const { runConformanceLive } = await import('../../run/index.js');
  return finishRun(await runConformanceLive(corpus, { ...options, reporter: targets.reporter }), targets, io);
}

/** Cluster and live-run flags mean nothing without --live: refused rather than silently ignored. */
function refuseLiveOnlyOptions(parsed: Parsed): void {
  const given = [...Object.keys(CLUSTER_OPTIONS), ...Object.keys(LIVE_OPTIONS)].filter((name) => parsed.values[name] !== undefined);
  if (given.length === 0) return;
  throw new InputError(
    [{ message: `netpol-e2e conformance: ${given.map((name) => `--${name}`).join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} with --live (a static conformance run uses no cluster)` }],
    { hint: `add --live to judge the corpus by real traffic, or drop ${given.length === 1 ? 'the option' : 'those options'}` },
  );
}
