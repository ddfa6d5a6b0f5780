/**
 * Live matrix benchmark: the 9 x 9 pod matrix (3 namespaces x 3 pods, self-connections included) on two ports,
 * TCP and UDP = 324 probes (--protocols TCP: 162), on a real cluster, after the state settled. Timed two ways in the same run, over the same pods and policies:
 *   batched:    one exec per source pod per round, its 18 probes run concurrently inside the pod (what `run` does)
 *   per probe:  one exec per probe (162 execs), with the same bound on execs in flight
 * Every round's outcomes are checked against the model (with the live pod IPs); a mismatch is printed and the
 * exit code is 1. Times are printed, never asserted.
 *
 *   KUBECONFIG=... npm run bench:live-matrix -- [--rounds 3] [--connect-timeout-ms 2000] [--protocols TCP,UDP]
 *     [--concurrency 16] [--probe-image IMAGE] [--pull-policy Never]
 */
import { parseArgs } from 'node:util';
import { compileModel } from '../src/model/index.js';
import type { ClusterState, NetworkPolicy } from '../src/model/types.js';
import { createKubeClient } from '../src/kube/index.js';
import { LIVE_DEFAULTS } from '../src/deploy/live-defaults.js';
import { LiveSession } from '../src/engine/live-session.js';
import { resolveLiveSettings } from '../src/engine/live-run-options.js';
import { createProbeRound, type PathProbe } from '../src/probe/probe-round.js';
import { settleProbes } from '../src/probe/settle-probes.js';
import { policyManifest } from '../src/deploy/fixture-manifests.js';
import { hostPort } from '../src/probe/probe-request.js';
import type { ProbeResult } from '../src/probe/run-probe-batches.js';
import type { ImagePullPolicy } from '../src/deploy/probe-pod.js';
import type { SuiteFixture } from '../src/suite/types.js';
import { describeError } from '../src/util/errors.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    protocols: { type: 'string', default: 'TCP,UDP' },
    'connect-timeout-ms': { type: 'string', default: String(LIVE_DEFAULTS.connectTimeoutMs) },
    concurrency: { type: 'string', default: String(LIVE_DEFAULTS.concurrency) },
    'probe-image': { type: 'string' },
    'pull-policy': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const connectTimeoutMs = Number(values['connect-timeout-ms']);
const concurrency = Number(values.concurrency);

const PORTS = [80, 81];
const PROTOCOLS = values.protocols.split(',').map((p) => p.trim().toUpperCase()) as ('TCP' | 'UDP')[];
for (const protocol of PROTOCOLS) if (protocol !== 'TCP' && protocol !== 'UDP') throw new Error(`--protocols: TCP and/or UDP, got ${protocol}`);
const position = { file: 'bench/live-matrix-bench.ts', line: 1, column: 1 };
const controller = new AbortController();
process.on('SIGINT', () => controller.abort('SIGINT'));

const kube = await createKubeClient({});
const options = resolveLiveSettings({
  connectTimeoutMs,
  concurrency,
  signal: controller.signal,
  ...(values['probe-image'] ? { probeImage: values['probe-image'] } : {}),
  ...(values['pull-policy'] ? { imagePullPolicy: values['pull-policy'] as ImagePullPolicy } : {}),
});
const session = new LiveSession({ ...options, kube });
const ns = (n: string): string => `bench-${n}-${session.runId}`;
const fixture: SuiteFixture = {
  namespaces: ['x', 'y', 'z'].map((n) => ({ name: ns(n), labels: { bench: n }, position })),
  workloads: ['x', 'y', 'z'].flatMap((n) =>
    ['a', 'b', 'c'].map((pod) => ({ namespace: ns(n), name: pod, labels: { pod }, ports: PROTOCOLS.flatMap((protocol) => PORTS.map((port) => ({ port, protocol }))), position })),
  ),
  services: [],
  externals: [],
};
/**
 * Default deny ingress in x and y, and x admits pods labelled pod=a (any namespace) on port 80: with
 * self-connections exempt (a pod reaching itself never leaves it), 88 of the 162 TCP probes are denied; the
 * allow names port 80 without a protocol (TCP only), so more UDP probes are. The model counts them.
 */
const policies: NetworkPolicy[] = [
  ...['x', 'y'].map((n): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-ingress', namespace: ns(n) },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  })),
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-a-on-80', namespace: ns('x') },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'a' } } }], ports: [{ port: 80 }] }] },
  },
];

let exitCode = 0;
try {
  await session.canary.apply();
  const deployed = await session.fixtures.deploy(fixture, 'live-matrix-bench');
  const canary = await session.measureEnforcement();
  for (const policy of policies) await kube.apply(policyManifest(policy, deployed.context));

  const state: ClusterState = {
    namespaces: fixture.namespaces.map((n) => ({ name: n.name, labels: { ...n.labels, 'kubernetes.io/metadata.name': n.name } })),
    pods: fixture.workloads.map((w) => ({ namespace: w.namespace, name: w.name, labels: w.labels, ports: w.ports, ips: deployed.podIps.get(`${w.namespace}/${w.name}`) ?? [] })),
    policies,
  };
  const model = compileModel(state);
  const probes: PathProbe[] = [];
  const expected = new Map<string, boolean>();
  for (const from of fixture.workloads) {
    for (const to of fixture.workloads) {
      for (const protocol of PROTOCOLS) for (const port of PORTS) {
        const key = `${from.namespace}/${from.name}->${to.namespace}/${to.name}:${port}/${protocol}`;
        const ip = (deployed.podIps.get(`${to.namespace}/${to.name}`) ?? [])[0] as string;
        probes.push({ key, namespace: from.namespace, pod: from.name, kind: protocol === 'TCP' ? 'tcp' : 'udp', target: hostPort(ip, port) });
        const verdict = model.evaluate({ source: { kind: 'pod', namespace: from.namespace, name: from.name }, destination: { kind: 'pod', namespace: to.namespace, name: to.name }, port, protocol });
        // the model treats a pod reaching itself like any peer; enforcers exempt it (a pod cannot block itself)
        expected.set(key, verdict.allowed || (from.namespace === to.namespace && from.name === to.name));
      }
    }
  }
  const denied = [...expected.values()].filter((v) => !v).length;
  const matches = (key: string, r: ProbeResult): boolean =>
    expected.get(key) ? r.outcome === 'connected' : r.outcome === 'timeout' || r.outcome === 'refused';
  const batched = createProbeRound(kube, { concurrency, timeoutMs: connectTimeoutMs, mode: 'batched', signal: controller.signal });
  const perProbe = createProbeRound(kube, { concurrency, timeoutMs: connectTimeoutMs, mode: 'per-probe', signal: controller.signal });
  const byKey = new Map(probes.map((p) => [p.key, p]));
  const window = session.settle.current();
  const settled = await settleProbes(probes.map((p) => p.key), (keys) => batched(keys.map((k) => byKey.get(k) as PathProbe)), matches, {
    clock: options.clock,
    signal: controller.signal,
    minSettleMs: window.minSettleMs,
    deadlineMs: Math.max(window.deadlineMs, 30_000),
    intervalMs: 250,
    confirmRounds: 0,
  });

  const timeRound = async (round: typeof batched): Promise<{ ms: number; wrong: string[]; outcomes: Record<string, number> }> => {
    const started = performance.now();
    const results = await round(probes);
    const ms = performance.now() - started;
    const outcomes: Record<string, number> = {};
    const wrong: string[] = [];
    for (const probe of probes) {
      const r = results.get(probe.key) as ProbeResult;
      outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      if (!matches(probe.key, r)) wrong.push(`${probe.key}: expected ${expected.get(probe.key) ? 'connected' : 'blocked'}, got ${r.outcome} (${r.detail})`);
    }
    return { ms, wrong, outcomes };
  };
  const batchedRuns = [];
  const perProbeRuns = [];
  for (let i = 0; i < rounds; i += 1) {
    batchedRuns.push(await timeRound(batched));
    perProbeRuns.push(await timeRound(perProbe));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const b = median(batchedRuns.map((r) => r.ms));
  const p = median(perProbeRuns.map((r) => r.ms));
  const wrong = [...batchedRuns, ...perProbeRuns].flatMap((r) => r.wrong);
  const lines = [
    `live matrix bench (run ${session.runId}, ${(await kube.version()).gitVersion}, context ${kube.contextName})`,
    `  matrix: 9 x 9 pods x ${PORTS.length} ports x ${PROTOCOLS.join('+')} = ${probes.length} probes, ${denied} expected denied; connect timeout ${connectTimeoutMs} ms; ${concurrency} execs in flight`,
    `  canary: blocked ${canary.enforceMs} ms after apply, restored ${canary.restoreMs} ms after delete; settled ${Math.round(settled.settleMs)} ms after the policies (${settled.settled ? 'all as expected' : 'NOT all as expected'})`,
    `  batched (one exec per source pod, ${fixture.workloads.length} execs): ${batchedRuns.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(', ')}; median ${(b / 1000).toFixed(2)} s`,
    `  per probe (${probes.length} execs):                 ${perProbeRuns.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(', ')}; median ${(p / 1000).toFixed(2)} s`,
    `  speed-up: ${(p / b).toFixed(2)}x`,
    `  outcomes (batched, last round): ${JSON.stringify(batchedRuns[batchedRuns.length - 1]?.outcomes)}`,
    `  outcomes (per probe, last round): ${JSON.stringify(perProbeRuns[perProbeRuns.length - 1]?.outcomes)}`,
    wrong.length === 0 ? '  every probe of every round agreed with the model' : `  ${wrong.length} probes disagreed with the model:\n    ${wrong.slice(0, 20).join('\n    ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (wrong.length > 0 || !settled.settled) exitCode = 1;
} catch (error) {
  process.stderr.write(`live matrix bench failed: ${describeError(error)}\n`);
  exitCode = 3;
} finally {
  const errors = await session.cleanupAll();
  for (const e of errors) process.stderr.write(`cleanup: ${e.message}\n`);
}
process.exitCode = exitCode;
