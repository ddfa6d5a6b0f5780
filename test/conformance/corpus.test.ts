/**
 * The model against the whole copied corpus (each case one test, with the compiled model and the naive
 * reference), plus the shape of the loaded data that a live run relies on.
 */
import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { loadCorpus, runConformance, type Corpus, type MatrixCase } from '../../src/conformance/index.js';
import { countRun, type CellResult } from '../../src/results/results.js';
import { createNaiveModel } from '../../src/model/index.js';

const CORPUS_DIR = 'test/fixtures/netpol-corpus';

function describeFailures(cells: readonly CellResult[]): string {
  return cells
    .filter((c) => c.status !== 'passed')
    .map((c) => `${c.name}\n${c.message ?? ''}`)
    .join('\n');
}

describe('conformance corpus (test/fixtures/netpol-corpus)', function () {
  let corpus: Corpus;

  before(async () => {
    corpus = await loadCorpus(CORPUS_DIR);
  });

  it('loads all 36 cases: 33 matrix cases and 3 traffic-check cases', () => {
    expect(corpus.cases).to.have.length(36);
    expect(corpus.cases.filter((c) => c.kind === 'matrix')).to.have.length(33);
    expect(corpus.cases.filter((c) => c.kind === 'traffic-checks')).to.have.length(3);
    expect(corpus.model.matrixOrder).to.deep.equal(['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c']);
  });

  describe('every case passes with the compiled model', () => {
    // Mocha defines tests before hooks run, so the cases come from the directory listing.
    for (const name of listCaseNames()) {
      it(name, () => {
        const run = runConformance(corpus, { cases: [name] });
        const cells = run.suites.flatMap((s) => s.cells);
        expect(cells.length, 'testcases').to.be.greaterThan(0);
        expect(countRun(run).failed, describeFailures(cells)).to.equal(0);
        expect(countRun(run).passed).to.equal(cells.length);
      });
    }
  });

  it('passes with the naive reference evaluator too', () => {
    const run = runConformance(corpus, { createModel: createNaiveModel });
    const cells = run.suites.flatMap((s) => s.cells);
    expect(countRun(run).failed, describeFailures(cells)).to.equal(0);
  });

  it('reports one testcase per step and probe (matrix) or check (traffic checks), 51 in all', () => {
    const run = runConformance(corpus, { startedAt: new Date('2025-01-01T00:00:00Z') });
    expect(run.command).to.equal('conformance');
    expect(run.startedAt).to.equal('2025-01-01T00:00:00.000Z');
    expect(run.suites).to.have.length(36);
    const probes = corpus.cases.reduce((n, c) => n + (c.kind === 'matrix' ? c.steps.reduce((m, s) => m + s.probes.length, 0) : c.checks.length), 0);
    expect(countRun(run)).to.include({ total: probes, passed: probes });
    expect(probes).to.equal(51);
    const allowAll = run.suites.find((s) => s.name === 'e2e-allow-all');
    expect(allowAll?.file).to.equal(`${CORPUS_DIR}/cases/e2e-allow-all.yaml`);
    expect(allowAll?.cells.map((c) => c.name)).to.deep.equal([
      'e2e-allow-all: 80/TCP truth table (72 cells)',
      'e2e-allow-all: 81/TCP truth table (72 cells)',
    ]);
    expect(allowAll?.cells[0]).to.include({ kind: 'matrix', expected: 'table', sourceNamespace: 'matrix', status: 'passed' });
    expect(allowAll?.matrices).to.have.length(2);
    expect(allowAll?.matrices[0]?.assertionId).to.equal(allowAll?.cells[0]?.assertionId);
  });

  it("points matrix testcases at the probe's expected: line, and scores only off-diagonal, non-? cells", () => {
    const run = runConformance(corpus, { cases: ['pa-deny-all-ingress', 'e2e-allow-all'] });
    const pa = run.suites.find((s) => s.name === 'pa-deny-all-ingress');
    expect(pa?.cells[0]?.name).to.equal('pa-deny-all-ingress: 80/TCP truth table (2 cells)');
    expect(pa?.cells[0]?.position).to.deep.equal({ file: `${CORPUS_DIR}/cases/pa-deny-all-ingress.yaml`, line: 35, column: 9 });
    expect(pa?.matrices[0]?.expected).to.deep.equal([
      ['skip', 'deny'],
      ['deny', 'skip'],
    ]);
    // The model's own diagonal verdicts are shown (literal self-traffic), just not scored.
    expect(pa?.matrices[0]?.observed).to.deep.equal([
      ['deny', 'deny'],
      ['deny', 'deny'],
    ]);
  });

  it('fails a testcase whose expected table disagrees with the model, listing each cell with the explanation', () => {
    const tampered = structuredClone(corpus);
    const testCase = tampered.cases.find((c): c is MatrixCase => c.name === 'e2e-default-deny-ingress');
    const row = testCase?.steps[0]?.probes[0]?.expected[1];
    if (row === undefined) throw new Error('fixture changed: e2e-default-deny-ingress has no row x/b');
    row[0] = row[0] === 'allow' ? 'deny' : 'allow';
    const run = runConformance(tampered, { cases: ['e2e-default-deny-ingress'] });
    const cell = run.suites[0]?.cells[0];
    expect(cell?.status).to.equal('failed');
    expect(cell?.message).to.match(/^1 of 72 cells disagree/);
    expect(cell?.message).to.include('x/b -> x/a: expected allow, the model says deny');
    expect(cell?.message).to.include('ingress: denied: x/a is isolated by x/deny-ingress');
  });

  it('fails a traffic check the model disagrees with', () => {
    const tampered = structuredClone(corpus);
    const testCase = tampered.cases.find((c) => c.name === 'cyclonus-protocol-only-sctp-from-ip');
    if (testCase?.kind !== 'traffic-checks' || testCase.checks[0] === undefined) throw new Error('fixture changed');
    testCase.checks[0].expected = 'allowed';
    const cells = runConformance(tampered, { cases: [testCase.name] }).suites[0]?.cells ?? [];
    expect(cells.map((c) => c.status)).to.deep.equal(['failed', 'passed']);
    expect(cells[0]?.message).to.include('expected allowed, the model says blocked');
    expect(cells[0]?.model?.explanation.join('\n')).to.include('no ingress rule admits external 1.2.3.4 on 103/TCP');
  });

  it('rejects unknown case names', () => {
    expect(() => runConformance(corpus, { cases: ['nope'] })).to.throw('case nope is not in the corpus');
  });

  describe('loaded data for live runs', () => {
    it('builds each step state with labels that persist and named container ports from served', () => {
      const c = corpus.cases.find((x): x is MatrixCase => x.name === 'e2e-deny-ingress-to-updated-pod');
      const [one, two] = c?.steps ?? [];
      const xa = (s: typeof one) => s?.state.pods.find((p) => p.namespace === 'x' && p.name === 'a');
      expect(xa(one)?.labels).to.deep.equal({ pod: 'a' });
      expect(xa(two)?.labels).to.deep.equal({ pod: 'a', target: 'isolated' });
      expect(two?.labels.pods).to.deep.equal({ 'x/a': { pod: 'a', target: 'isolated' } });
      expect(xa(one)?.ips).to.deep.equal(['10.244.1.10']);
      expect(xa(one)?.ports).to.deep.equal([{ port: 80, protocol: 'TCP', name: 'serve-80-tcp' }]);
      const ns = corpus.cases.find((x): x is MatrixCase => x.name === 'e2e-ingress-from-updated-namespace');
      expect(ns?.steps[1]?.state.namespaces.find((n) => n.name === 'y')?.labels).to.deep.equal({ 'kubernetes.io/metadata.name': 'y', ns2: 'updated' });
      expect(ns?.steps[0]?.state.namespaces.find((n) => n.name === 'y')?.labels).to.deep.equal({ 'kubernetes.io/metadata.name': 'y' });
      const named = corpus.cases.find((x): x is MatrixCase => x.name === 'e2e-ingress-named-port');
      expect(named?.steps[0]?.state.pods[0]?.ports.map((p) => p.name)).to.deep.equal(['serve-80-tcp', 'serve-81-tcp']);
    });

    it('restricts a case with a pod subset to those pods and their namespaces', () => {
      const pa = corpus.cases.find((x): x is MatrixCase => x.name === 'pa-deny-all-ingress');
      expect(pa?.pods).to.deep.equal(['x/a', 'x/b']);
      expect(pa?.steps[0]?.state.pods.map((p) => p.name)).to.deep.equal(['a', 'b']);
      expect(pa?.steps[0]?.state.namespaces.map((n) => n.name)).to.deep.equal(['x']);
      expect(pa?.selfConnections).to.equal('undefined');
    });

    it('relates every ipBlock CIDR to the pod IPs a live run must rebuild it from', () => {
      const overlap = corpus.cases.find((x): x is MatrixCase => x.name === 'e2e-ipblock-cidr-and-except-overlap');
      expect(overlap?.ipblockDerivation?.except).to.include('pod IP of x/b');
      expect(overlap?.ipBlockReferences.map((r) => [r.step, r.field, r.cidr, r.derivation])).to.deep.equal([
        [1, 'spec.egress[0].to[0].ipBlock.cidr', '0.0.0.0/4', { kind: 'pod-network', prefixLength: 4, pods: ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c'] }],
        [1, 'spec.egress[0].to[0].ipBlock.except[0]', '10.244.1.11/32', { kind: 'pod-ip', pod: 'x/b' }],
        [2, 'spec.egress[0].to[0].ipBlock.cidr', '10.244.1.11/32', { kind: 'pod-ip', pod: 'x/b' }],
      ]);
      const cidr = corpus.cases.find((x): x is MatrixCase => x.name === 'e2e-egress-to-cidr');
      expect(cidr?.ipBlockReferences[0]?.derivation).to.deep.equal({ kind: 'pod-ip', pod: 'y/b' });
      expect(cidr?.ipBlockReferences[0]?.position.line).to.equal(34);
    });

    it('keeps probes, upstream helper calls and row positions', () => {
      const c = corpus.cases.find((x): x is MatrixCase => x.name === 'e2e-ingress-and-egress-together');
      const probe = c?.steps[0]?.probes[1];
      expect(probe).to.include({ port: 81, protocol: 'TCP', index: 1 });
      expect(probe?.upstreamExpectation?.[1]).to.deep.equal({ op: 'ExpectAllEgress', pod: 'x/a', connected: false });
      expect(probe?.helperDiagonalBlocked).to.deep.equal(['x/a']);
      expect(probe?.rows).to.have.length(9);
      expect(probe?.expected[0]).to.deep.equal(Array(9).fill('deny'));
      expect(probe?.rowPositions[0]).to.deep.equal({ file: `${CORPUS_DIR}/cases/e2e-ingress-and-egress-together.yaml`, line: 71, column: 11 });
    });
  });
});

function listCaseNames(): string[] {
  return readdirSync(`${CORPUS_DIR}/cases`)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => f.slice(0, -'.yaml'.length));
}
