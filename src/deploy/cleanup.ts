/**
 * Removing what live runs created. Within a run: the run's namespaces (their pods, Services and policies go
 * with them) and external containers and networks, waiting (within a bound) until the namespaces are gone.
 * Across runs (`netpol-e2e cleanup`): everything carrying the managed-by and run-id labels, optionally only one
 * run's or only older ones. Nothing without those labels is ever touched.
 */
import type { DockerGateway, DockerObject } from '../external/index.js';
import { sweepExternals } from '../external/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_RUN_ID } from '../kube/index.js';
import { describeError } from '../util/index.js';
import { pollDone, pollPending, pollWithStats, systemClock, type Clock } from '../util/index.js';
import { LIVE_DEFAULTS } from './live-defaults.js';
import { isRunObject, runSelector } from './run-labels.js';

export interface DeleteNamespacesOptions {
  timeoutMs: number;
  intervalMs: number;
  clock: Clock;
}

/**
 * Deletes namespaces (only those carrying the run's labels) and waits until they are gone. Returns the names
 * deleted and how long it took; throws TimeoutError naming the namespaces still there after the bound.
 */
export async function deleteNamespacesAndWait(
  kube: KubeClient,
  names: readonly string[],
  runId: string | undefined,
  options: DeleteNamespacesOptions,
): Promise<{ deleted: string[]; elapsedMs: number }> {
  const deleted = await deleteNamespaces(kube, names, runId);
  const { elapsedMs } = await waitNamespacesGone(kube, deleted, runId, options);
  return { deleted, elapsedMs };
}

/** Issues the deletion of the namespaces that carry the run's labels (not waiting); returns their names. */
export async function deleteNamespaces(kube: KubeClient, names: readonly string[], runId: string | undefined): Promise<string[]> {
  const deleted = await Promise.all(
    names.map(async (name) => {
      const namespace = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name });
      if (!namespace || !isRunObject(namespace.metadata.labels, runId)) return undefined;
      await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name });
      return name;
    }),
  );
  return deleted.filter((name): name is string => name !== undefined);
}

/**
 * Waits until the namespaces are gone, looking with one list by the run's labels (or a get per namespace
 * without a run id). Throws TimeoutError naming those still there after the bound.
 */
export async function waitNamespacesGone(
  kube: KubeClient,
  names: readonly string[],
  runId: string | undefined,
  options: DeleteNamespacesOptions,
): Promise<{ elapsedMs: number }> {
  if (names.length === 0) return { elapsedMs: 0 };
  const outcome = await pollWithStats(
    async () => {
      let present: Set<string>;
      if (runId !== undefined) {
        present = new Set((await kube.list<KubeObject>('v1', 'Namespace', { labelSelector: runSelector(runId) })).map((n) => n.metadata.name));
      } else {
        present = new Set();
        for (const name of names) if (await kube.get({ apiVersion: 'v1', kind: 'Namespace', name })) present.add(name);
      }
      const remaining = names.filter((name) => present.has(name));
      return remaining.length === 0 ? pollDone(true) : pollPending(`still there: ${remaining.join(', ')}`);
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs,
      clock: options.clock,
      describe: `namespaces ${names.join(', ')} to be deleted`,
      hint: "a namespace stuck in Terminating usually waits for a finalizer: look at its status conditions; 'netpol-e2e cleanup' retries later",
    },
  );
  return { elapsedMs: outcome.elapsedMs };
}

export interface CleanupRunsOptions {
  /** Only this run's objects; otherwise every run's. */
  runId?: string;
  /** Only objects created at least this long ago (milliseconds), e.g. to keep runs in progress. */
  olderThan?: number;
  /** Docker, for external targets: a gateway, or false to leave Docker alone. */
  docker?: DockerGateway | false;
  /** Wait until deleted namespaces are gone (default: true, within the default bound). */
  wait?: boolean;
  clock?: Clock;
  /** For `olderThan`: the current time (epoch ms). */
  now?: () => number;
}

export interface CleanupResult {
  /** What was deleted: `namespace <name>`, `docker container <name>`, `docker network <name>`. */
  deleted: string[];
  /** Things that could not be looked at (e.g. no Docker daemon), so the user knows what was not swept. */
  notes: string[];
}

export async function cleanupRuns(kube: KubeClient, options: CleanupRunsOptions = {}): Promise<CleanupResult> {
  const now = options.now ?? Date.now;
  const namespaces = await kube.list<KubeObject>('v1', 'Namespace', { labelSelector: runSelector(options.runId) });
  const candidates = namespaces.filter((ns) => {
    if (!isRunObject(ns.metadata.labels, options.runId)) return false;
    if (options.olderThan === undefined) return true;
    const created = Date.parse(String(ns.metadata.creationTimestamp ?? ''));
    return Number.isFinite(created) && now() - created >= options.olderThan;
  });
  const result: CleanupResult = { deleted: [], notes: [] };
  const names = candidates.map((ns) => ns.metadata.name);
  if (options.wait === false) {
    for (const name of names) {
      await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name });
      result.deleted.push(`namespace ${name}`);
    }
  } else {
    const { deleted } = await deleteNamespacesAndWait(kube, names, options.runId, {
      timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: options.clock ?? systemClock(),
    });
    result.deleted.push(...deleted.map((n) => `namespace ${n}`));
  }
  result.deleted.push(...(await sweepObjectsOutsideRunNamespaces(kube, new Set(namespaces.map((n) => n.metadata.name)), options)));
  if (options.docker) {
    const labels: Record<string, string | undefined> = { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_RUN_ID]: options.runId };
    const olderThan = options.olderThan;
    const keep = (object: DockerObject): boolean =>
      olderThan !== undefined && !(object.createdAt !== undefined && Number.isFinite(object.createdAt) && now() - object.createdAt >= olderThan);
    try {
      result.deleted.push(...(await sweepExternals(options.docker, labels, keep)));
    } catch (error) {
      result.notes.push(`docker objects of external targets could not be swept: ${describeError(error)}`);
    }
  } else if (options.docker === undefined) {
    result.notes.push('docker was not checked for external targets (no Docker gateway given)');
  }
  return result;
}

/**
 * Pods, Services and NetworkPolicies a run put into namespaces it did not create (fixture namespaces declared
 * `existing: true`), found by the run labels across the cluster; the namespaces themselves are never touched.
 */
async function sweepObjectsOutsideRunNamespaces(kube: KubeClient, runNamespaces: ReadonlySet<string>, options: CleanupRunsOptions): Promise<string[]> {
  const now = options.now ?? Date.now;
  const deleted: string[] = [];
  for (const { apiVersion, kind } of [
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'v1', kind: 'Pod' },
  ]) {
    const objects = await kube.list<KubeObject>(apiVersion, kind, { labelSelector: runSelector(options.runId) });
    for (const object of objects) {
      const namespace = object.metadata.namespace;
      if (namespace === undefined || runNamespaces.has(namespace) || !isRunObject(object.metadata.labels, options.runId)) continue;
      if (options.olderThan !== undefined) {
        const created = Date.parse(String(object.metadata.creationTimestamp ?? ''));
        if (!(Number.isFinite(created) && now() - created >= options.olderThan)) continue;
      }
      await kube.delete({ apiVersion, kind, name: object.metadata.name, namespace });
      deleted.push(`${kind.toLowerCase()} ${namespace}/${object.metadata.name}`);
    }
  }
  return deleted;
}
