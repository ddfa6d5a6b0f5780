/**
 * The enforcement canary: a dedicated namespace with a server and a client pod, used to prove that the CNI
 * enforces NetworkPolicy at all, and to measure how long enforcement takes. Before any suite policy:
 *   1. the client reaches the server (baseline);
 *   2. a deny-all-ingress policy on the server is applied: time until the first probe is blocked;
 *   3. the policy is deleted: time until traffic is restored.
 * A cluster that accepts the policy but keeps connecting fails with NotEnforcingError. The measured times set
 * the settle deadlines of the suites. Nothing of a suite's fixture is touched.
 */
import type { KubeClient, KubeObject } from '../kube/index.js';
import type { ImagePullPolicy } from '../deploy/index.js';
import { buildProbePod } from '../deploy/index.js';
import { hostPort } from './probe-request.js';
import type { ProbeResult } from './run-probe-batches.js';
import { ClusterError, NotEnforcingError } from '../util/index.js';
import { formatDuration, type Clock } from '../util/index.js';
import type { ProbeRound } from './probe-round.js';
import { runLabels } from '../deploy/index.js';

export const CANARY_ROLE_LABEL = 'netpol-e2e.io/canary-role';
export const CANARY_PORT = 8080;
export const CANARY_POLICY = 'netpol-e2e-canary-deny';

export function canaryNamespace(runId: string): string {
  return `netpol-e2e-canary-${runId}`;
}

export interface CanaryManifestOptions {
  runId: string;
  image: string;
  imagePullPolicy: ImagePullPolicy;
}

/** The namespace, the server pod and the client pod, in apply order. */
export function canaryManifests(options: CanaryManifestOptions): KubeObject[] {
  const namespace = canaryNamespace(options.runId);
  const labels = runLabels(options.runId);
  const pod = (name: 'server' | 'client', ports: { port: number; protocol: 'TCP' }[]): KubeObject =>
    buildProbePod({
      namespace,
      name,
      labels: { ...labels, [CANARY_ROLE_LABEL]: name },
      ports,
      image: options.image,
      imagePullPolicy: options.imagePullPolicy,
    });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...labels } } },
    pod('server', [{ port: CANARY_PORT, protocol: 'TCP' }]),
    pod('client', []),
  ];
}

export function canaryDenyPolicy(runId: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: CANARY_POLICY, namespace: canaryNamespace(runId), labels: runLabels(runId) },
    spec: { podSelector: { matchLabels: { [CANARY_ROLE_LABEL]: 'server' } }, policyTypes: ['Ingress'] },
  };
}

export interface CanaryMeasurement {
  /** Policy applied → first probe that was blocked. */
  enforceMs: number;
  /** Policy deleted → first probe that connected again. */
  restoreMs: number;
  probes: number;
}

export interface CanaryOptions {
  runId: string;
  serverIp: string;
  clock: Clock;
  signal?: AbortSignal;
  /** How long each phase may take. */
  timeoutMs: number;
  /** Connect timeout of each probe. */
  probeTimeoutMs: number;
  intervalMs: number;
}

export async function runEnforcementCanary(kube: KubeClient, round: ProbeRound, options: CanaryOptions): Promise<CanaryMeasurement> {
  const prober = new CanaryProber(round, options);
  await expectBaseline(prober, options);
  const namespace = canaryNamespace(options.runId);
  await kube.apply(canaryDenyPolicy(options.runId));
  const enforceMs = await expectEnforcement(prober, options, options.clock.now());
  await kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: CANARY_POLICY, namespace });
  const restoreMs = await expectRestore(prober, options, options.clock.now());
  return { enforceMs: Math.round(enforceMs), restoreMs: Math.round(restoreMs), probes: prober.probes };
}

const connected = (r: ProbeResult): boolean => r.outcome === 'connected';
const blocked = (r: ProbeResult): boolean => r.outcome === 'timeout' || r.outcome === 'refused';

/** Before any policy the canary client must reach its server: otherwise nothing about policies can be learnt. */
async function expectBaseline(prober: CanaryProber, options: CanaryOptions): Promise<void> {
  const baseline = await prober.until(connected);
  if (baseline.at !== undefined) return;
  throw new ClusterError(
    `enforcement canary: before any policy, ${prober.path} never connected within ${formatDuration(options.timeoutMs)} (${summarize(baseline.seen)})`,
    { hint: 'pod-to-pod traffic does not work in this cluster: check the CNI (its pods in kube-system and their logs, in the artifacts directory)' },
  );
}

/** After the deny policy was applied at `appliedMs`, the path must be blocked; returns how long that took. */
async function expectEnforcement(prober: CanaryProber, options: CanaryOptions, appliedMs: number): Promise<number> {
  const enforced = await prober.until(blocked);
  if (enforced.at !== undefined) return Math.max(0, enforced.at - appliedMs);
  if (enforced.seen.every((r) => r.outcome === 'exec-error')) {
    throw new ClusterError(`enforcement canary: probes of ${prober.path} could not run (${summarize(enforced.seen)})`, {
      hint: 'exec into pods fails: check RBAC (pods/exec) and the node (kubelet) logs',
    });
  }
  throw new NotEnforcingError(
    `the CNI does not enforce NetworkPolicy: after NetworkPolicy ${canaryNamespace(options.runId)}/${CANARY_POLICY} (deny all ingress to the canary server) was applied, ` +
      `${prober.path} was not blocked within ${formatDuration(options.timeoutMs)} (${enforced.seen.length} probes: ${summarize(enforced.seen)})`,
    {
      hint:
        'use a CNI that enforces NetworkPolicy (e.g. Calico; `netpol-e2e run` without --kubeconfig creates kind with Calico). ' +
        "If yours should enforce, check that its policy agent is running (e.g. the calico-node pods in kube-system; their logs are in the artifacts directory)",
    },
  );
}

/** After the deny policy was deleted at `deletedMs`, the path must connect again; returns how long that took. */
async function expectRestore(prober: CanaryProber, options: CanaryOptions, deletedMs: number): Promise<number> {
  const restored = await prober.until(connected);
  if (restored.at !== undefined) return Math.max(0, restored.at - deletedMs);
  throw new ClusterError(
    `enforcement canary: the CNI enforced NetworkPolicy ${canaryNamespace(options.runId)}/${CANARY_POLICY}, but after it was deleted ${prober.path} stayed blocked for ${formatDuration(options.timeoutMs)} (${summarize(restored.seen)})`,
    { hint: "the CNI's policy agent does not follow policy deletions: look at its logs (in the artifacts directory)" },
  );
}

/** Probes the canary's one path (client -> server) and counts the probes. */
class CanaryProber {
  probes = 0;
  readonly path: string;
  private readonly namespace: string;
  private readonly target: string;

  constructor(
    private readonly round: ProbeRound,
    private readonly options: CanaryOptions,
  ) {
    this.namespace = canaryNamespace(options.runId);
    this.target = hostPort(options.serverIp, CANARY_PORT);
    this.path = `${this.namespace}/client -> ${this.namespace}/server (${this.target}/TCP)`;
  }

  /**
   * One probe, and when its outcome was observed: a timeout shows the state at the probe's start (the first
   * packet was already dropped); an answer (connected, refused) the state when it came back.
   */
  async probeOnce(): Promise<{ result: ProbeResult; observedMs: number }> {
    const { clock, probeTimeoutMs } = this.options;
    const startedMs = clock.now();
    this.probes += 1;
    const path = { namespace: this.namespace, pod: 'client', kind: 'tcp' as const, target: this.target, timeoutMs: probeTimeoutMs };
    const results = await this.round([{ key: 'canary', ...path }]);
    const result = results.get('canary') ?? { outcome: 'exec-error', detail: 'no result', durationMs: 0 };
    return { result, observedMs: result.outcome === 'timeout' ? startedMs : clock.now() };
  }

  /** Probes until `done` holds; returns when the first probe for which it did was observed, or the history. */
  async until(done: (r: ProbeResult) => boolean): Promise<{ at?: number; seen: ProbeResult[] }> {
    const { clock, signal, timeoutMs, intervalMs } = this.options;
    const start = clock.now();
    const seen: ProbeResult[] = [];
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { result, observedMs } = await this.probeOnce();
      seen.push(result);
      if (done(result)) return { at: observedMs, seen };
      const elapsed = clock.now() - start;
      if (elapsed >= timeoutMs) return { seen };
      await clock.sleep(Math.min(intervalMs, timeoutMs - elapsed), signal);
    }
  }
}

function summarize(results: readonly ProbeResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const last = results[results.length - 1];
  return `${[...counts].map(([o, n]) => `${n} ${o}`).join(', ')}${last ? `; last: ${last.detail}` : ''}`;
}
