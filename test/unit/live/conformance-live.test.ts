import { expect } from 'chai';
import { loadCorpus } from '../../../src/conformance/index.js';
import type { Corpus, MatrixCase } from '../../../src/conformance/index.js';
import { corpusCaseSuite, liveNamespace } from '../../../src/conformance/corpus-suite.js';
import { runConformanceLive } from '../../../src/run/index.js';
import { countRun } from '../../../src/results/results.js';
import { LABEL_RUN_ID } from '../../../src/kube/types.js';
import type { ConnectAssertion, MatrixAssertion } from '../../../src/suite/types.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';

describe('live conformance', () => {
  let corpus: Corpus;
  before(async () => {
    corpus = await loadCorpus('test/fixtures/netpol-corpus');
  });

  const matrixCase = (name: string): MatrixCase => corpus.cases.find((c) => c.name === name) as MatrixCase;
  const naming = { runId: 'r1' };

  describe('a corpus case as a live suite', () => {
    const ips = (overrides: Record<string, string> = {}): Map<string, string[]> => {
      const map = new Map<string, string[]>();
      let n = 20;
      for (const ns of ['x', 'y', 'z']) for (const pod of ['a', 'b', 'c']) map.set(`${ns}-r1/${pod}`, [overrides[`${ns}/${pod}`] ?? `10.244.0.${n++}`]);
      return map;
    };

    it('renames namespaces, the policies\' namespaces and kubernetes.io/metadata.name selectors consistently', () => {
      const testCase = matrixCase('e2e-allow-from-pod-in-other-ns');
      const suite = corpusCaseSuite(testCase, corpus.model, naming, ips());
      expect(suite.fixture.namespaces.map((n) => n.name)).to.deep.equal(['x-r1', 'y-r1', 'z-r1']);
      expect(suite.fixture.namespaces.every((n) => n.labels['kubernetes.io/metadata.name'] === undefined)).to.equal(true);
      const policy = suite.steps[0]?.apply[0]?.policy;
      expect(policy?.metadata.namespace).to.equal('x-r1');
      const text = JSON.stringify(policy);
      expect(text).not.to.match(/"kubernetes.io\/metadata.name":"[xyz]"/);
      const matrix = suite.steps[0]?.assertions[0] as MatrixAssertion;
      expect(matrix.rows[0]).to.deep.equal({ namespace: 'x-r1', name: 'a' });
      expect(matrix.expected[0]?.[0]).to.equal('skip');
      expect(liveNamespace('y', naming)).to.equal('y-r1');
    });

    it('serves the case\'s ports by name on every pod, with a Service per pod', () => {
      const testCase = matrixCase('e2e-ingress-named-port');
      const suite = corpusCaseSuite(testCase, corpus.model, naming, ips());
      expect(suite.fixture.workloads[0]?.ports).to.deep.equal([
        { port: 80, protocol: 'TCP', name: 'serve-80-tcp' },
        { port: 81, protocol: 'TCP', name: 'serve-81-tcp' },
      ]);
      expect(suite.fixture.services.map((s) => s.name)).to.include('s-y-b');
    });

    it('rebuilds ipBlock CIDRs from live pod IPs (a pod\'s /32; the /4 network holding the pods)', () => {
      const live = ips({ 'x/b': '10.244.7.7' });
      const overlap = corpusCaseSuite(matrixCase('e2e-ipblock-cidr-and-except-overlap'), corpus.model, naming, live);
      const step1 = overlap.steps[0]?.apply[0]?.policy.spec.egress?.[0]?.to?.[0]?.ipBlock;
      expect(step1).to.deep.equal({ cidr: '0.0.0.0/4', except: ['10.244.7.7/32'] });
      const step2 = overlap.steps[1]?.apply[0]?.policy.spec.egress?.[0]?.to?.[0]?.ipBlock;
      expect(step2).to.deep.equal({ cidr: '10.244.7.7/32' });
      const toCidr = corpusCaseSuite(matrixCase('e2e-egress-to-cidr'), corpus.model, naming, ips({ 'y/b': '192.168.3.4' }));
      expect(toCidr.steps[0]?.apply[0]?.policy.spec.egress?.[0]?.to?.[0]?.ipBlock?.cidr).to.equal('192.168.3.4/32');
    });

    it('refuses to reproduce a case whose pods do not share the block upstream assumed', () => {
      expect(() => corpusCaseSuite(matrixCase('e2e-ipblock-cidr-and-except-overlap'), corpus.model, naming, ips({ 'z/c': '200.1.1.1' }))).to.throw(
        /fall outside 0.0.0.0\/4/,
      );
    });

    it('deletes, between steps, the policies a step no longer lists', () => {
      const suite = corpusCaseSuite(matrixCase('e2e-updated-policy'), corpus.model, naming, ips());
      expect(suite.steps[1]?.delete).to.deep.equal([]);
      expect(suite.steps[1]?.apply).to.have.length(1);
      expect((suite.steps[0]?.assertions[0] as ConnectAssertion | MatrixAssertion).kind).to.equal('matrix');
    });
  });

  it('runs the corpus against an enforcing cluster: every matrix case passes, SCTP is skipped where it does not work', async function () {
    this.timeout(60_000);
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 300, brokenProtocol: 'SCTP' });
    const result = await runConformanceLive(corpus, { kube: cluster, clock, runId: 'conf1', parallel: 4 });
    const cells = result.suites.flatMap((s) => s.cells);
    const notPassed = cells.filter((c) => c.status !== 'passed' && c.status !== 'skipped');
    expect(notPassed.map((c) => `${c.name}: ${c.message}`)).to.deep.equal([]);
    const sctp = result.suites.find((s) => s.name === 'e2e-sctp-ports');
    expect(sctp?.cells.every((c) => c.status === 'skipped')).to.equal(true);
    expect(sctp?.cells[0]?.message).to.match(/SCTP does not work on this cluster/);
    expect(sctp?.cells[0]?.message).to.match(/x\/a -> /);
    expect(sctp?.cells[0]?.message).not.to.contain('conf1');
    const udp = result.suites.find((s) => s.name === 'e2e-udp-default-deny-ingress');
    expect(udp?.cells.every((c) => c.status === 'passed')).to.equal(true);
    const traffic = result.suites.find((s) => s.name.startsWith('cyclonus-'));
    expect(traffic?.cells.every((c) => c.status === 'skipped')).to.equal(true);
    const table = result.suites.find((s) => s.name === 'e2e-default-deny-ingress');
    expect(table?.matrices[0]?.rows[0]).to.equal('x/a');
    expect(table?.cells[0]?.expected).to.equal('table');
    expect(countRun(result).passed).to.be.greaterThan(30);
    expect(result.command).to.equal('conformance');
    expect(cluster.namespacesWithLabel(LABEL_RUN_ID)).to.deep.equal([]);
    // cases sharing served ports share a fixture (a few copies of it, to run at the same time): far fewer pods
    // than cases x 9
    const podsCreated = new Set(cluster.execs.map((e) => `${e.namespace}/${e.pod}`)).size;
    const matrixCases = corpus.cases.filter((c) => c.kind === 'matrix').length;
    expect(podsCreated).to.be.below((matrixCases * 9) / 3);
    // and results come in corpus order, whatever order the copies finished in
    expect(result.suites.map((s) => s.name)).to.deep.equal(corpus.cases.map((c) => c.name));
  });

  it('a case the CNI gets wrong is a failed table with the cells and the evidence', async function () {
    this.timeout(30_000);
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 0 });
    // an "enforcer" that ignores egress: deny the egress of x/a everywhere and see the table fail
    type Source = { kind: string; namespace?: string; name?: string };
    const answer = (cluster as unknown as { answer: (s: Source, k: string, t: string) => unknown }).answer.bind(cluster);
    (cluster as unknown as { answer: (s: Source, k: string, t: string) => unknown }).answer = (source, kind, target) => {
      if (source.namespace === 'x-conf2' && source.name === 'a') return { exitCode: 0, stdout: '200', stderr: '' };
      return answer(source, kind, target);
    };
    const result = await runConformanceLive(corpus, { kube: cluster, clock, runId: 'conf2', cases: ['e2e-egress-to-cidr'] });
    const cell = result.suites[0]?.cells[0];
    expect(cell?.status).to.equal('failed');
    expect(cell?.message).to.match(/x\/a -> x\/b: failed: expected denied, observed connected/);
    expect(cell?.message).not.to.contain('conf2');
    expect(result.suites[0]?.matrices[0]?.observed[0]?.[1]).to.equal('allow');
  });
});
