import { expect } from 'chai';
import { runLive, partialResultOf } from '../../../src/engine/live/index.js';
import { LABEL_RUN_ID } from '../../../src/kube/types.js';
import type { CellResult, RunResult } from '../../../src/engine/results.js';
import { countRun } from '../../../src/engine/results.js';
import { loadSuites } from '../../../src/suite/index.js';
import type { ConnectAssertion, Suite } from '../../../src/suite/types.js';
import { ClusterError, InterruptedError, NotEnforcingError } from '../../../src/util/errors.js';
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
    expect(failed[0]?.position).to.deep.equal(assertion.position);
    expect(failed[0]?.position.file).to.match(/suites\/rollout\.yaml$/);
    expect(failed[0]?.message).to.match(/expected allowed, observed timeout/);
    expect(failed[0]?.message).to.match(/did not all match the expectations within the settle deadline/);
  });

  it('a CNI that accepts policies but drops nothing fails with NotEnforcingError, with the partial result', async () => {
    const { clock, cluster } = setup({ enforcing: false });
    let caught: unknown;
    try {
      await runLive([rollout], { kube: cluster, clock, runId: 'unit4', externals: { enabled: false } });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(NotEnforcingError);
    expect((caught as Error).message).to.contain('the CNI does not enforce NetworkPolicy');
    expect((caught as Error).message).to.contain('connected');
    const partial = partialResultOf(caught) as RunResult;
    expect(partial.suites[0]?.errors[0]?.code).to.equal('NOT_ENFORCING');
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('an image the node cannot get ends the wait at once, naming the image and how to preload it', async () => {
    const { clock, cluster } = setup({ waitingReason: 'ErrImageNeverPull' });
    const error = await runLive([rollout], { kube: cluster, clock, runId: 'unit5', probeImage: 'example.com/missing:1', externals: { enabled: false } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as ClusterError).message).to.contain('example.com/missing:1');
    expect((error as ClusterError).message).to.contain('ErrImageNeverPull');
    expect((error as ClusterError).hint).to.contain('kind load docker-image example.com/missing:1');
    expect(clock.now()).to.be.below(10_000);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
  });

  it('refuses a namespace that exists and is not the run\'s, and touches nothing', async () => {
    const { clock, cluster } = setup({ foreignNamespaces: ['checkout'] });
    const error = await runLive([rollout], { kube: cluster, clock, runId: 'unit6', externals: { enabled: false } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as Error).message).to.match(/namespace checkout already exists in the cluster and was not created by this run/);
    expect(await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'checkout' })).not.to.equal(undefined);
  });

  it('an abort mid-run stops promptly, cleans up everything and throws InterruptedError', async () => {
    const controller = new AbortController();
    let execs = 0;
    const { clock, cluster } = setup({
      onExec: () => {
        execs += 1;
        if (execs === 12) controller.abort('SIGINT');
      },
    });
    const error = await runLive([rollout, threeTier], { kube: cluster, clock, runId: 'unit7', signal: controller.signal, externals: { enabled: false } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(InterruptedError);
    expect((error as Error).message).to.contain('SIGINT');
    expect(execs).to.be.below(20);
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
    expect(partialResultOf(error)?.errors[0]?.code).to.equal('INTERRUPTED');
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
