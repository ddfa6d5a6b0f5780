/**
 * Getting Calico's manifest: from the pinned release URL, verified against the SHA-256 recorded in versions.ts
 * (or one given with --calico-manifest-sha256), or from a local file for air-gapped installs (verified when a
 * checksum is given). Then parsed, with the IPv4 pool set to the cluster's pod subnet.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CALICO_MANIFEST_SHA256, calicoManifestUrl } from '../versions.js';
import { CALICO_WORKLOADS } from '../defaults.js';
import { ClusterError, describeError, InputError } from '../../util/index.js';
import { parseManifest, type ManifestObject } from '../install/parse-manifest.js';
import { formatDuration } from '../../util/index.js';

export type CalicoSource =
  | { kind: 'release'; version: string; url: string; sha256: string }
  | { kind: 'file'; path: string; sha256: string | undefined };

export interface CalicoSourceOptions {
  version: string;
  /** A local manifest (air-gapped): used instead of the release download. */
  manifestFile?: string;
  /** Overrides (release) or sets (file) the expected SHA-256. */
  sha256?: string;
}

/** Downloads a URL's bytes; injectable so tests need no network. */
export type Downloader = (url: string, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<Uint8Array>;

export interface PreparedCalico {
  source: CalicoSource;
  /** SHA-256 of the manifest as read. */
  sha256: string;
  /** Whether the bytes were checked against an expected checksum. */
  verified: boolean;
  objects: ManifestObject[];
  /** Every container image the manifest uses. */
  images: string[];
}

/** Decides where the manifest comes from and what its checksum must be; fails before anything is downloaded or created. */
export function resolveCalicoSource(options: CalicoSourceOptions): CalicoSource {
  const sha256 = options.sha256?.toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new InputError([{ field: '--calico-manifest-sha256', message: `expected 64 hexadecimal digits (a SHA-256), found "${options.sha256}"` }]);
  }
  if (options.manifestFile !== undefined) return { kind: 'file', path: path.resolve(options.manifestFile), sha256 };
  const pinned = CALICO_MANIFEST_SHA256[options.version];
  const expected = sha256 ?? pinned;
  if (expected === undefined) {
    throw new InputError(
      [
        {
          field: '--calico-version',
          message: `no SHA-256 is recorded for Calico ${options.version}'s manifest (recorded: ${Object.keys(CALICO_MANIFEST_SHA256).join(', ')}), and none was given`,
        },
      ],
      { hint: `pass --calico-manifest-sha256 <sha256 of ${calicoManifestUrl(options.version)}>, or use a recorded version` },
    );
  }
  return { kind: 'release', version: options.version, url: calicoManifestUrl(options.version), sha256: expected };
}

export async function prepareCalicoManifest(
  source: CalicoSource,
  podSubnet: string,
  download: Downloader,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<PreparedCalico> {
  const bytes = source.kind === 'release' ? await downloadManifest(source.url, download, options) : await readLocal(source.path);
  const origin = source.kind === 'release' ? source.url : source.path;
  const actual = sha256Of(bytes);
  if (source.sha256 !== undefined) verifySha256(actual, source.sha256, origin, source.kind === 'release');
  const objects = setCalicoPoolCidr(parseManifest(Buffer.from(bytes).toString('utf8'), origin), podSubnet);
  return { source, sha256: actual, verified: source.sha256 !== undefined, objects, images: manifestImages(objects) };
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws a ClusterError unless `actual` is `expected`. */
export function verifySha256(actual: string, expected: string, origin: string, pinned: boolean): void {
  if (actual === expected.toLowerCase()) return;
  throw new ClusterError(`the Calico manifest ${origin} has SHA-256 ${actual}, expected ${expected}; it was not applied`, {
    hint: pinned
      ? 'the download is not the manifest that was pinned (changed upstream, or altered on the way): do not override the check unless you have verified the new manifest; then pass its checksum with --calico-manifest-sha256'
      : 'the file is not the manifest the checksum describes: check --calico-manifest and --calico-manifest-sha256',
  });
}

/**
 * Sets CALICO_IPV4POOL_CIDR on the calico-node container (adding it, or replacing a value), so Calico's default
 * pool is the cluster's pod subnet. Returns new objects; the input is not modified.
 */
export function setCalicoPoolCidr(objects: readonly ManifestObject[], cidr: string): ManifestObject[] {
  let found = false;
  const result = objects.map((item) => {
    const o = item.object;
    if (o.kind !== 'DaemonSet' || o.metadata.name !== CALICO_WORKLOADS.nodeDaemonSet || (o.metadata.namespace ?? '') !== CALICO_WORKLOADS.namespace) return item;
    const copy = structuredClone(o) as typeof o & { spec?: { template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[] }[] } } } };
    const container = copy.spec?.template?.spec?.containers?.find((c) => c.name === CALICO_WORKLOADS.nodeContainer);
    if (!container) return item;
    found = true;
    const env = (container.env ?? []).filter((e) => e.name !== 'CALICO_IPV4POOL_CIDR');
    env.push({ name: 'CALICO_IPV4POOL_CIDR', value: cidr });
    container.env = env;
    return { ...item, object: copy };
  });
  if (!found) {
    const file = objects[0]?.position.file ?? 'the manifest';
    throw new ClusterError(
      `${file} has no DaemonSet ${CALICO_WORKLOADS.namespace}/${CALICO_WORKLOADS.nodeDaemonSet} with a container "${CALICO_WORKLOADS.nodeContainer}", so Calico's IP pool cannot be set to ${cidr}`,
      { hint: "use Calico's manifests/calico.yaml (the operator-less install) of the pinned release, or a mirror of it" },
    );
  }
  return result;
}

/** The distinct container images of every pod template in the manifest, in order of appearance. */
export function manifestImages(objects: readonly ManifestObject[]): string[] {
  const images = new Set<string>();
  for (const { object } of objects) {
    const spec = (object as { spec?: { template?: { spec?: PodSpecImages } } }).spec?.template?.spec;
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) if (c.image) images.add(c.image);
  }
  return [...images];
}

interface PodSpecImages {
  containers?: { image?: string }[];
  initContainers?: { image?: string }[];
}

/** The default Downloader: global fetch with a timeout. */
export function fetchDownloader(): Downloader {
  return async (url, options) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

async function downloadManifest(url: string, download: Downloader, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Uint8Array> {
  try {
    return await download(url, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ClusterError(`downloading the Calico manifest ${url} failed within ${formatDuration(options.timeoutMs)}: ${describeError(error)}`, {
      hint: 'check network access to raw.githubusercontent.com (proxy settings: HTTPS_PROXY); without network, download it elsewhere and pass it with --calico-manifest <file>',
      cause: error,
    });
  }
}

async function readLocal(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new InputError([{ field: '--calico-manifest', message: `cannot read ${file}: ${describeError(error)}` }], {
      hint: 'pass the path of a Calico manifest (manifests/calico.yaml of the release) with --calico-manifest',
      cause: error,
    });
  }
}
