/**
 * Settings of a live run (`netpol-e2e run`, `netpol-e2e conformance --live`) and their resolution: once, before
 * anything is created, so bad settings are rejected before a cluster is touched. The cluster itself is not a
 * setting: the run's owner (src/run) provisions or is given one and hands its client to the session.
 */
import type { ExternalsOptions } from '../external/index.js';
import type { KubeClient } from '../kube/index.js';
import type { ImagePullPolicy } from '../deploy/index.js';
import type { ProbeMode } from '../probe/index.js';
import type { Reporter } from '../report/index.js';
export type { ExternalsOptions };
import { systemClock, type Clock } from '../util/index.js';
import { LIVE_DEFAULTS } from '../deploy/index.js';
import { generateRunId, validateRunId } from '../deploy/index.js';

export interface LiveSettings {
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
  /** Execs in flight at once, across all suites of the run. */
  concurrency?: number;
  /**
   * Suites (corpus: fixtures) run at the same time, never two that share a namespace name. Default: sized from
   * the cluster's allocatable CPUs (sizeParallelism); 1 runs them one after another.
   */
  parallel?: number;
  /** Rounds probed again after a step settled, to find flaky cells (default 1). */
  confirmRounds?: number;
  /** Where diagnostics of a failed run go (`<dir>/<run id>/`); none are written without it. */
  artifactsDir?: string;
  /** Aborted by the CLI on SIGINT/SIGTERM: the run stops, cleans up and ends with an INTERRUPTED run error. */
  signal?: AbortSignal;
  /** Every hook, from onBegin to onEnd with the result, is called by the run's owner (runLive, runConformanceLive). */
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

/** The settings of a session, with the client of the cluster it runs on. */
export type ResolvedLiveOptions = ResolvedLiveSettings & { kube: KubeClient };

export interface ResolvedLiveSettings {
  runId: string;
  probeImage: string;
  imagePullPolicy: ImagePullPolicy;
  connectTimeoutMs: number;
  settleTimeoutMs: number;
  readyTimeoutMs: number;
  concurrency: number;
  parallel: number | undefined;
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

/** Fills in the defaults; throws InputError (bad run id) or RangeError (a non-positive number) on bad settings. */
export function resolveLiveSettings(options: LiveSettings): ResolvedLiveSettings {
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive number, got ${v}`);
    return v;
  };
  return {
    runId: options.runId === undefined ? generateRunId() : validateRunId(options.runId),
    probeImage: options.probeImage ?? LIVE_DEFAULTS.probeImage,
    imagePullPolicy: options.imagePullPolicy ?? LIVE_DEFAULTS.imagePullPolicy,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, LIVE_DEFAULTS.connectTimeoutMs),
    settleTimeoutMs: positive('settleTimeoutMs', options.settleTimeoutMs, LIVE_DEFAULTS.settleTimeoutMs),
    readyTimeoutMs: positive('readyTimeoutMs', options.readyTimeoutMs, LIVE_DEFAULTS.readyTimeoutMs),
    concurrency: Math.floor(positive('concurrency', options.concurrency, LIVE_DEFAULTS.concurrency)),
    parallel: options.parallel === undefined ? undefined : Math.floor(positive('parallel', options.parallel, 1)),
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
