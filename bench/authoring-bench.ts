/**
 * Authoring benchmark: `generate` and `diff` on the model bench's deterministic state (500 pods in 20 namespaces,
 * 200 policies; bench/generate-state.ts generateState), each against a baseline measured in the same run.
 *
 *   node --import tsx bench/authoring-bench.ts [--seed N]
 *
 * 1. generate from the 200 policies (fixture inferred, --max-workloads 500), and on the 500-pod fixture itself
 *    (what --from-cluster does after its API reads); baseline: compileModel + evaluateMatrix of that fixture for
 *    every port (the model's own cost for the same truth tables).
 * 2. diff of a suite whose fixture is the 500 pods, after changing 20 policies (a rule removed from each):
 *    in memory (diffSuite), and end to end through git (`diffSuites` with --base HEAD~1 in a temporary
 *    repository: git ls-tree/cat-file, loading both sides, comparing); baseline: evaluate() on every cell of both
 *    sides (the per-pair way), and 2 x (compile + evaluateMatrix) (the least work a diff can do).
 *
 * Prints figures only (best of 3 runs); asserts nothing about time.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { diffSuite, diffSuites, gitBase } from '../src/diff/index.js';
import { generateSuite, renderSuite } from '../src/generate/index.js';
import { suiteForFixture } from '../src/generate/generate-suite.js';
import type { InferredFixture } from '../src/generate/infer-fixture.js';
import { compileModel, type ClusterState, type NetworkPolicy } from '../src/model/index.js';
import { loadSuite } from '../src/suite/index.js';
import type { LoadedPolicy } from '../src/suite/types.js';
import { modelStateFor, planSuite } from '../src/engine/plan.js';
import { generateState } from './generate-state.js';

function time<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

async function timeAsync<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

async function best<T>(work: () => Promise<{ ms: number; value: T }>): Promise<{ ms: number; value: T }> {
  let fastest = await work();
  for (let i = 1; i < 3; i += 1) {
    const next = await work();
    if (next.ms < fastest.ms) fastest = next;
  }
  return fastest;
}

const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);

function loaded(policy: NetworkPolicy, i: number): LoadedPolicy {
  return { policy, source: { file: `policies/p${i}.yaml`, document: 0, position: { file: `policies/p${i}.yaml`, line: 1, column: 1 } } };
}

/** The state without kube-system (a suite never declares it; the implicit cluster DNS stands for it). */
function suiteState(seed: number): ClusterState {
  const state = generateState(seed, 500, 200);
  return {
    namespaces: state.namespaces.filter((n) => n.name !== 'kube-system'),
    pods: state.pods.filter((p) => p.namespace !== 'kube-system'),
    policies: state.policies.filter((p) => p.metadata.namespace !== 'kube-system'),
  };
}

function fixtureOf(state: ClusterState): InferredFixture {
  return {
    policies: state.policies.map(loaded),
    namespaces: state.namespaces.map((n) => {
      const { ['kubernetes.io/metadata.name']: _name, ...labels } = n.labels;
      return { name: n.name, labels, why: [], outsider: false };
    }),
    workloads: state.pods.map((p) => ({ namespace: p.namespace, name: p.name, labels: { ...p.labels }, ports: p.ports, why: [], outsider: false })),
    externals: [],
    ports: [],
    egress: true,
    summary: 'bench',
    leftOut: [],
  };
}

/** Removes the last ingress (or egress) rule of every 10th policy: 20 changed policies. */
function changed(policies: readonly NetworkPolicy[]): NetworkPolicy[] {
  return policies.map((p, i) => {
    if (i % 10 !== 0) return p;
    const spec = { ...p.spec };
    if ((spec.ingress ?? []).length > 0) spec.ingress = (spec.ingress ?? []).slice(0, -1);
    else if ((spec.egress ?? []).length > 0) spec.egress = (spec.egress ?? []).slice(0, -1);
    return { ...p, spec };
  });
}

async function main(): Promise<number> {
  const seedIndex = process.argv.indexOf('--seed');
  const seed = seedIndex >= 0 ? Number(process.argv[seedIndex + 1]) : 42;
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const state = suiteState(seed);
  out(`authoring benchmark, seed ${seed}: ${state.pods.length} pods in ${state.namespaces.length} namespaces, ${state.policies.length} policies (kube-system left out: a suite never declares it)`);
  out(`node ${process.version}, ${process.platform}/${process.arch}; best of 3 runs`);
  out();

  // 1. generate
  const fromPolicies = await best(async () => time(() => {
    const suite = generateSuite(state.policies.map(loaded), { name: 'bench', maxWorkloads: 500 });
    return { suite, text: renderSuite(suite, { files: ['policies/*.yaml'], inline: [], shown: new Map() }, 'bench') };
  }));
  const inferred = fromPolicies.value.suite;
  const inferredCells = inferred.matrices.reduce((n, m) => n + m.rows.length * m.columns.length, 0);
  const fixture = fixtureOf(state);
  const fromFixture = await best(async () => time(() => suiteForFixture(fixture, { name: 'bench' })));
  const fixtureCells = fromFixture.value.matrices.reduce((n, m) => n + m.rows.length * m.columns.length, 0);
  const baseline = await best(async () =>
    time(() => {
      const model = compileModel({ ...state, namespaces: state.namespaces });
      const ports = new Map(state.pods.flatMap((p) => p.ports).map((p) => [`${p.port}/${p.protocol}`, p]));
      for (const port of ports.values()) model.evaluateMatrix({ port: port.port, protocol: port.protocol });
      return ports.size;
    }),
  );
  out('generate');
  out(`  from the 200 policies: ${inferred.fixture.workloads.length} workloads inferred, ${inferred.matrices.length} ports, ${inferredCells.toLocaleString('en-US')} cells, ${(fromPolicies.value.text.length / 1024).toFixed(0)} KiB of YAML: ${ms(fromPolicies.ms)}`);
  out(`  on the 500-pod fixture (--from-cluster after its reads): ${fromFixture.value.matrices.length} ports, ${fixtureCells.toLocaleString('en-US')} cells: ${ms(fromFixture.ms)}`);
  out(`  baseline compile + evaluateMatrix (${baseline.value} ports): ${ms(baseline.ms)}; generate on the fixture = ${(fromFixture.ms / baseline.ms).toFixed(2)}x baseline`);
  out();

  // 2. diff: suite = the 500 pods, a few assertions; base = 20 policies with one rule fewer
  const dir = await mkdtemp(path.join(tmpdir(), 'netpol-authoring-bench-'));
  try {
    const [first, second] = state.pods;
    const suiteText = `apiVersion: netpol-e2e/v1
kind: Suite
name: bench
fixture:
  namespaces:
${state.namespaces.map((n) => `    - {name: ${n.name}, labels: ${JSON.stringify(Object.fromEntries(Object.entries(n.labels).filter(([k]) => k !== 'kubernetes.io/metadata.name')))}}`).join('\n')}
  workloads:
${state.pods.map((p) => `    - {name: ${p.name}, namespace: ${p.namespace}, labels: ${JSON.stringify(p.labels)}, ports: ${JSON.stringify(p.ports)}}`).join('\n')}
policies:
  - policies/*.yaml
assertions:
  - {from: ${first?.namespace}/${first?.name}, to: ${second?.namespace}/${second?.name}, port: 80, expect: ${compileModel(state).evaluate({ source: { kind: 'pod', namespace: first?.namespace ?? '', name: first?.name ?? '' }, destination: { kind: 'pod', namespace: second?.namespace ?? '', name: second?.name ?? '' }, port: 80, protocol: 'TCP' }).allowed ? 'allow' : 'deny'}}
`;
    const env = { GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
    await execa('git', ['init', '-q'], { cwd: dir });
    await mkdir(path.join(dir, 'policies'));
    await writeFile(path.join(dir, 'bench.yaml'), suiteText);
    const writePolicies = async (policies: readonly NetworkPolicy[]): Promise<void> => {
      await Promise.all(policies.map((p, i) => writeFile(path.join(dir, 'policies', `p${String(i).padStart(3, '0')}.yaml`), stringify(p))));
    };
    await writePolicies(state.policies);
    await execa('git', ['add', '-A'], { cwd: dir });
    await execa('git', ['commit', '-qm', 'base'], { cwd: dir, env });
    await writePolicies(changed(state.policies));
    const suitePath = path.join(dir, 'bench.yaml');
    const load = await timeAsync(() => loadSuite(suitePath));
    const now = load.value;
    const baseSuite = { ...now, steps: now.steps.map((s) => ({ ...s, apply: state.policies.map(loaded) })) };
    const inMemory = await best(async () => time(() => diffSuite(now, baseSuite)));
    const changes = inMemory.value.changes;
    const endToEnd = await best(async () => timeAsync(async () => diffSuites([await loadSuite(suitePath)], await gitBase('HEAD', dir))));
    const plan = planSuite(now)[0];
    if (plan === undefined) throw new Error('no step');
    const minimal = await best(async () =>
      time(() => {
        for (const suite of [now, baseSuite]) {
          const model = compileModel(modelStateFor(suite, planSuite(suite)[0] ?? plan));
          for (const port of new Map(state.pods.flatMap((p) => p.ports).map((p) => [`${p.port}/${p.protocol}`, p])).values()) model.evaluateMatrix({ sources: state.pods.map((p) => `${p.namespace}/${p.name}`), port: port.port, protocol: port.protocol });
        }
        return 0;
      }),
    );
    const perPair = await best(async () =>
      time(() => {
        let differing = 0;
        const a = compileModel(modelStateFor(baseSuite, planSuite(baseSuite)[0] ?? plan));
        const b = compileModel(modelStateFor(now, plan));
        const ports = new Map(state.pods.flatMap((p) => p.ports).map((p) => [`${p.port}/${p.protocol}`, p]));
        for (const port of ports.values()) {
          for (const s of state.pods) {
            for (const d of state.pods) {
              if (s === d || !d.ports.some((p) => p.port === port.port && p.protocol === port.protocol)) continue;
              const traffic = { source: { kind: 'pod' as const, namespace: s.namespace, name: s.name }, destination: { kind: 'pod' as const, namespace: d.namespace, name: d.name }, port: port.port, protocol: port.protocol };
              if (a.evaluate(traffic).allowed !== b.evaluate(traffic).allowed) differing += 1;
            }
          }
        }
        return differing;
      }),
    );
    out('diff (20 of 200 policies lose a rule)');
    out(`  loading the 500-workload suite and its 200 policy files: ${ms(load.ms)}`);
    out(`  in memory (diffSuite): ${inMemory.value.compared.toLocaleString('en-US')} cells compared, ${changes.length} changed (${changes.filter((c) => c.kind === 'newly-allowed').length} newly allowed, ${changes.filter((c) => c.kind === 'newly-denied').length} newly denied): ${ms(inMemory.ms)}`);
    out(`  end to end through git (--base HEAD: ls-tree, cat-file, load both sides, compare): ${ms(endToEnd.ms)}`);
    out(`  baseline 2 x (compile + evaluateMatrix): ${ms(minimal.ms)}; diff in memory = ${(inMemory.ms / minimal.ms).toFixed(2)}x baseline`);
    out(`  per-pair evaluate() of both sides (${perPair.value} differing cells): ${ms(perPair.ms)}; diff in memory is ${(perPair.ms / inMemory.ms).toFixed(1)}x faster`);
    if (perPair.value !== changes.filter((c) => c.assertions.length === 0 || c.target.includes('/')).length) {
      out(`  DISAGREEMENT: per-pair found ${perPair.value} differing cells, diff ${changes.length}`);
      return 1;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = await main();
