/**
 * Every default of a live run, in one place. Images are public ones users can pull; on machines without a
 * registry, preload them (see docs/live-runs.md) or pass --probe-image.
 */
import type { ImagePullPolicy } from './probe-pod.js';

export const LIVE_DEFAULTS = {
  /** Has /agnhost (porter, serve-hostname, connect), /bin/sh, curl and nslookup (bind-tools). */
  probeImage: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
  imagePullPolicy: 'IfNotPresent' as ImagePullPolicy,
  /** curl --connect-timeout, agnhost connect --timeout, nslookup -timeout (rounded up to seconds). */
  connectTimeoutMs: 2_000,
  /** Cap on waiting for a step's results to settle; the real deadline comes from the canary. */
  settleTimeoutMs: 60_000,
  /**
   * The settle deadline is max(settleFactor x the slowest enforcement measured so far, settleFloorMs), capped
   * as above. It is only waited out when results do not meet their expectations; the floor allows for an
   * enforcer's resync on a busy node (kube-router was seen taking over 5 s once in a full corpus run).
   */
  settleFactor: 3,
  settleFloorMs: 10_000,
  /** Rounds probed again after a step settled; a cell whose outcome changes is flaky. */
  confirmRounds: 1,
  /**
   * Execs in flight at once. A round makes one exec per source pod, so this is how many pods probe at the
   * same time; below the number of source pods, a round takes two or more connect timeouts instead of one.
   */
  concurrency: 16,
  /**
   * Suites running at once by default: perSuiteCpus suites per allocatable CPU of the Ready nodes, within
   * [minParallel, maxParallel]; parallelFallback when the nodes cannot be read (no RBAC for nodes). A suite
   * mostly waits (pods starting, connect timeouts), so more suites than CPUs keep the cluster busy.
   */
  parallelPerCpu: 2,
  minParallel: 2,
  maxParallel: 8,
  parallelFallback: 4,
  /** Pods Ready (and images pulled). */
  readyTimeoutMs: 180_000,
  /** Setting the routes to the pods in an external's container (kind; one docker exec per external). */
  routeTimeoutMs: 30_000,
  /** The positive control retries paths that do not answer yet (Service rules, endpoints) until this long. */
  positiveControlTimeoutMs: 60_000,
  /** How long the canary waits for its deny to take effect before calling the CNI non-enforcing. */
  canaryTimeoutMs: 30_000,
  /** Connect timeout of each canary probe: the resolution of the enforcement-time measurement. */
  canaryProbeTimeoutMs: 1_000,
  /** Namespaces (and with them pods, Services, policies) gone after deletion. */
  deleteTimeoutMs: 120_000,
  /** Pause between looks while polling the API or probing again. */
  pollIntervalMs: 500,
} as const;
