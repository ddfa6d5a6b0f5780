/** The flags of the live commands (`run`, `conformance --live`), kept apart so help needs no heavy imports. */
import { join } from 'node:path';
import type { ClusterSelection } from '../cluster/index.js';
import { LIVE_DEFAULTS } from '../deploy/index.js';
import type { LiveSettings } from '../engine/index.js';
import type { LiveRunOptions, RunProgress } from '../run/index.js';
import { describeError } from '../util/index.js';
import { InputError } from '../util/index.js';
import type { InputIssue } from '../util/index.js';
import { booleanOption, integerOption, secondsOption, stringOption } from './args.js';
import type { OptionSpec, Parsed } from './args.js';
import type { CliIO } from './io.js';

export const CLUSTER_OPTIONS: OptionSpec = {
  cluster: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  keep: { type: 'boolean' },
  reuse: { type: 'string' },
  'cluster-name': { type: 'string' },
  'kind-config': { type: 'string' },
  workers: { type: 'string' },
  'node-image': { type: 'string' },
  'pod-subnet': { type: 'string' },
  'calico-version': { type: 'string' },
  'calico-manifest': { type: 'string' },
  'calico-manifest-sha256': { type: 'string' },
  cni: { type: 'string' },
  'cni-manifest': { type: 'string' },
  'cni-manifest-sha256': { type: 'string' },
  'kube-router-image': { type: 'string' },
};

export const CLUSTER_HELP = `Cluster:
  --cluster kind|existing   kind (default): create a kind cluster with a CNI (Calico), delete it at the end;
                            existing: the cluster of --kubeconfig/--context (implied by either)
  --kubeconfig <file>       kubeconfig of an existing cluster (default: $KUBECONFIG, ~/.kube/config)
  --context <name>          context of the kubeconfig to use
  --keep                    kind: keep the cluster at the end (and after a failure)
  --reuse <name>            kind: use this existing kind cluster (never deleted)
  --cluster-name <name>     kind: name of the cluster to create (default netpol-e2e)
  --kind-config <file>      kind: your kind config (must set networking.disableDefaultCNI: true)
  --workers <n>             kind: worker nodes (default 2)
  --node-image <image>      kind: node image (default: pinned by digest, see docs/clusters.md)
  --pod-subnet <cidr>       kind: pod subnet = Calico IP pool (default 192.168.0.0/16)
  --cni calico|kube-router  kind: the CNI to install (default calico; docs/clusters.md says what each enforces)
  --calico-version <v>      kind: Calico release to install (its manifest is verified by checksum)
  --calico-manifest <file>  kind: install Calico from a local manifest (air-gapped)
  --calico-manifest-sha256 <hex>  the checksum that manifest must have
  --kube-router-image <image>  kind, --cni kube-router: its image (default docker.io/cloudnativelabs/kube-router:v2.1.0)
  --cni-manifest <file>     kind: install another CNI from its manifest instead (waits for its DaemonSets/Deployments)
  --cni-manifest-sha256 <hex>  the checksum that manifest must have`;

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
const PULL_POLICY_HELP = PULL_POLICIES.map((p) => (p === LIVE_DEFAULTS.imagePullPolicy ? `${p} (default)` : p)).join(' | ');

export const LIVE_OPTIONS: OptionSpec = {
  'run-id': { type: 'string' },
  'probe-image': { type: 'string' },
  'image-pull-policy': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'settle-timeout': { type: 'string' },
  'ready-timeout': { type: 'string' },
  concurrency: { type: 'string' },
  parallel: { type: 'string' },
  artifacts: { type: 'string' },
  'no-externals': { type: 'boolean' },
  'keep-namespaces': { type: 'boolean' },
};

const seconds = (ms: number): number => ms / 1000;

export const LIVE_HELP = `Run:
  --run-id <id>             label of everything the run creates (default: generated)
  --probe-image <image>     probe pods and external targets (default ${LIVE_DEFAULTS.probeImage})
  --image-pull-policy <p>   ${PULL_POLICY_HELP}
  --connect-timeout <s>     per-probe connect timeout in seconds (default ${seconds(LIVE_DEFAULTS.connectTimeoutMs)})
  --settle-timeout <s>      cap on waiting for results to settle after a change (default ${seconds(LIVE_DEFAULTS.settleTimeoutMs)})
  --ready-timeout <s>       bound on probe pods becoming Ready (default ${seconds(LIVE_DEFAULTS.readyTimeoutMs)})
  --concurrency <n>         execs in flight at once, across all suites (default ${LIVE_DEFAULTS.concurrency})
  --parallel <n>            suites run at the same time, never two sharing a namespace (default: ${LIVE_DEFAULTS.parallelPerCpu} per
                            allocatable CPU of the cluster, ${LIVE_DEFAULTS.minParallel}..${LIVE_DEFAULTS.maxParallel}; 1 runs them one after another)
  --artifacts <dir>         where diagnostics of a failed run go (default netpol-e2e-artifacts)
  --no-externals            do not start externals (targets and sources); their cells are skipped
  --keep-namespaces         leave the run's namespaces for debugging ('netpol-e2e cleanup' removes them)`;



/** The cluster selection from the flags; contradictions are an InputError (before anything is created). */
export function clusterSelectionOf(parsed: Parsed, command: string): ClusterSelection {
  const explicit = stringOption(parsed, 'cluster');
  const kubeconfig = stringOption(parsed, 'kubeconfig');
  const context = stringOption(parsed, 'context');
  if (explicit !== undefined && explicit !== 'kind' && explicit !== 'existing') {
    throw new InputError([{ message: `netpol-e2e ${command}: --cluster must be kind or existing, got '${explicit}'` }]);
  }
  const cluster = explicit ?? (kubeconfig !== undefined || context !== undefined ? 'existing' : 'kind');
  const selection: ClusterSelection = { cluster };
  const set = <K extends keyof ClusterSelection>(key: K, value: ClusterSelection[K] | undefined): void => {
    if (value !== undefined) selection[key] = value;
  };
  set('kubeconfig', kubeconfig);
  set('context', context);
  if (booleanOption(parsed, 'keep')) selection.keep = true;
  set('reuse', stringOption(parsed, 'reuse'));
  set('clusterName', stringOption(parsed, 'cluster-name'));
  set('kindConfigFile', stringOption(parsed, 'kind-config'));
  set('workers', integerOption(parsed, 'workers', command, { min: 0, max: 20 }));
  set('nodeImage', stringOption(parsed, 'node-image'));
  set('podSubnet', stringOption(parsed, 'pod-subnet'));
  set('calicoVersion', stringOption(parsed, 'calico-version'));
  set('calicoManifest', stringOption(parsed, 'calico-manifest'));
  set('calicoManifestSha256', stringOption(parsed, 'calico-manifest-sha256'));
  set('cni', stringOption(parsed, 'cni'));
  set('cniManifest', stringOption(parsed, 'cni-manifest'));
  set('cniManifestSha256', stringOption(parsed, 'cni-manifest-sha256'));
  set('kubeRouterImage', stringOption(parsed, 'kube-router-image'));
  return selection;
}

/**
 * Everything a live command needs from its flags, resolved once: the cluster selection, the run's settings and
 * the progress lines on stderr. Bad flags are an InputError, before anything is created.
 */
export function liveRunOptionsOf(parsed: Parsed, command: string, io: CliIO): LiveRunOptions {
  const cluster = clusterSelectionOf(parsed, command);
  return { ...liveSettingsOf(parsed, command, io), cluster, progress: phaseProgress(io, command, cniName(cluster)) };
}

/** The CNI a kind cluster gets, as the first progress line names it. */
function cniName(selection: { cni?: string; cniManifest?: string }): string {
  if (selection.cniManifest !== undefined) return `the CNI of ${selection.cniManifest}`;
  return selection.cni === 'kube-router' ? 'kube-router' : 'Calico';
}

/** One ✓/✗ line per provisioning phase on stderr (kind's habit); the library never prints. */
function phaseProgress(io: CliIO, command: string, cni: string): RunProgress {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return {
    provisioning: (provider) => io.stderr.write(`netpol-e2e ${command}: ${provider === 'kind' ? `kind cluster with ${cni}` : 'existing cluster'}\n`),
    phaseStarted: (phase) => {
      if (io.stderr.isTTY) io.stderr.write(`  … ${phase}\n`);
    },
    phaseFinished: (phase, ms, detail) => io.stderr.write(`  ✓ ${phase}${detail ? `: ${detail}` : ''} (${seconds(ms)})\n`),
    phaseFailed: (phase, error, ms) => io.stderr.write(`  ✗ ${phase} (${seconds(ms)}): ${describeError(error)}\n`),
    note: (message) => io.stderr.write(`  ! ${message}\n`),
    released: (outcome) => io.stderr.write(`  ${outcome.deleted ? '✓' : '·'} ${outcome.detail}\n`),
    runDirKept: (dir) => io.stderr.write(`  · kept the run directory ${dir} (kubeconfig, kind config)\n`),
  };
}

/** The run's settings from the flags. */
function liveSettingsOf(parsed: Parsed, command: string, io: CliIO): LiveSettings {
  const issues: InputIssue[] = [];
  const policy = stringOption(parsed, 'image-pull-policy');
  if (policy !== undefined && !(PULL_POLICIES as readonly string[]).includes(policy)) {
    issues.push({ message: `netpol-e2e ${command}: --image-pull-policy must be one of ${PULL_POLICIES.join(', ')}, got '${policy}'` });
  }
  if (issues.length > 0) throw new InputError(issues);
  const options: LiveSettings = {
    signal: io.signal,
    artifactsDir: stringOption(parsed, 'artifacts') ?? join(io.cwd, 'netpol-e2e-artifacts'),
    externals: { enabled: !booleanOption(parsed, 'no-externals') },
    keep: booleanOption(parsed, 'keep-namespaces'),
  };
  const runId = stringOption(parsed, 'run-id');
  if (runId !== undefined) options.runId = runId;
  const image = stringOption(parsed, 'probe-image');
  if (image !== undefined) options.probeImage = image;
  if (policy !== undefined) options.imagePullPolicy = policy as (typeof PULL_POLICIES)[number];
  const connect = secondsOption(parsed, 'connect-timeout', command, { min: 0.1, max: 60 });
  if (connect !== undefined) options.connectTimeoutMs = connect;
  const settle = secondsOption(parsed, 'settle-timeout', command, { min: 1, max: 3600 });
  if (settle !== undefined) options.settleTimeoutMs = settle;
  const ready = secondsOption(parsed, 'ready-timeout', command, { min: 1, max: 3600 });
  if (ready !== undefined) options.readyTimeoutMs = ready;
  const concurrency = integerOption(parsed, 'concurrency', command, { min: 1, max: 256 });
  if (concurrency !== undefined) options.concurrency = concurrency;
  const parallel = integerOption(parsed, 'parallel', command, { min: 1, max: 64 });
  if (parallel !== undefined) options.parallel = parallel;
  return options;
}

