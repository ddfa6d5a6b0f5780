import { expect } from 'chai';
import { runLive } from '../../../src/run/index.js';
import { longestFirst, suiteResources } from '../../../src/engine/index.js';
import { LABEL_RUN_ID } from '../../../src/kube/types.js';
import type { CellResult, RunResult } from '../../../src/results/results.js';
import { countRun } from '../../../src/results/results.js';
import { loadSuites } from '../../../src/suite/index.js';
import type { ConnectAssertion, Suite } from '../../../src/suite/types.js';
import { InputError } from '../../../src/util/errors.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster, type FakeClusterOptions } from './fake-cluster.js';
import { FakeDocker } from './fake-docker.js';

describe('runLive (against an in-memory cluster)', () => {
  let rollout: Suite;
  let threeTier: Suite;
  before(async () => {
    [rollout, threeTier] = (await loadSuites(['suites/rollout.yaml', 'suites/three-tier.yaml'])) as [Suite, Suite];
  });

  function setup(options: Partial<FakeClusterOptions> = {}): { clock: FakeClock; cluster: FakeCluster } {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 1500, ...options });
    return { clock, cluster };
  }

  it('passes suites whose expectations hold, with model verdicts, timings and everything cleaned up', async () => {
    const { clock, cluster } = setup();
    const cells: CellResult[] = [];
    const steps: string[] = [];
    const result = await runLive([rollout, threeTier], {
      kube: cluster,
      clock,
      runId: 'unit1',
      externals: { enabled: false },
      reporter: { onCell: (_s, c) => cells.push(c), onStepBegin: (s, st) => steps.push(`${s}#${st.index}`), onEnd: () => undefined },
    });
    const counts = countRun(result);
    expect(counts.failed, JSON.stringify(result.suites.flatMap((s) => s.cells.filter((c) => c.status !== 'passed')), null, 1)).to.equal(0);
    expect(counts.errors).to.equal(0);
    expect(counts.passed).to.be.greaterThan(10);
    expect(result.errors).to.deep.equal([]);
    expect(result.runId).to.equal('unit1');
    expect(cells).to.have.length(counts.total);
    expect(steps).to.include.members(['rollout#0', 'rollout#1', 'rollout#2', 'rollout#3', 'rollout#4', 'three-tier#0']);
    const cell = result.suites[0]?.cells.find((c) => c.cellId === 'legacy-still-denied@1' || c.assertionId === 'legacy-still-denied');
    expect(cell?.observed?.outcome).to.equal('timeout');
    expect(cell?.model?.verdict).to.equal('deny');
    // the canary measured the fake CNI's lag, and every step reports when it settled
    expect(result.timings.find((t) => t.name.startsWith('canary: policy applied'))?.ms).to.be.within(1400, 2500);
    expect(result.suites[0]?.timings.some((t) => t.name.includes('settled after'))).to.equal(true);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('spreads probe pods over the nodes and records each pod-to-pod cell\'s source and target node', async () => {
    const { clock, cluster } = setup({ nodes: ['worker', 'worker2'] });
    const result = await runLive([threeTier], { kube: cluster, clock, runId: 'nodes1', externals: { enabled: false } });
    // the suite's probe pods (the enforcement canary's two pods are not the suite's)
    const pods = cluster.applies.filter((o) => o.kind === 'Pod' && o.metadata.annotations?.['netpol-e2e.io/suite'] === 'three-tier');
    expect(pods.length).to.be.greaterThan(2);
    for (const pod of pods) {
      expect((pod as unknown as { spec: { topologySpreadConstraints: unknown[] } }).spec.topologySpreadConstraints).to.deep.equal([
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', nodeTaintsPolicy: 'Honor', labelSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'netpol-e2e', 'netpol-e2e.io/run-id': 'nodes1' } } },
      ]);
    }
    const cells = result.suites.flatMap((s) => s.cells).filter((c) => c.observed !== undefined);
    const podToPod = cells.filter((c) => c.targetNode !== undefined);
    expect(podToPod.length).to.be.greaterThan(0);
    for (const c of cells) expect(c.sourceNode, c.cellId).to.be.oneOf(['worker', 'worker2']);
    expect(podToPod.some((c) => c.sourceNode !== c.targetNode)).to.equal(true);
    expect(podToPod.some((c) => c.sourceNode === c.targetNode)).to.equal(true);
    // a Service target has no single target node
    expect(cells.filter((c) => c.target.startsWith('service ')).every((c) => c.targetNode === undefined)).to.equal(true);
  });

  it('the settle deadline grows with the slowest settle a step showed (the canary measures an idle cluster)', async () => {
    const clock = new FakeClock();
    const options: FakeClusterOptions = { clock, enforcementDelayMs: 500 };
    const cluster = new FakeCluster(options);
    const result = await runLive([rollout], {
      kube: cluster,
      clock,
      runId: 'unit-slow',
      externals: { enabled: false },
      // after the canary, the CNI slows down (more pods and policies to program)
      reporter: { onStepBegin: () => void (options.enforcementDelayMs = 7_000), onEnd: () => undefined },
    });
    const counts = countRun(result);
    const bad = result.suites.flatMap((s) => s.cells.filter((c) => c.status !== 'passed'));
    expect(counts.failed + counts.flaky + counts.errors, JSON.stringify(bad, null, 1)).to.equal(0);
    const timings = result.suites[0]?.timings ?? [];
    const deadlines = timings.filter((t) => t.name.endsWith(': settle deadline')).map((t) => t.ms);
    const settles = timings.filter((t) => t.name.endsWith(': settled after')).map((t) => t.ms);
    expect(deadlines[0], 'canary 0.5 s: the floor').to.equal(10_000);
    expect(Math.max(...settles)).to.be.within(7_000, 10_000);
    expect(deadlines.at(-1), '3 x the slowest settle').to.equal(3 * Math.max(...settles.slice(0, -1)));
  });

  it('probes with one exec per source pod per round', async () => {
    const { clock, cluster } = setup({ enforcementDelayMs: 0 });
    await runLive([threeTier], { kube: cluster, clock, runId: 'unit2', externals: { enabled: false } });
    const suiteExecs = cluster.execs.filter((e) => !e.namespace.startsWith('netpol-e2e-canary'));
    // each exec carries several probes (5 argv entries each) from one pod
    expect(suiteExecs.some((e) => e.argv.length > 4 + 5)).to.equal(true);
    const perRound = new Set(suiteExecs.map((e) => `${e.namespace}/${e.pod}`)).size;
    expect(perRound).to.be.at.most(4);
  });

  it('a wrong expectation is a failed cell at the assertion\'s file and line', async () => {
    const { clock, cluster } = setup();
    const suite = structuredClone(rollout);
    const step = suite.steps[1];
    const assertion = step?.assertions.find((a) => a.id === 'deny-frontend') as ConnectAssertion;
    assertion.expect = 'allow';
    const result = await runLive([suite], { kube: cluster, clock, runId: 'unit3', externals: { enabled: false } });
    const failed = result.suites[0]?.cells.filter((c) => c.status === 'failed') ?? [];
    expect(failed).to.have.length(1);
    expect(failed[0]?.assertionId).to.equal('deny-frontend');
    expect(failed[0]?.position).to.deep.equal(assertion.expectPosition);
    expect(failed[0]?.position.line).to.be.greaterThan(assertion.position.line);
    expect(failed[0]?.position.file).to.match(/suites\/rollout\.yaml$/);
    expect(failed[0]?.message).to.match(/expected allowed, observed timeout/);
    expect(failed[0]?.message).to.match(/did not all match the expectations within the settle deadline/);
  });

  it('a CNI that accepts policies but drops nothing: a NOT_ENFORCING error of the suite, returned as data', async () => {
    const { clock, cluster } = setup({ enforcing: false });
    const ends: RunResult[] = [];
    const result = await runLive([rollout, threeTier], { kube: cluster, clock, runId: 'unit4', parallel: 1, externals: { enabled: false }, reporter: { onEnd: (r) => void ends.push(r) } });
    const error = result.suites[0]?.errors[0];
    expect(error?.code).to.equal('NOT_ENFORCING');
    expect(error?.message).to.contain('the CNI does not enforce NetworkPolicy');
    expect(error?.message).to.contain('connected');
    expect(error?.suite).to.equal('rollout');
    expect(result.errors.map((e) => e.code)).to.deep.equal(['NOT_RUN']);
    expect(result.errors[0]?.message).to.contain('three-tier');
    expect(ends).to.deep.equal([result]);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('suites in flight when the canary finds no enforcement all carry the error; none is passed', async () => {
    const { clock, cluster } = setup({ enforcing: false });
    const result = await runLive([rollout, threeTier], { kube: cluster, clock, runId: 'unit4b', parallel: 2, externals: { enabled: false } });
    expect(result.suites.map((s) => `${s.name}: ${s.errors.map((e) => e.code).join(',')}`)).to.deep.equal(['rollout: NOT_ENFORCING', 'three-tier: NOT_ENFORCING']);
    expect(countRun(result).passed).to.equal(0);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('an image the node cannot get ends the wait at once, naming the image and how to preload it', async () => {
    const { clock, cluster } = setup({ waitingReason: 'ErrImageNeverPull' });
    const result = await runLive([rollout], { kube: cluster, clock, runId: 'unit5', probeImage: 'example.com/missing:1', externals: { enabled: false } });
    const error = result.suites[0]?.errors[0];
    expect(error?.code).to.equal('CLUSTER');
    expect(error?.message).to.contain('example.com/missing:1');
    expect(error?.message).to.contain('ErrImageNeverPull');
    expect(error?.hint).to.contain('kind load docker-image example.com/missing:1');
    expect(clock.now()).to.be.below(10_000);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('lists every suite it was given with its fixture: line, also those a stopped run never started (reports place run errors there)', async () => {
    const { clock, cluster } = setup({ waitingReason: 'ErrImageNeverPull' });
    const result = await runLive([rollout, threeTier], { kube: cluster, clock, runId: 'unit5b', parallel: 1, externals: { enabled: false } });
    expect(result.suites.map((s) => s.name)).to.deep.equal(['rollout']);
    expect(result.suites[0]?.fixtureLine).to.be.a('number');
    expect(result.plannedSuites).to.deep.equal([
      { name: 'rollout', file: 'suites/rollout.yaml', fixtureLine: rollout.fixturePosition?.line },
      { name: 'three-tier', file: 'suites/three-tier.yaml', fixtureLine: threeTier.fixturePosition?.line },
    ]);
    expect(result.plannedSuites?.[1]?.fixtureLine).to.be.greaterThan(1);
  });

  it('refuses a namespace that exists and is not the run\'s, and touches nothing', async () => {
    const { clock, cluster } = setup({ foreignNamespaces: ['checkout'] });
    const result = await runLive([rollout], { kube: cluster, clock, runId: 'unit6', externals: { enabled: false } });
    const error = result.suites[0]?.errors[0];
    expect(error?.code).to.equal('CLUSTER');
    expect(error?.message).to.match(/namespace checkout already exists in the cluster and was not created by this run/);
    expect(await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'checkout' })).not.to.equal(undefined);
  });

  it('an abort mid-run stops promptly, cleans up everything and ends with an INTERRUPTED error (no NOT_RUN)', async () => {
    const controller = new AbortController();
    let execs = 0;
    const { clock, cluster } = setup({
      onExec: () => {
        execs += 1;
        if (execs === 12) controller.abort('SIGINT');
      },
    });
    const result = await runLive([rollout, threeTier], { kube: cluster, clock, runId: 'unit7', signal: controller.signal, externals: { enabled: false } });
    expect(result.errors.map((e) => e.code)).to.deep.equal(['INTERRUPTED']);
    expect(result.errors[0]?.message).to.contain('SIGINT');
    expect(execs).to.be.below(20);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('bad settings are thrown before anything is created or reported', async () => {
    const { clock, cluster } = setup();
    const hooks: string[] = [];
    const error = await runLive([rollout], { kube: cluster, clock, runId: 'Bad_Id', reporter: { onBegin: () => void hooks.push('begin'), onEnd: () => void hooks.push('end') } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(InputError);
    expect(hooks).to.deep.equal([]);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });
});

describe('runLive with external targets (in-memory cluster and Docker)', () => {
  it('starts the externals, proves allow and deny against them, and removes them', async () => {
    const [guardrails, defaultDeny] = await loadSuites(['suites/egress-guardrails.yaml', 'suites/default-deny.yaml']);
    const clock = new FakeClock();
    const docker = new FakeDocker();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 200, externalIps: () => [...docker.containers.values()].map((c) => c.ip) });
    const result = await runLive([guardrails as Suite, defaultDeny as Suite], { kube: cluster, clock, runId: 'ext1', externals: { enabled: true, docker } });
    const counts = countRun(result);
    expect(counts.failed + counts.errors + counts.flaky, JSON.stringify(result.suites.flatMap((s) => s.cells.filter((c) => c.status !== 'passed')))).to.equal(0);
    const internet = result.suites[0]?.cells.find((c) => c.assertionId === 'internet-http');
    expect(internet?.observed?.outcome).to.equal('connected');
    const metadata = result.suites[0]?.cells.find((c) => c.assertionId === 'metadata-denied');
    expect(metadata?.observed?.outcome).to.equal('timeout');
    expect(metadata?.model?.verdict).to.equal('deny');
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('with externals disabled, their cells are skipped with the reason and the rest still runs', async () => {
    const [guardrails] = await loadSuites(['suites/egress-guardrails.yaml']);
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock });
    const result = await runLive([guardrails as Suite], { kube: cluster, clock, runId: 'ext2', externals: { enabled: false } });
    const skipped = result.suites[0]?.cells.filter((c) => c.status === 'skipped') ?? [];
    expect(skipped.map((c) => c.assertionId).sort()).to.deep.equal(['internet-http', 'internet-https', 'metadata-denied', 'private-range-denied', 'unrestricted-namespace-reaches-metadata']);
    expect(skipped[0]?.message).to.match(/--no-externals/);
    expect(result.suites[0]?.cells.filter((c) => c.status === 'passed')).to.have.length(3);
  });
});

describe('runLive: suites at the same time (--parallel)', () => {
  let rollout: Suite;
  let threeTier: Suite;
  before(async () => {
    [rollout, threeTier] = (await loadSuites(['suites/rollout.yaml', 'suites/three-tier.yaml'])) as [Suite, Suite];
  });

  /** The suite namespace of each exec, in order, without the canary's. */
  const execOrder = (cluster: FakeCluster, suiteOf: (namespace: string) => string): string[] =>
    cluster.execs.filter((e) => !e.namespace.startsWith('netpol-e2e-canary')).map((e) => suiteOf(e.namespace));
  const threeTierNamespaces = (): Set<string> => new Set(threeTier.fixture.namespaces.map((n) => n.name));

  it('suites without a common namespace probe at the same time; progress and results stay in input order', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 300 });
    const events: string[] = [];
    const result = await runLive([rollout, threeTier], {
      kube: cluster,
      clock,
      runId: 'par1',
      parallel: 2,
      externals: { enabled: false },
      reporter: {
        onStepBegin: (s) => events.push(s),
        onCell: (s) => events.push(s),
        onSuiteEnd: (s) => events.push(`end ${s.name}`),
        onEnd: () => undefined,
      },
    });
    const counts = countRun(result);
    expect(counts.failed + counts.errors + counts.flaky).to.equal(0);
    const order = execOrder(cluster, (ns) => (threeTierNamespaces().has(ns) ? 'three-tier' : 'rollout'));
    // interleaved: three-tier probed before rollout's last exec
    expect(order.indexOf('three-tier')).to.be.below(order.lastIndexOf('rollout'));
    // progress as if one after the other: every rollout event, then every three-tier event
    const firstThreeTier = events.findIndex((e) => e.includes('three-tier'));
    expect(events.slice(0, firstThreeTier).every((e) => e.includes('rollout'))).to.equal(true);
    expect(events.slice(firstThreeTier).every((e) => e.includes('three-tier'))).to.equal(true);
    expect(events.at(-1)).to.equal('end three-tier');
    expect(result.suites.map((s) => s.name)).to.deep.equal(['rollout', 'three-tier']);
    expect(result.environment['parallel suites']).to.equal('2 (--parallel)');
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('--parallel 1 runs one suite after the other', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 300 });
    await runLive([rollout, threeTier], { kube: cluster, clock, runId: 'par2', parallel: 1, externals: { enabled: false } });
    const order = execOrder(cluster, (ns) => (threeTierNamespaces().has(ns) ? 'three-tier' : 'rollout'));
    expect(order.indexOf('three-tier')).to.be.above(order.lastIndexOf('rollout'));
  });

  it('suites that share a namespace never overlap: the later one waits for the earlier one\'s namespace to be gone', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 300 });
    const again: Suite = { ...structuredClone(rollout), name: 'rollout-again' };
    const seen: string[] = [];
    const result = await runLive([rollout, again, threeTier], {
      kube: cluster,
      clock,
      runId: 'par3',
      parallel: 4,
      externals: { enabled: false },
      reporter: { onStepBegin: (s) => seen.push(s), onEnd: () => undefined },
    });
    const counts = countRun(result);
    expect(counts.failed + counts.errors + counts.flaky).to.equal(0);
    expect(result.suites.map((s) => s.name)).to.deep.equal(['rollout', 'rollout-again', 'three-tier']);
    // had they overlapped, the second would have deleted the first one's namespace under it (and failed its cells)
    expect(new Set(seen)).to.deep.equal(new Set(['rollout', 'rollout-again', 'three-tier']));
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('a suite holds its namespaces and the /24 networks of its external targets', async () => {
    const [guardrails] = await loadSuites(['suites/egress-guardrails.yaml']);
    expect(suiteResources(rollout)).to.deep.equal(['namespace checkout']);
    const resources = suiteResources(guardrails as Suite);
    expect(resources).to.include.members(['namespace apps', 'namespace tools']);
    expect(resources.filter((r) => r.startsWith('external network '))).to.have.length((guardrails as Suite).fixture.externals.length);
    expect(resources.find((r) => r.startsWith('external network '))).to.match(/^external network \d+\.\d+\.\d+\.0\/24$/);
  });

  it('the suite with the most steps starts first; others keep their order', () => {
    const units = [threeTier, rollout, { ...threeTier, name: 'another' }].map((suite) => ({ suite }));
    expect(longestFirst(units).map((u) => u.suite.name)).to.deep.equal(['rollout', 'three-tier', 'another']);
  });

  it('every suite reports where its time went', async () => {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 300 });
    const result = await runLive([rollout], { kube: cluster, clock, runId: 'par4', externals: { enabled: false } });
    const phases = result.suites[0]?.phases;
    expect(phases).not.to.equal(undefined);
    expect(phases?.rounds).to.be.greaterThan(5);
    expect(phases?.settleMs).to.be.greaterThan(0);
    expect(result.timings.some((t) => /namespaces gone, awaited at the end/.test(t.name))).to.equal(true);
  });
});
