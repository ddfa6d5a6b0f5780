/** Options of a live run (`netpol-e2e run`, `netpol-e2e conformance --live`), and their resolution. */
import type { DockerGateway } from '../external/docker-gateway.js';
import type { KubeClient } from '../kube/types.js';
import type { ImagePullPolicy } from '../deploy/probe-pod.js';
import type { ProbeMode } from '../probe/run-probe-batches.js';
import type { Reporter } from '../report/reporter.js';
import { systemClock, type Clock } from '../util/poll.js';
import { LIVE_DEFAULTS } from '../deploy/live-defaults.js';
import { generateRunId, validateRunId } from '../deploy/run-id.js';

export interface ExternalsOptions {
  /** Start containers for the suites' external targets (default true); when false their cells are skipped. */
  enabled: boolean;
  /** Docker access; default: testcontainers against the local daemon (DOCKER_HOST). */
  docker?: DockerGateway;
  /** Containers to attach to each external network after the targets start: the nodes of a kind cluster. */
  attachContainers?: string[];
}

export interface LiveRunOptions {
  kube: KubeClient;
  /** Labels everything the run creates; generated (`r<date>-<random>`) when absent. */
  runId?: string;
  /** Image of probe pods and external targets: /agnhost, /bin/sh, curl, nslookup. */
  probeImage?: string;
  imagePullPolicy?: ImagePullPolicy;
  /** Connect timeout of each probe (a denied probe costs this long). */
  connectTimeoutMs?: number;
  /** Cap on the settle deadline of each step; the deadline itself comes from the measured enforcement time. */
  settleTimeoutMs?: number;
  /** Bound on pods becoming Ready. */
  readyTimeoutMs?: number;
  /** Execs in flight at once. */
  concurrency?: number;
  /** Rounds probed again after a step settled, to find flaky cells (default 1). */
  confirmRounds?: number;
  /** Where diagnostics of a failed run go (`<dir>/<run id>/`); none are written without it. */
  artifactsDir?: string;
  /** Aborted by the CLI on SIGINT/SIGTERM: the run stops, cleans up and throws InterruptedError. */
  signal?: AbortSignal;
  /** Progress: onBegin, onStepBegin, onCell, onSuiteEnd. The caller calls onEnd with the result. */
  reporter?: Reporter;
  /** Facts for the report (cluster kind, CNI, ...); the run adds the Kubernetes version and images. */
  environment?: Record<string, string>;
  externals?: ExternalsOptions;
  /** Log file of the enforcer, copied into the diagnostics (default: $NETPOL_E2E_ENFORCER_LOG). */
  enforcerLog?: string;
  /** Keep the run's namespaces and external targets (for debugging); `netpol-e2e cleanup` removes them later. */
  keep?: boolean;
  /** One exec per source pod per round (default), or one per probe (for comparison). */
  probeMode?: ProbeMode;
  clock?: Clock;
  /** Wall clock (epoch ms) for startedAt. */
  now?: () => number;
}

export interface ResolvedLiveOptions {
  kube: KubeClient;
  runId: string;
  probeImage: string;
  imagePullPolicy: ImagePullPolicy;
  connectTimeoutMs: number;
  settleTimeoutMs: number;
  readyTimeoutMs: number;
  concurrency: number;
  confirmRounds: number;
  artifactsDir: string | undefined;
  signal: AbortSignal | undefined;
  reporter: Reporter | undefined;
  environment: Record<string, string>;
  externals: ExternalsOptions;
  enforcerLog: string | undefined;
  keep: boolean;
  probeMode: ProbeMode;
  clock: Clock;
  now: () => number;
}

export function resolveLiveOptions(options: LiveRunOptions): ResolvedLiveOptions {
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive number, got ${v}`);
    return v;
  };
  return {
    kube: options.kube,
    runId: options.runId === undefined ? generateRunId() : validateRunId(options.runId),
    probeImage: options.probeImage ?? LIVE_DEFAULTS.probeImage,
    imagePullPolicy: options.imagePullPolicy ?? LIVE_DEFAULTS.imagePullPolicy,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, LIVE_DEFAULTS.connectTimeoutMs),
    settleTimeoutMs: positive('settleTimeoutMs', options.settleTimeoutMs, LIVE_DEFAULTS.settleTimeoutMs),
    readyTimeoutMs: positive('readyTimeoutMs', options.readyTimeoutMs, LIVE_DEFAULTS.readyTimeoutMs),
    concurrency: Math.floor(positive('concurrency', options.concurrency, LIVE_DEFAULTS.concurrency)),
    confirmRounds: Math.max(0, Math.floor(options.confirmRounds ?? LIVE_DEFAULTS.confirmRounds)),
    artifactsDir: options.artifactsDir,
    signal: options.signal,
    reporter: options.reporter,
    environment: { ...(options.environment ?? {}) },
    externals: options.externals ?? { enabled: true },
    enforcerLog: options.enforcerLog ?? process.env.NETPOL_E2E_ENFORCER_LOG,
    keep: options.keep ?? false,
    probeMode: options.probeMode ?? 'batched',
    clock: options.clock ?? systemClock(),
    now: options.now ?? Date.now,
  };
}
