/**
 * The options of the kind provider as a user gives them (flags), checked and completed with defaults before
 * anything runs. Contradictions and malformed values are an InputError listing every problem.
 */
import { DEFAULT_CLUSTER_TIMEOUTS, DEFAULT_KIND_CLUSTER_NAME, DEFAULT_KIND_WORKERS, DEFAULT_POD_SUBNET, type ClusterTimeouts } from '../defaults.js';
import path from 'node:path';
import { CALICO_VERSION, KIND_NODE_IMAGE, KUBE_ROUTER_IMAGE } from '../versions.js';
import { CNI_NAMES, type CniChoice } from '../cni/cni-choice.js';
import { resolveCalicoSource, type CalicoSource } from '../calico/calico-manifest.js';
import { InputError, type InputIssue } from '../../util/index.js';

export interface KindProviderOptions {
  /** Name of the cluster to create (default netpol-e2e). */
  clusterName?: string;
  /** Use this existing kind cluster instead of creating one (--reuse); it is never deleted. */
  reuse?: string;
  /** Do not delete the created cluster at the end or after a failure (--keep). */
  keep?: boolean;
  /** A kind config file of the user's (--kind-config), used as is; it must disable the default CNI. */
  kindConfigFile?: string;
  workers?: number;
  nodeImage?: string;
  podSubnet?: string;
  calicoVersion?: string;
  /** A local Calico manifest (--calico-manifest), for air-gapped installs. */
  calicoManifest?: string;
  calicoManifestSha256?: string;
  /** The CNI to install (--cni): calico (default) or kube-router. */
  cni?: string;
  /** Any other CNI's install manifest (--cni-manifest), applied as is; replaces --cni. */
  cniManifest?: string;
  cniManifestSha256?: string;
  /** The image of --cni kube-router (--kube-router-image). */
  kubeRouterImage?: string;
  /** Images to load into the nodes when they are in the local Docker image store (probe images). */
  preloadImages?: string[];
  timeouts?: Partial<ClusterTimeouts>;
}

export interface ResolvedKindOptions {
  mode: 'create' | 'reuse';
  clusterName: string;
  keep: boolean;
  kindConfigFile: string | undefined;
  workers: number;
  nodeImage: string;
  /** For a user kind config: undefined until its file is read (its podSubnet, or kind's default). */
  podSubnet: string | undefined;
  calicoVersion: string;
  /** The CNI to install (Calico's source is resolved even when another CNI is chosen, for the defaults). */
  cni: CniChoice;
  preloadImages: string[];
  timeouts: ClusterTimeouts;
}

/** kind cluster names become container and hostnames: lower-case DNS labels, kept short. */
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function resolveKindOptions(options: KindProviderOptions): ResolvedKindOptions {
  const issues: InputIssue[] = [];
  const mode = options.reuse !== undefined ? 'reuse' : 'create';
  const clusterName = options.reuse ?? options.clusterName ?? DEFAULT_KIND_CLUSTER_NAME;
  if (!CLUSTER_NAME.test(clusterName)) {
    issues.push({ field: options.reuse !== undefined ? '--reuse' : 'clusterName', message: `"${clusterName}" is not a valid kind cluster name (lower-case letters, digits and '-', at most 50 characters)` });
  }
  if (options.reuse !== undefined && options.clusterName !== undefined && options.clusterName !== options.reuse) {
    issues.push({ field: '--reuse', message: `names cluster "${options.reuse}" but the cluster name is "${options.clusterName}"; give one of them` });
  }
  if (mode === 'reuse' && options.kindConfigFile !== undefined) {
    issues.push({ field: '--kind-config', message: 'cannot be combined with --reuse: a reused cluster is not created' });
  }
  if (options.kindConfigFile !== undefined) {
    for (const [field, value] of [['workers', options.workers], ['nodeImage', options.nodeImage], ['podSubnet', options.podSubnet]] as const) {
      if (value !== undefined) issues.push({ field, message: `cannot be combined with --kind-config: set it in the kind config file instead` });
    }
  }
  const workers = options.workers ?? DEFAULT_KIND_WORKERS;
  if (!Number.isInteger(workers) || workers < 0 || workers > 20) issues.push({ field: 'workers', message: `expected a whole number from 0 to 20, found ${workers}` });
  if (options.podSubnet !== undefined && !isCidr(options.podSubnet)) issues.push({ field: 'podSubnet', message: `expected an IPv4 CIDR like 192.168.0.0/16, found "${options.podSubnet}"` });
  if (options.nodeImage !== undefined && options.nodeImage.trim() === '') issues.push({ field: 'nodeImage', message: 'must not be empty' });

  const calicoVersion = options.calicoVersion ?? CALICO_VERSION;
  if (!/^v\d+\.\d+\.\d+$/.test(calicoVersion)) issues.push({ field: '--calico-version', message: `expected a Calico release like ${CALICO_VERSION}, found "${calicoVersion}"` });
  const cniName = options.cni ?? 'calico';
  if (!(CNI_NAMES as readonly string[]).includes(cniName)) issues.push({ field: '--cni', message: `expected one of ${CNI_NAMES.join(', ')} (or --cni-manifest <file>), found "${cniName}"` });
  if (options.cniManifest !== undefined && options.cni !== undefined) issues.push({ field: '--cni-manifest', message: `replaces --cni: give one of them, not both (--cni ${options.cni})` });
  if (options.cniManifestSha256 !== undefined && options.cniManifest === undefined) issues.push({ field: '--cni-manifest-sha256', message: 'only applies to --cni-manifest' });
  const cniManifestSha256 = options.cniManifestSha256?.toLowerCase();
  if (cniManifestSha256 !== undefined && !/^[0-9a-f]{64}$/.test(cniManifestSha256)) {
    issues.push({ field: '--cni-manifest-sha256', message: `expected 64 hexadecimal digits (a SHA-256), found "${options.cniManifestSha256}"` });
  }
  const calicoChosen = options.cniManifest === undefined && cniName === 'calico';
  if (!calicoChosen) {
    for (const [field, value] of [['--calico-version', options.calicoVersion], ['--calico-manifest', options.calicoManifest], ['--calico-manifest-sha256', options.calicoManifestSha256]] as const) {
      if (value !== undefined) issues.push({ field, message: `only applies to --cni calico (the CNI is ${options.cniManifest !== undefined ? `--cni-manifest ${options.cniManifest}` : cniName})` });
    }
  }
  if (options.kubeRouterImage !== undefined && (options.cniManifest !== undefined || cniName !== 'kube-router')) {
    issues.push({ field: '--kube-router-image', message: 'only applies to --cni kube-router' });
  }
  if (options.kubeRouterImage !== undefined && options.kubeRouterImage.trim() === '') issues.push({ field: '--kube-router-image', message: 'must not be empty' });
  let calicoSource: CalicoSource | undefined;
  if (issues.length === 0 && calicoChosen) {
    try {
      calicoSource = resolveCalicoSource({
        version: calicoVersion,
        ...(options.calicoManifest !== undefined ? { manifestFile: options.calicoManifest } : {}),
        ...(options.calicoManifestSha256 !== undefined ? { sha256: options.calicoManifestSha256 } : {}),
      });
    } catch (error) {
      if (error instanceof InputError) issues.push(...error.issues);
      else throw error;
    }
  }
  if (issues.length > 0) throw new InputError(issues, { hint: 'fix the cluster options; nothing was created' });
  const cni: CniChoice =
    options.cniManifest !== undefined
      ? { name: 'manifest', path: path.resolve(options.cniManifest), sha256: cniManifestSha256 }
      : cniName === 'kube-router'
        ? { name: 'kube-router', image: options.kubeRouterImage ?? KUBE_ROUTER_IMAGE }
        : { name: 'calico', version: calicoVersion, source: calicoSource as CalicoSource };

  return {
    mode,
    clusterName,
    keep: options.keep ?? false,
    kindConfigFile: options.kindConfigFile,
    workers,
    nodeImage: options.nodeImage ?? KIND_NODE_IMAGE,
    podSubnet: options.kindConfigFile !== undefined ? undefined : (options.podSubnet ?? DEFAULT_POD_SUBNET),
    calicoVersion,
    cni,
    preloadImages: [...new Set(options.preloadImages ?? [])],
    timeouts: { ...DEFAULT_CLUSTER_TIMEOUTS, ...options.timeouts },
  };
}

function isCidr(value: string): boolean {
  const m = CIDR.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  return octets.every((o) => o <= 255) && bits >= 8 && bits <= 28;
}
