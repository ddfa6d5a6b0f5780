/**
 * The owner's half of a live command: from provisioning to release. Resolves the settings and the cluster
 * provider first (bad input is thrown before anything is created), calls the reporter's onBegin, provisions
 * (or takes the caller's client), runs the body on a LiveSession, releases the cluster, calls onEnd and
 * returns the RunResult. Every failure after onBegin is data in that result: a cluster that could not be
 * provisioned or released, an interrupt, an error of the body.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterProvider, type ClusterProvider, type ClusterSelection, type ProvisionedCluster } from '../cluster/index.js';
import { LiveSession, resolveLiveSettings, type ResolvedLiveSettings } from '../engine/index.js';
import type { ExternalsOptions } from '../external/index.js';
import type { KubeClient } from '../kube/index.js';
import { runErrorOf, startRunResult, type PlannedSuite, type RunCommand, type RunResult } from '../results/index.js';
import { InterruptedError } from '../util/index.js';
import { TOOL } from '../version.js';
import type { LiveRunOptions, RunProgress } from './live-run-options.js';

export type RunBody = (session: LiveSession) => Promise<RunResult>;

/** `planned`: every suite of the run, in order; the result lists them (reports place run errors at them). */
export async function ownLiveRun(command: RunCommand, planned: readonly PlannedSuite[], options: LiveRunOptions, body: RunBody): Promise<RunResult> {
  const settings = resolveLiveSettings(options);
  const cluster = clusterOf(options, settings.probeImage);
  settings.reporter?.onBegin?.({ command, runId: settings.runId, suites: planned.map((s) => s.name) });
  const result =
    'kube' in cluster
      ? await runGuarded(command, settings, () => body(new LiveSession({ ...settings, kube: cluster.kube })))
      : await runOnProvisioned(command, settings, cluster.provider, options.progress ?? {}, keepsCluster(options.cluster), body);
  result.plannedSuites = planned.map((s) => ({ ...s }));
  await settings.reporter?.onEnd(result);
  return result;
}

/**
 * The cluster a run uses. A cluster the run creates gets the probe image preloaded (kind: `kind load docker-image`
 * when the image is in the local Docker store; otherwise the nodes pull it).
 */
function clusterOf(options: LiveRunOptions, probeImage: string): { kube: KubeClient } | { provider: ClusterProvider } {
  if (options.kube && options.cluster) throw new RangeError('live run: give either `kube` or `cluster`, not both');
  if (options.kube) return { kube: options.kube };
  if (!options.cluster) throw new RangeError('live run: give `cluster` (a selection or a provider) or `kube`');
  if (isProvider(options.cluster)) return { provider: options.cluster };
  const preloadImages = [...new Set([...(options.cluster.preloadImages ?? []), probeImage])];
  return { provider: createClusterProvider({ ...options.cluster, preloadImages }) };
}

function isProvider(cluster: ClusterSelection | ClusterProvider): cluster is ClusterProvider {
  return typeof (cluster as ClusterProvider).provision === 'function';
}

function keepsCluster(cluster: LiveRunOptions['cluster']): boolean {
  return cluster !== undefined && !isProvider(cluster) && cluster.keep === true;
}

/** Provisions, runs the body on the cluster, releases it; the run directory goes too unless the cluster is kept. */
async function runOnProvisioned(
  command: RunCommand,
  settings: ResolvedLiveSettings,
  provider: ClusterProvider,
  progress: RunProgress,
  keep: boolean,
  body: RunBody,
): Promise<RunResult> {
  // Kind config, kubeconfig and the downloaded manifest of this run: a private temporary directory.
  const runDir = await mkdtemp(join(tmpdir(), 'netpol-e2e-run-'));
  let cluster: ProvisionedCluster | undefined;
  let result: RunResult;
  progress.provisioning?.(provider.name);
  try {
    cluster = await provider.provision({ runDir, progress, signal: settings.signal, clock: settings.clock });
    result = await runGuarded(command, settings, () => runOnCluster(settings, cluster as ProvisionedCluster, body));
  } catch (error) {
    result = failedRun(command, settings, interruptedOr(settings, error));
  }
  if (cluster) result.errors.push(...(await release(cluster, progress)));
  if (keep) progress.runDirKept?.(runDir);
  else await rm(runDir, { recursive: true, force: true });
  return result;
}

async function runOnCluster(settings: ResolvedLiveSettings, cluster: ProvisionedCluster, body: RunBody): Promise<RunResult> {
  if (settings.signal?.aborted) throw new InterruptedError(String(settings.signal.reason ?? 'SIGINT'));
  const session = new LiveSession({
    ...settings,
    kube: cluster.client,
    externals: await externalsFor(cluster, settings.externals),
    environment: { ...cluster.environment, ...settings.environment },
  });
  const result = await body(session);
  result.timings.unshift(...cluster.timings.map((t) => ({ name: `cluster: ${t.name}`, ms: t.ms })));
  return result;
}

/** The body's result; an error it throws (a bug, or a failure before the session began) becomes data. */
async function runGuarded(command: RunCommand, settings: ResolvedLiveSettings, run: () => Promise<RunResult>): Promise<RunResult> {
  try {
    return await run();
  } catch (error) {
    return failedRun(command, settings, interruptedOr(settings, error));
  }
}

async function release(cluster: ProvisionedCluster, progress: RunProgress): Promise<RunResult['errors']> {
  try {
    const outcome = await cluster.release();
    progress.released?.(outcome);
    return [];
  } catch (error) {
    return [runErrorOf(error, 'the cluster could not be released')];
  }
}

/**
 * External targets live on their own docker networks; on kind, the node containers join those networks so pods
 * route to the targets through their node. kind names each node container after its Kubernetes node.
 */
async function externalsFor(cluster: ProvisionedCluster, externals: ExternalsOptions): Promise<ExternalsOptions> {
  if (cluster.provider !== 'kind' || !externals.enabled) return externals;
  const nodes = await cluster.client.list('v1', 'Node');
  return { ...externals, attachContainers: nodes.map((node) => node.metadata.name) };
}

function interruptedOr(settings: ResolvedLiveSettings, error: unknown): unknown {
  return settings.signal?.aborted && !(error instanceof InterruptedError) ? new InterruptedError(String(settings.signal.reason ?? 'SIGINT')) : error;
}

/** The result of a run that stopped before its session produced one (e.g. the cluster could not be created). */
function failedRun(command: RunCommand, settings: ResolvedLiveSettings, error: unknown): RunResult {
  const result = startRunResult({ tool: { ...TOOL }, command, runId: settings.runId, startedAt: new Date(settings.now()).toISOString() });
  result.errors.push(runErrorOf(error));
  return result;
}
