/**
 * Live suites benchmark: the example suites (suites/) and the held-out corpus (test/fixtures/netpol-corpus), each
 * run one suite after another (--parallel 1, today's behaviour) and with suites at the same time (the default,
 * sized from the cluster, or --parallel N), in the same process against the same cluster, alternating, so the
 * ratio compares like with like on a shared machine. For every run it prints the wall time, the verdicts
 * (which must be the same in both modes: a mismatch, or any cell that did not pass, makes the exit code 1), the
 * worst point of concurrency (execs and API calls in flight, the run's pods alive, the harness' memory) and
 * each suite's time split. Times are printed, never asserted.
 *
 * --baseline <dir>: also time, in the same alternation, the CLI of another checkout (e.g. `git archive <commit>`
 * unpacked, with node_modules) on the same suites and corpus: "today" before a change, by exit code and time.
 *
 *   KUBECONFIG=... npm run bench:live -- [--only examples,corpus] [--repeat 1] [--parallel N]
 *     [--baseline DIR] [--time-split] [--probe-image IMAGE] [--pull-policy Never]
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../src/conformance/index.js';
import { runConformanceLive, runLive, type LiveRunOptions } from '../src/run/index.js';
import { countRun, type RunResult } from '../src/results/index.js';
import { createKubeClient } from '../src/kube/index.js';
import { LABEL_RUN_ID, type KubeClient, type KubeObject, type ListOptions, type WatchEventType, type WatchHandle } from '../src/kube/index.js';
import type { ImagePullPolicy } from '../src/deploy/index.js';
import { formatTimeSplit } from '../src/report/format-time-split.js';
import { loadSuites } from '../src/suite/index.js';
import { describeError } from '../src/util/errors.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'examples,corpus' },
    repeat: { type: 'string', default: '1' },
    parallel: { type: 'string' },
    'probe-image': { type: 'string', default: process.env.NETPOL_E2E_PROBE_IMAGE ?? 'localhost/netpol-e2e/probe:k8s-v1.32.13' },
    'pull-policy': { type: 'string', default: process.env.NETPOL_E2E_PULL_POLICY ?? 'IfNotPresent' },
    'time-split': { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const only = new Set(values.only.split(','));
const repeat = Number(values.repeat);
const parallel = values.parallel === undefined ? undefined : Number(values.parallel);

/** Counts what a run asks of the API: execs and other calls in flight (and their peaks). */
class CountingKube implements KubeClient {
  execsInFlight = 0;
  peakExecs = 0;
  execs = 0;
  callsInFlight = 0;
  peakCalls = 0;
  calls = 0;
  constructor(private readonly inner: KubeClient) {
    const watch = inner.watch?.bind(inner);
    if (watch) {
      this.watch = <T extends KubeObject>(apiVersion: string, kind: string, options: ListOptions, onEvent: (type: WatchEventType, object: T) => void, onClose: (error?: unknown) => void): Promise<WatchHandle> =>
        this.count(() => watch<T>(apiVersion, kind, options, onEvent, onClose));
    }
  }
  get contextName(): string {
    return this.inner.contextName;
  }
  get server(): string {
    return this.inner.server;
  }
  private async count<T>(run: () => Promise<T>): Promise<T> {
    this.calls += 1;
    this.callsInFlight += 1;
    this.peakCalls = Math.max(this.peakCalls, this.callsInFlight);
    try {
      return await run();
    } finally {
      this.callsInFlight -= 1;
    }
  }
  version: KubeClient['version'] = () => this.count(() => this.inner.version());
  apply: KubeClient['apply'] = (object) => this.count(() => this.inner.apply(object));
  get: KubeClient['get'] = (ref) => this.count(() => this.inner.get(ref));
  list: KubeClient['list'] = (apiVersion, kind, options) => this.count(() => this.inner.list(apiVersion, kind, options));
  delete: KubeClient['delete'] = (ref) => this.count(() => this.inner.delete(ref));
  logs: KubeClient['logs'] = (namespace, pod, options) => this.count(() => this.inner.logs(namespace, pod, options));
  checkAccess: KubeClient['checkAccess'] = (checks) => this.count(() => this.inner.checkAccess(checks));
  watch?: KubeClient['watch'];
  exec: KubeClient['exec'] = async (namespace, pod, argv, options) => {
    this.execs += 1;
    this.execsInFlight += 1;
    this.peakExecs = Math.max(this.peakExecs, this.execsInFlight);
    try {
      return await this.count(() => this.inner.exec(namespace, pod, argv, options));
    } finally {
      this.execsInFlight -= 1;
    }
  };
}

interface Measured {
  mode: string;
  ms: number;
  result: RunResult;
  peakExecs: number;
  execs: number;
  peakCalls: number;
  calls: number;
  peakPods: number;
  peakRssMb: number;
}

const raw = await createKubeClient({});
const controller = new AbortController();
process.on('SIGINT', () => controller.abort('SIGINT'));

/** Runs one live run with the counters and samplers around it. */
async function measure(mode: string, run: (options: LiveRunOptions) => Promise<RunResult>, modeParallel: number | undefined): Promise<Measured> {
  const kube = new CountingKube(raw);
  const runId = `b${Date.now().toString(36)}`;
  let peakPods = 0;
  let peakRss = process.memoryUsage().rss;
  let sampling = true;
  const pods = (async () => {
    while (sampling) {
      try {
        const live = await raw.list<KubeObject>('v1', 'Pod', { labelSelector: `${LABEL_RUN_ID}=${runId}` });
        peakPods = Math.max(peakPods, live.length);
      } catch {
        // a failed sample only makes the peak less exact
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  const rss = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  const started = performance.now();
  try {
    const result = await run({
      kube,
      runId,
      probeImage: values['probe-image'],
      imagePullPolicy: values['pull-policy'] as ImagePullPolicy,
      signal: controller.signal,
      externals: { enabled: true },
      ...(modeParallel !== undefined ? { parallel: modeParallel } : {}),
    });
    return {
      mode,
      ms: performance.now() - started,
      result,
      peakExecs: kube.peakExecs,
      execs: kube.execs,
      peakCalls: kube.peakCalls,
      calls: kube.calls,
      peakPods,
      peakRssMb: Math.round(peakRss / 2 ** 20),
    };
  } finally {
    sampling = false;
    clearInterval(rss);
    await pods;
  }
}

/** Times the other checkout's CLI on the same input: exit code and wall time only. */
async function measureBaseline(dir: string, args: string[]): Promise<{ ms: number; code: number | null; tail: string }> {
  const kubeconfig = process.env.KUBECONFIG ?? '/var/lib/netpol-e2e/cluster/kubeconfig/admin.kubeconfig';
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(dir, 'src/cli/main.ts'), ...args, '--kubeconfig', kubeconfig, '--probe-image', values['probe-image'], '--image-pull-policy', values['pull-policy'], '--run-id', `a${Date.now().toString(36)}`], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-2000)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-2000)));
    child.on('error', fail);
    child.on('close', (code) => done({ ms: performance.now() - started, code, tail: output.trim().split('\n').slice(-3).join(' | ') }));
  });
}

/** suite › cell → status, for comparing the verdicts of two runs. */
function verdicts(result: RunResult): Map<string, string> {
  return new Map(result.suites.flatMap((s) => s.cells.map((c) => [`${s.name} › ${c.cellId}`, c.status] as const)));
}

function describe(m: Measured): string {
  const counts = countRun(m.result);
  return (
    `${m.mode.padEnd(26)} ${(m.ms / 1000).toFixed(1).padStart(6)} s  ` +
    `${counts.passed} passed, ${counts.failed} failed, ${counts.errors} errors, ${counts.flaky} flaky, ${counts.skipped} skipped; ` +
    `peak: ${m.peakExecs} execs / ${m.peakCalls} API calls in flight, ${m.peakPods} pods, harness RSS ${m.peakRssMb} MiB; ${m.execs} execs, ${m.calls} calls in all` +
    `${m.result.environment['parallel suites'] ? `; parallel ${m.result.environment['parallel suites']}` : ''}`
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

let exitCode = 0;
const lines: string[] = [`live suites bench (${(await raw.version()).gitVersion}, context ${raw.contextName}, ${repeat} × each mode, alternating)`];
const workloads: { name: string; run: (options: LiveRunOptions) => Promise<RunResult>; cli: (dir: string) => string[] }[] = [];
if (only.has('examples')) {
  const suites = await loadSuites(['suites']);
  workloads.push({ name: `examples (${suites.length} suites)`, run: (options) => runLive(suites, options), cli: (dir) => ['run', join(dir, 'suites')] });
}
if (only.has('corpus')) {
  const corpus = await loadCorpus('test/fixtures/netpol-corpus');
  workloads.push({
    name: `corpus (${corpus.cases.length} cases)`,
    run: (options) => runConformanceLive(corpus, options),
    cli: (dir) => ['conformance', join(dir, 'test/fixtures/netpol-corpus'), '--live'],
  });
}
const baselineDir = values.baseline === undefined ? undefined : resolve(values.baseline);
try {
  for (const workload of workloads) {
    const runs: Measured[] = [];
    const baselines: { ms: number; code: number | null; tail: string }[] = [];
    for (let i = 0; i < repeat; i += 1) {
      // alternate which mode goes first, so a trend in the machine's load favours neither
      const order = i % 2 === 0 ? ['baseline', 'sequential', 'concurrent'] : ['concurrent', 'sequential', 'baseline'];
      for (const mode of order) {
        if (mode === 'baseline') {
          if (baselineDir === undefined) continue;
          const b = await measureBaseline(baselineDir, workload.cli(baselineDir));
          baselines.push(b);
          process.stderr.write(`  ${workload.name}: baseline ${(b.ms / 1000).toFixed(1)} s, exit ${b.code}\n`);
          continue;
        }
        const m = await measure(mode === 'sequential' ? 'sequential (--parallel 1)' : `concurrent (${parallel === undefined ? 'default' : `--parallel ${parallel}`})`, workload.run, mode === 'sequential' ? 1 : parallel);
        runs.push(m);
        process.stderr.write(`  ${workload.name}: ${describe(m)}\n`);
      }
    }
    const seq = runs.filter((r) => r.mode.startsWith('sequential'));
    const conc = runs.filter((r) => r.mode.startsWith('concurrent'));
    const s = median(seq.map((r) => r.ms));
    const c = median(conc.map((r) => r.ms));
    lines.push(`  ${workload.name}`);
    for (const r of runs) lines.push(`    ${describe(r)}`);
    lines.push(`    median sequential ${(s / 1000).toFixed(1)} s, concurrent ${(c / 1000).toFixed(1)} s: speed-up ${(s / c).toFixed(2)}x`);
    if (baselines.length > 0) {
      const b = median(baselines.map((x) => x.ms));
      lines.push(`    baseline (${baselineDir}): ${baselines.map((x) => `${(x.ms / 1000).toFixed(1)} s exit ${x.code}`).join(', ')}; median ${(b / 1000).toFixed(1)} s: concurrent is ${(b / c).toFixed(2)}x, sequential ${(b / s).toFixed(2)}x faster`);
      for (const x of baselines) if (x.code !== 0) lines.push(`      baseline exit ${x.code}: ${x.tail}`);
    }
    const reference = verdicts(seq[0]?.result as RunResult);
    for (const r of runs) {
      const differ = [...verdicts(r.result)].filter(([cell, status]) => reference.get(cell) !== status);
      const bad = countRun(r.result);
      if (differ.length > 0) {
        exitCode = 1;
        lines.push(`    ${r.mode}: ${differ.length} verdicts differ from the first sequential run: ${differ.slice(0, 5).map(([k, v]) => `${k}: ${v} vs ${reference.get(k) ?? 'absent'}`).join('; ')}`);
      }
      if (bad.failed + bad.errors + bad.flaky > 0 || r.result.errors.length > 0) {
        exitCode = 1;
        lines.push(`    ${r.mode}: not every cell passed (${bad.failed} failed, ${bad.errors} errors, ${bad.flaky} flaky, ${r.result.errors.length} run errors)`);
      }
    }
    if (values['time-split']) {
      for (const r of runs) lines.push(`    time split, ${r.mode}:`, ...formatTimeSplit(r.result).map((l) => `      ${l}`));
    }
  }
} catch (error) {
  process.stderr.write(`live suites bench failed: ${describeError(error)}\n`);
  exitCode = 3;
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = exitCode;
