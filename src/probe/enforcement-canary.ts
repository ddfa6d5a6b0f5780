/**
 * The enforcement canary: a dedicated namespace with a server and a client pod, used to prove that the CNI
 * enforces NetworkPolicy at all, and to measure how long enforcement takes. Before any suite policy:
 *   1. the client reaches the server (baseline);
 *   2. a deny-all-ingress policy on the server is applied: time until the first probe is blocked;
 *   3. the policy is deleted: time until traffic is restored.
 * A cluster that accepts the policy but keeps connecting fails with NotEnforcingError. The measured times set
 * the settle deadlines of the suites. Nothing of a suite's fixture is touched.
 */
import type { KubeClient, KubeObject } from '../kube/types.js';
import type { ImagePullPolicy } from '../deploy/probe-pod.js';
import { buildProbePod } from '../deploy/probe-pod.js';
import { hostPort } from './probe-request.js';
import type { ProbeResult } from './run-probe-batches.js';
import { ClusterError, NotEnforcingError } from '../util/errors.js';
import { formatDuration, type Clock } from '../util/poll.js';
import type { ProbeRound } from './probe-round.js';
import { runLabels } from '../deploy/run-labels.js';

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
  const namespace = canaryNamespace(options.runId);
  const target = hostPort(options.serverIp, CANARY_PORT);
  const path = `${namespace}/client -> ${namespace}/server (${target}/TCP)`;
  let probes = 0;
  /**
   * One probe, and when its outcome was observed: a timeout shows the state at the probe's start (the first
   * packet was already dropped); an answer (connected, refused) the state when it came back.
   */
  const probeOnce = async (): Promise<{ result: ProbeResult; observedMs: number }> => {
    const startedMs = options.clock.now();
    probes += 1;
    const results = await round([
      { key: 'canary', namespace, pod: 'client', kind: 'tcp', target, timeoutMs: options.probeTimeoutMs },
    ]);
    const result = results.get('canary') ?? { outcome: 'exec-error', detail: 'no result', durationMs: 0 };
    return { result, observedMs: result.outcome === 'timeout' ? startedMs : options.clock.now() };
  };
  /** Probes until `done` holds; returns when the first probe for which it did was observed, or the history. */
  const until = async (done: (r: ProbeResult) => boolean): Promise<{ at?: number; seen: ProbeResult[] }> => {
    const start = options.clock.now();
    const seen: ProbeResult[] = [];
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason;
      const { result, observedMs } = await probeOnce();
      seen.push(result);
      if (done(result)) return { at: observedMs, seen };
      const elapsed = options.clock.now() - start;
      if (elapsed >= options.timeoutMs) return { seen };
      await options.clock.sleep(Math.min(options.intervalMs, options.timeoutMs - elapsed), options.signal);
    }
  };
  const connected = (r: ProbeResult): boolean => r.outcome === 'connected';
  const blocked = (r: ProbeResult): boolean => r.outcome === 'timeout' || r.outcome === 'refused';

  const baseline = await until(connected);
  if (baseline.at === undefined) {
    throw new ClusterError(
      `enforcement canary: before any policy, ${path} never connected within ${formatDuration(options.timeoutMs)} (${summarize(baseline.seen)})`,
      { hint: 'pod-to-pod traffic does not work in this cluster: check the CNI (its pods in kube-system and their logs, in the artifacts directory)' },
    );
  }

  const policy = canaryDenyPolicy(options.runId);
  await kube.apply(policy);
  const applied = options.clock.now();
  const enforced = await until(blocked);
  if (enforced.at === undefined) {
    if (enforced.seen.every((r) => r.outcome === 'exec-error')) {
      throw new ClusterError(`enforcement canary: probes of ${path} could not run (${summarize(enforced.seen)})`, {
        hint: 'exec into pods fails: check RBAC (pods/exec) and the node (kubelet) logs',
      });
    }
    throw new NotEnforcingError(
      `the CNI does not enforce NetworkPolicy: after NetworkPolicy ${namespace}/${CANARY_POLICY} (deny all ingress to the canary server) was applied, ` +
        `${path} was not blocked within ${formatDuration(options.timeoutMs)} (${enforced.seen.length} probes: ${summarize(enforced.seen)})`,
      {
        hint:
          'use a CNI that enforces NetworkPolicy (e.g. Calico; `netpol-e2e run` without --kubeconfig creates kind with Calico). ' +
          "If yours should enforce, check that its policy agent is running (e.g. the calico-node pods in kube-system; their logs are in the artifacts directory)",
      },
    );
  }
  const enforceMs = Math.max(0, enforced.at - applied);

  await kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: CANARY_POLICY, namespace });
  const deleted = options.clock.now();
  const restored = await until(connected);
  if (restored.at === undefined) {
    throw new ClusterError(
      `enforcement canary: the CNI enforced NetworkPolicy ${namespace}/${CANARY_POLICY}, but after it was deleted ${path} stayed blocked for ${formatDuration(options.timeoutMs)} (${summarize(restored.seen)})`,
      { hint: "the CNI's policy agent does not follow policy deletions: look at its logs (in the artifacts directory)" },
    );
  }
  return { enforceMs: Math.round(enforceMs), restoreMs: Math.round(Math.max(0, restored.at - deleted)), probes };
}

function summarize(results: readonly ProbeResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const last = results[results.length - 1];
  return `${[...counts].map(([o, n]) => `${n} ${o}`).join(', ')}${last ? `; last: ${last.detail}` : ''}`;
}
