/**
 * The cluster half of the live commands (`run`, `conformance --live`): options -> provider -> provisioned
 * cluster -> live engine -> reports -> release. Reports are written even when setup fails (from the partial
 * result the engine attaches to its error), and the cluster is released on every path, also after Ctrl-C.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterProvider } from '../cluster/index.js';
import type { ClusterProgress, ProvisionedCluster } from '../cluster/index.js';
import type { Corpus } from '../conformance/index.js';
import { partialResultOf, runConformanceLive, runLive } from '../engine/live/index.js';
import type { ExternalsOptions, LiveRunOptions } from '../engine/live/index.js';
import { runPassed } from '../engine/results.js';
import type { RunCommand, RunResult } from '../engine/results.js';
import type { Suite } from '../suite/types.js';
import { describeError, InterruptedError, NetpolError } from '../util/errors.js';
import { TOOL } from '../version.js';
import type { Parsed } from './args.js';
import { clusterSelectionOf, liveOptionsOf } from './live-options.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';
import type { ReportTargets } from './report-output.js';

/** One ✓/✗ line per provisioning phase on stderr (kind's habit); the library never prints. */
function phaseProgress(io: CliIO): ClusterProgress {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return {
    phaseStarted: (phase) => {
      if (io.stderr.isTTY) io.stderr.write(`  … ${phase}\n`);
    },
    phaseFinished: (phase, ms, detail) => io.stderr.write(`  ✓ ${phase}${detail ? `: ${detail}` : ''} (${seconds(ms)})\n`),
    phaseFailed: (phase, error, ms) => io.stderr.write(`  ✗ ${phase} (${seconds(ms)}): ${describeError(error)}\n`),
    note: (message) => io.stderr.write(`  ! ${message}\n`),
  };
}

export interface LiveSessionApi {
  runSuites(suites: readonly Suite[]): Promise<RunResult>;
  runConformance(corpus: Corpus): Promise<RunResult>;
}

/**
 * Provisions (or connects to) the cluster, runs `body`, writes the reports and releases the cluster. Returns
 * the exit code. Errors before the engine started (bad flags) propagate as InputError: nothing was created.
 */
export async function runWithCluster(
  parsed: Parsed,
  io: CliIO,
  targets: ReportTargets,
  command: RunCommand,
  body: (session: LiveSessionApi) => Promise<RunResult>,
): Promise<number> {
  const selection = clusterSelectionOf(parsed, command);
  const live = liveOptionsOf(parsed, command, io);
  const provider = createClusterProvider({ ...selection, ...(live.probeImage ? { preloadImages: [live.probeImage] } : {}) });
  // Kind config, kubeconfig and the downloaded manifest of this run: a private temporary directory, removed at
  // the end unless the cluster is kept (its kubeconfig is then still useful).
  const runDir = await mkdtemp(join(tmpdir(), 'netpol-e2e-run-'));
  let cluster: ProvisionedCluster | undefined;
  let run: RunResult | undefined;
  let failure: unknown;
  try {
    const cni = selection.cniManifest !== undefined ? `the CNI of ${selection.cniManifest}` : selection.cni === 'kube-router' ? 'kube-router' : 'Calico';
    io.stderr.write(`netpol-e2e ${command}: ${selection.cluster === 'kind' ? `kind cluster with ${cni}` : 'existing cluster'}\n`);
    cluster = await provider.provision({ runDir, progress: phaseProgress(io), signal: io.signal });
    if (io.signal.aborted) throw new InterruptedError(String(io.signal.reason ?? 'SIGINT'));
    const options: LiveRunOptions = {
      ...live,
      externals: await externalsFor(cluster, live),
      kube: cluster.client,
      reporter: targets.reporter,
      environment: { ...cluster.environment },
    };
    const provisioned = cluster;
    run = await body({
      runSuites: (suites) => runLive(suites, options),
      runConformance: (corpus) => runConformanceLive(corpus, options),
    });
    run.timings.unshift(...provisioned.timings.map((t) => ({ name: `cluster: ${t.name}`, ms: t.ms })));
  } catch (error) {
    failure = error;
    run = partialResultOf(error) ?? failedRun(command, error);
  } finally {
    if (cluster) {
      try {
        const released = await cluster.release();
        io.stderr.write(`  ${released.deleted ? '✓' : '·'} ${released.detail}\n`);
      } catch (error) {
        io.stderr.write(`error: the cluster could not be released: ${describeError(error)}\n`);
      }
    }
    if (selection.keep === true) io.stderr.write(`  · kept the run directory ${runDir} (kubeconfig, kind config)\n`);
    else await rm(runDir, { recursive: true, force: true });
  }
  await targets.reporter.onEnd(run);
  const written = targets.finish(run);
  if (failure !== undefined) throw failure; // main prints it once and maps it to the exit code
  if (!written) return EXIT.INFRASTRUCTURE;
  if (runPassed(run)) return EXIT.OK;
  const infrastructure = run.errors.length > 0 || run.suites.some((s) => s.errors.length > 0);
  return infrastructure ? EXIT.INFRASTRUCTURE : EXIT.ASSERTIONS_FAILED;
}

/**
 * External targets live on their own docker networks; on kind, the node containers join those networks so pods
 * route to the targets through their node. kind names each node container after its Kubernetes node.
 */
async function externalsFor(cluster: ProvisionedCluster, live: Omit<LiveRunOptions, 'kube'>): Promise<ExternalsOptions> {
  const externals: ExternalsOptions = { ...(live.externals ?? { enabled: true }) };
  if (cluster.provider === 'kind' && externals.enabled) {
    const nodes = await cluster.client.list('v1', 'Node');
    externals.attachContainers = nodes.map((node) => node.metadata.name);
  }
  return externals;
}

/** A report for a run that failed before the engine produced anything (e.g. the cluster could not be created). */
function failedRun(command: RunCommand, error: unknown): RunResult {
  const code = error instanceof NetpolError ? error.code : 'INTERNAL';
  const runError = { code, message: describeError(error), ...(error instanceof NetpolError && error.hint ? { hint: error.hint } : {}) };
  return {
    tool: { ...TOOL },
    command,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    suites: [],
    errors: [runError],
    timings: [],
    environment: {},
  };
}

