/**
 * Applies a parsed manifest with the kube facade (server-side apply): CustomResourceDefinitions first, then waits
 * until each is Established (a custom resource applied earlier would be refused), then Namespaces, then
 * everything else in document order.
 */
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { ClusterError, NetpolError } from '../../util/index.js';
import { poll, pollDone, pollPending, type Clock } from '../../util/index.js';
import type { ManifestObject } from './parse-manifest.js';

export interface InstallManifestOptions {
  crdEstablishedMs: number;
  pollIntervalMs: number;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface InstallManifestResult {
  /** `Kind namespace/name` of every applied object, in the order applied. */
  applied: string[];
  /** Names of the CRDs that were waited for. */
  crds: string[];
}

const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

export async function installManifest(client: KubeClient, objects: readonly ManifestObject[], options: InstallManifestOptions): Promise<InstallManifestResult> {
  const ordered = orderForInstall(objects);
  const crds = ordered.filter((o) => isCrd(o.object));
  const applied: string[] = [];

  for (const item of crds) await applyOne(client, item, applied);
  for (const item of crds) await waitEstablished(client, item.object.metadata.name, options);
  for (const item of ordered) {
    if (!isCrd(item.object)) await applyOne(client, item, applied);
  }
  return { applied, crds: crds.map((c) => c.object.metadata.name) };
}

/** CRDs, then Namespaces, then the rest; document order within each group. */
export function orderForInstall(objects: readonly ManifestObject[]): ManifestObject[] {
  const rank = (o: KubeObject): number => (isCrd(o) ? 0 : o.kind === 'Namespace' && o.apiVersion === 'v1' ? 1 : 2);
  return objects
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item.object) - rank(b.item.object) || a.index - b.index)
    .map(({ item }) => item);
}

async function applyOne(client: KubeClient, item: ManifestObject, applied: string[]): Promise<void> {
  const label = describeObject(item.object);
  try {
    await client.apply(item.object);
  } catch (error) {
    const where = `${item.position.file}:${item.position.line}:${item.position.column}`;
    throw new ClusterError(`applying ${label} (${where}) failed: ${error instanceof Error ? error.message : String(error)}`, {
      hint: error instanceof NetpolError && error.hint ? error.hint : 'see the message of the API server above',
      cause: error,
    });
  }
  applied.push(label);
}

async function waitEstablished(client: KubeClient, name: string, options: InstallManifestOptions): Promise<void> {
  await poll(
    async () => {
      const crd = await client.get<KubeObject & { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }>({
        apiVersion: CRD_API_VERSION,
        kind: 'CustomResourceDefinition',
        name,
      });
      if (!crd) return pollPending('the CRD does not exist yet');
      const conditions = crd.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return pollDone(undefined);
      const seen = conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`).join(', ');
      return pollPending(seen ? `conditions ${seen}` : 'no conditions yet');
    },
    {
      timeoutMs: options.crdEstablishedMs,
      intervalMs: Math.min(options.pollIntervalMs, 500),
      describe: `CustomResourceDefinition ${name} to be Established`,
      hint: 'a CRD that is never Established usually has a name conflict (NamesAccepted=False) or an invalid schema; see the conditions above',
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    },
  );
}

function isCrd(object: KubeObject): boolean {
  return object.kind === 'CustomResourceDefinition' && object.apiVersion.startsWith('apiextensions.k8s.io/');
}

/** `DaemonSet kube-system/calico-node`. */
export function describeObject(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}
