/**
 * The CNI a created kind cluster gets: Calico (default, its release manifest verified by checksum), kube-router
 * (the DaemonSet of cni/kube-router.yaml: pod routing between nodes and the NetworkPolicy firewall), or any
 * manifest a user gives (--cni-manifest, verified when a checksum is given). Each is prepared the same way before
 * a cluster exists: the objects to apply, the images to preload and the workloads whose readiness means the CNI
 * runs. Installing and waiting are shared (install-manifest.ts, wait-for-cni.ts).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ClusterError, describeError, InputError } from '../../util/index.js';
import { manifestImages, prepareCalicoManifest, sha256Of, type CalicoSource, type Downloader } from '../calico/calico-manifest.js';
import { CALICO_WORKLOADS } from '../defaults.js';
import type { WorkloadRef } from '../install/diagnose-workload.js';
import { parseManifest, type ManifestObject } from '../install/parse-manifest.js';

export const CNI_NAMES = ['calico', 'kube-router'] as const;
export type CniName = (typeof CNI_NAMES)[number] | 'manifest';

export type CniChoice =
  | { name: 'calico'; version: string; source: CalicoSource }
  | { name: 'kube-router'; image: string }
  | { name: 'manifest'; path: string; sha256: string | undefined };

export interface PreparedCni {
  name: CniName;
  /** For progress lines and the run's environment: "Calico v3.33.0", "kube-router (image …)", "manifest <file>". */
  description: string;
  objects: ManifestObject[];
  /** Every container image of the manifest's pod templates (preloaded when present locally). */
  images: string[];
  /** SHA-256 of the manifest as read (Calico and --cni-manifest). */
  sha256: string | undefined;
  /** Whether the manifest was checked against an expected checksum (kube-router's ships in the package). */
  verified: boolean;
  /** What must be ready, in order, before the cluster counts as networked. */
  workloads: WorkloadRef[];
}

/** The kube-router DaemonSet manifest shipped in the package (cni/ at the package root). */
export const KUBE_ROUTER_MANIFEST = fileURLToPath(new URL('../../../cni/kube-router.yaml', import.meta.url));
export const KUBE_ROUTER_WORKLOAD: WorkloadRef = { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-router' };

/** The DaemonSet whose presence shows the CNI already runs in a reused cluster (none for a user's manifest). */
export function primaryDaemonSet(choice: CniChoice): WorkloadRef | undefined {
  if (choice.name === 'calico') return { kind: 'DaemonSet', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.nodeDaemonSet };
  if (choice.name === 'kube-router') return KUBE_ROUTER_WORKLOAD;
  return undefined;
}

export function cniLabel(choice: CniChoice): string {
  if (choice.name === 'calico') return 'Calico';
  if (choice.name === 'kube-router') return 'kube-router';
  return `the CNI of ${choice.path}`;
}

export async function prepareCni(
  choice: CniChoice,
  podSubnet: string,
  download: Downloader,
  options: { timeoutMs: number; signal?: AbortSignal; kubeRouterManifest?: string },
): Promise<PreparedCni> {
  if (choice.name === 'calico') {
    const prepared = await prepareCalicoManifest(choice.source, podSubnet, download, options);
    return {
      name: 'calico',
      description: choice.source.kind === 'release' ? `Calico ${choice.source.version}` : `Calico from ${choice.source.path}`,
      objects: prepared.objects,
      images: prepared.images,
      sha256: prepared.sha256,
      verified: prepared.verified,
      workloads: [
        { kind: 'DaemonSet', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.nodeDaemonSet },
        { kind: 'Deployment', namespace: CALICO_WORKLOADS.namespace, name: CALICO_WORKLOADS.controllersDeployment },
      ],
    };
  }
  if (choice.name === 'kube-router') {
    const file = options.kubeRouterManifest ?? KUBE_ROUTER_MANIFEST;
    const objects = setKubeRouterImage(parseManifest(await readFile(file, 'utf8'), file), choice.image);
    return { name: 'kube-router', description: `kube-router (${choice.image})`, objects, images: manifestImages(objects), sha256: undefined, verified: true, workloads: [KUBE_ROUTER_WORKLOAD] };
  }
  const bytes = await readUserManifest(choice.path);
  const actual = sha256Of(bytes);
  if (choice.sha256 !== undefined && actual !== choice.sha256) {
    throw new ClusterError(`the CNI manifest ${choice.path} has SHA-256 ${actual}, expected ${choice.sha256}; it was not applied`, {
      hint: 'the file is not the manifest the checksum describes: check --cni-manifest and --cni-manifest-sha256',
    });
  }
  const objects = parseManifest(Buffer.from(bytes).toString('utf8'), choice.path);
  const workloads = workloadsOf(objects);
  if (workloads.length === 0) {
    throw new InputError([{ field: '--cni-manifest', message: `${choice.path} has no DaemonSet or Deployment: nothing would run the CNI on the nodes` }], {
      hint: 'pass the CNI vendor\'s install manifest (the one that creates its node DaemonSet)',
    });
  }
  return { name: 'manifest', description: `manifest ${choice.path}`, objects, images: manifestImages(objects), sha256: actual, verified: choice.sha256 !== undefined, workloads };
}

/** Sets the image of every container and init container of the kube-router DaemonSet; the input is not modified. */
export function setKubeRouterImage(objects: readonly ManifestObject[], image: string): ManifestObject[] {
  let found = false;
  const result = objects.map((item) => {
    const o = item.object;
    if (o.kind !== 'DaemonSet' || o.metadata.name !== KUBE_ROUTER_WORKLOAD.name || o.metadata.namespace !== KUBE_ROUTER_WORKLOAD.namespace) return item;
    const copy = structuredClone(o) as typeof o & { spec?: { template?: { spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } } } };
    const spec = copy.spec?.template?.spec;
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      c.image = image;
      found = true;
    }
    return { ...item, object: copy };
  });
  if (!found) {
    throw new ClusterError(`${objects[0]?.position.file ?? 'the kube-router manifest'} has no DaemonSet kube-system/kube-router with containers`, {
      hint: 'the package is incomplete: reinstall netpol-e2e',
    });
  }
  return result;
}

/** Every DaemonSet and Deployment of a manifest, DaemonSets first (the node agents), in document order. */
export function workloadsOf(objects: readonly ManifestObject[]): WorkloadRef[] {
  const refs = objects
    .map(({ object }) => object)
    .filter((o): o is typeof o & { kind: 'DaemonSet' | 'Deployment' } => (o.kind === 'DaemonSet' || o.kind === 'Deployment') && o.apiVersion === 'apps/v1')
    .map((o) => ({ kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name }));
  return [...refs.filter((r) => r.kind === 'DaemonSet'), ...refs.filter((r) => r.kind === 'Deployment')];
}

async function readUserManifest(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new InputError([{ field: '--cni-manifest', message: `cannot read ${file}: ${describeError(error)}` }], {
      hint: 'pass the path of the CNI\'s install manifest with --cni-manifest',
      cause: error,
    });
  }
}
