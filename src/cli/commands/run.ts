/** `netpol-e2e run <suites…>`: the main job. Validates every suite, then provisions and probes for real. */
import { loadSuites } from '../../suite/index.js';
import { booleanOption, parseCommandArgs, REPORT_HELP, REPORT_OPTIONS, requirePositionals } from '../args.js';
import { runLive } from '../../run/index.js';
import { CLUSTER_HELP, CLUSTER_OPTIONS, clusterSelectionOf, LIVE_HELP, LIVE_OPTIONS, liveRunOptionsOf } from '../live-options.js';
import { EXIT } from '../exit-codes.js';
import { checkKindOrLocalCluster } from '../kind-or-local-cluster.js';
import { checkPublicExternals, PUBLIC_EXTERNALS_HELP, PUBLIC_EXTERNALS_OPTION } from '../public-externals.js';
import type { CliIO } from '../io.js';
import { createReportTargets, finishRun } from '../report-output.js';
import { checkInterrupted } from '../interruption.js';
import { prepareReportPaths } from '../report-paths.js';
import { INPUT_HELP, INPUT_OPTIONS, suiteInputOptionsOf } from '../input-options.js';
import { AUTHORING_RUN_HELP, AUTHORING_RUN_OPTIONS, authoringReporter, printAuthoringCoverage, prepareAuthoringRun } from '../authoring-run.js';
import { startRunResult } from '../../results/index.js';
import { TOOL } from '../../version.js';

export const RUN_USAGE = 'netpol-e2e run <suite files or dirs…> [--cluster kind | --kubeconfig f [--context c]] [options]';

export const RUN_HELP = `${RUN_USAGE}

Validates every suite (bad input never reaches a cluster), creates a kind cluster with Calico or connects to an
existing one, deploys each suite's fixture as probe pods, checks that traffic flows (positive control) and that
the CNI enforces NetworkPolicy (canary), applies the policies step by step and probes every assertion for real.
Everything created carries the run id and is deleted at the end, also on Ctrl-C.

Exit codes: 0 every assertion held, 1 some did not, 2 bad input, 3 infrastructure (cluster, fixture, or the CNI
does not enforce NetworkPolicy), 130 interrupted.

${CLUSTER_HELP}

${LIVE_HELP}
${PUBLIC_EXTERNALS_HELP}

${REPORT_HELP}

${INPUT_HELP}

${AUTHORING_RUN_HELP}`;

export async function runCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('run', RUN_USAGE, args, { ...REPORT_OPTIONS, ...CLUSTER_OPTIONS, ...LIVE_OPTIONS, ...INPUT_OPTIONS, ...PUBLIC_EXTERNALS_OPTION, ...AUTHORING_RUN_OPTIONS });
  if (parsed.values.help === true) {
    io.stdout.write(`${RUN_HELP}\n`);
    return EXIT.OK;
  }
  const paths = requirePositionals(parsed, 'run', RUN_USAGE, 'suite files or directories');
  // Everything the user can get wrong is checked before anything is created.
  const input = suiteInputOptionsOf(parsed, 'run');
  await prepareReportPaths(parsed, 'run', io.env);
  const loaded = await loadSuites(paths, input);
  // --changed-since keeps the suites a policy change affects; --coverage / --min-coverage are computed here too
  const authoring = await prepareAuthoringRun(parsed, io, loaded);
  const { suites } = authoring;
  await checkInterrupted(io);
  const options = liveRunOptionsOf(parsed, 'run', io);
  checkPublicExternals(suites, { allow: booleanOption(parsed, 'allow-public-externals'), externalsEnabled: options.externals?.enabled !== false }, io);
  checkKindOrLocalCluster(clusterSelectionOf(parsed, 'run'), 'run', args, io.env);
  for (const line of authoring.preface) io.stderr.write(`netpol-e2e run: ${line}\n`);
  const targets = createReportTargets(parsed, io, { progress: true });
  const reporter = authoringReporter(targets.reporter, authoring);
  if (suites.length === 0) {
    // nothing is affected: no cluster is created; the reports say which suites were not run and why
    const empty = startRunResult({ tool: TOOL, command: 'run', startedAt: new Date().toISOString() });
    reporter.onBegin?.({ command: 'run', suites: [] });
    await reporter.onEnd(empty);
    printAuthoringCoverage(authoring, empty, io, parsed.values.quiet === true);
    return finishRun(empty, targets, io);
  }
  const run = await runLive(suites, { ...options, reporter });
  printAuthoringCoverage(authoring, run, io, parsed.values.quiet === true);
  return finishRun(run, targets, io);
}
