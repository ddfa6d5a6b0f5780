/**
 * judge.ts: what the spec says of a planned cell (services, DNS) and a cell's status from expectation, model and
 * observation, for static verify and live runs alike.
 */
import { expect } from 'chai';
import { judgeCell, knownDnsAnswer, modelResultFor } from '../../../src/engine/judge.js';
import { modelStateFor, planSuite } from '../../../src/engine/plan.js';
import type { PlannedCell } from '../../../src/engine/plan.js';
import type { ModelResult, Observation } from '../../../src/results/results.js';
import { compileModel } from '../../../src/model/index.js';
import { loadSuite } from '../../../src/suite/index.js';
import type { Suite } from '../../../src/suite/types.js';

const FIXTURE = 'test/fixtures/cli/judge.yaml';

function observation(outcome: Observation['outcome'], verdict: Observation['verdict'], history?: Observation['outcome'][]): Observation {
  return { outcome, verdict, detail: `evidence of ${outcome}`, attempts: history?.length ?? 1, durationMs: 5, ...(history ? { history } : {}) };
}

describe('judge', () => {
  let suite: Suite;
  let cells: Map<string, PlannedCell>;
  let models: Map<string, ModelResult>;

  before(async () => {
    suite = await loadSuite(FIXTURE);
    const [plan] = planSuite(suite);
    if (!plan) throw new Error('the fixture has no step 0');
    const model = compileModel(modelStateFor(suite, plan));
    cells = new Map(plan.cells.map((c) => [c.assertionId, c]));
    models = new Map(plan.cells.map((c) => [c.assertionId, modelResultFor(c, model, suite)]));
  });

  const cell = (id: string): PlannedCell => {
    const found = cells.get(id);
    if (!found) throw new Error(`no cell ${id}`);
    return found;
  };
  const model = (id: string): ModelResult => {
    const found = models.get(id);
    if (!found) throw new Error(`no model result ${id}`);
    return found;
  };

  describe('modelResultFor', () => {
    it('judges a Service per backend: mixed when the backends differ, with both explained', () => {
      const result = model('to-service');
      expect(result.verdict).to.equal('mixed');
      expect(result.explanation[0]).to.match(/1 of 2 allowed/);
      expect(result.explanation.join('\n')).to.contain('backend judge-demo/web-a (port 8080): allow');
      expect(result.explanation.join('\n')).to.contain('backend judge-demo/web-b (port 8080): deny');
    });

    it('judges DNS as the connection to the cluster DNS, and knows in-cluster answers', () => {
      expect(model('dns-service')).to.include({ verdict: 'allow', dnsAnswer: 'resolves' });
      expect(model('dns-missing')).to.include({ verdict: 'allow', dnsAnswer: 'nxdomain' });
      expect(model('dns-external').dnsAnswer).to.equal(undefined);
      expect(model('dns-isolated').verdict).to.equal('deny');
      expect(model('dns-isolated').dnsAnswer, 'a blocked lookup has no answer').to.equal(undefined);
      expect(model('dns-isolated').explanation.join('\n')).to.contain('judge-demo/isolated-egress');
    });
  });

  describe('knownDnsAnswer', () => {
    it('resolves Service names in every form the pod search path accepts', () => {
      expect(knownDnsAnswer('web', 'judge-demo', suite)).to.equal('resolves');
      expect(knownDnsAnswer('web.judge-demo', 'other', suite)).to.equal('resolves');
      expect(knownDnsAnswer('web.judge-demo.svc.cluster.local.', 'other', suite)).to.equal('resolves');
      expect(knownDnsAnswer('kubernetes.default', 'judge-demo', suite)).to.equal('resolves');
    });

    it('says NXDOMAIN for unknown cluster names and does not guess for others', () => {
      expect(knownDnsAnswer('nothing', 'judge-demo', suite)).to.equal('nxdomain');
      expect(knownDnsAnswer('nothing.judge-demo.svc.cluster.local', 'judge-demo', suite)).to.equal('nxdomain');
      expect(knownDnsAnswer('example.com', 'judge-demo', suite)).to.equal(undefined);
    });
  });

  describe('judgeCell without an observation (static verify)', () => {
    it('passes when the spec agrees and fails when it does not, carrying the model', () => {
      const passed = judgeCell(cell('to-web-a'), model('to-web-a'), undefined);
      expect(passed.status).to.equal('passed');
      expect(passed.model?.verdict).to.equal('allow');
      expect(passed).to.include({ source: 'judge-demo/client', sourceNamespace: 'judge-demo', port: 'http', protocol: 'TCP' });
      const mixed = judgeCell(cell('to-service'), model('to-service'), undefined);
      expect(mixed.status).to.equal('failed');
    });

    it('fails a lookup expected to resolve whose name the spec knows does not exist', () => {
      expect(judgeCell(cell('dns-service'), model('dns-service'), undefined).status).to.equal('passed');
      expect(judgeCell(cell('dns-missing'), model('dns-missing'), undefined).status).to.equal('failed');
      expect(judgeCell(cell('dns-isolated'), model('dns-isolated'), undefined).status).to.equal('passed');
    });

    it('passes an external name on reachability alone, and says so', () => {
      const result = judgeCell(cell('dns-external'), model('dns-external'), undefined);
      expect(result.status).to.equal('passed');
      expect(result.message).to.match(/only reachability was checked/);
    });

    it('refuses a cell with neither model nor observation', () => {
      expect(() => judgeCell(cell('to-web-a'), undefined, undefined)).to.throw(/neither a model verdict nor an observation/);
    });
  });

  describe('judgeCell with an observation (live)', () => {
    it('passes on the expected outcome and fails on another, naming what was observed', () => {
      expect(judgeCell(cell('to-web-a'), model('to-web-a'), observation('connected', 'allow')).status).to.equal('passed');
      const failed = judgeCell(cell('to-web-a'), model('to-web-a'), observation('timeout', 'deny'));
      expect(failed.status).to.equal('failed');
      expect(failed.message).to.contain('expected allowed, observed timeout (denied)');
    });

    it('never passes a probe that could not be judged: error with the evidence', () => {
      const result = judgeCell(cell('to-web-a'), model('to-web-a'), observation('exec-error', undefined));
      expect(result.status).to.equal('error');
      expect(result.message).to.contain('evidence of exec-error');
    });

    it('reports differing outcomes across attempts as flaky, even when the last one matched', () => {
      const result = judgeCell(cell('to-web-a'), model('to-web-a'), observation('connected', 'allow', ['timeout', 'connected']));
      expect(result.status).to.equal('flaky');
      expect(result.message).to.contain('timeout, connected');
    });

    it('says a flaky cell was still changing when its step never settled, not that it changed after settling', () => {
      const late = { ...observation('connected', 'allow', ['timeout', 'connected']), afterDeadline: true as const };
      const result = judgeCell(cell('to-web-a'), model('to-web-a'), late);
      expect(result.status).to.equal('flaky');
      expect(result.message).to.contain('still changing after the settle deadline');
      expect(result.message).not.to.contain('after the state settled');
      const settled = judgeCell(cell('to-web-a'), model('to-web-a'), observation('connected', 'allow', ['timeout', 'connected']));
      expect(settled.message).to.contain('after the state settled');
    });

    it('calls out a CNI that disagrees with the spec even when the expectation held', () => {
      const result = judgeCell(cell('dns-isolated'), model('dns-isolated'), observation('resolved', 'resolves'));
      expect(result.status).to.equal('failed');
      expect(result.message).to.contain('the spec says deny, but the CNI did otherwise (resolved)');
      const held = judgeCell(cell('to-web-a'), { verdict: 'deny', explanation: [] }, observation('connected', 'allow'));
      expect(held.status).to.equal('passed');
      expect(held.message).to.contain('the spec says deny, but the CNI did otherwise (connected)');
    });
  });

  describe('verdicts that depend on pod IPs (static verify knows none)', () => {
    let ipSuite: Suite;
    let plan: ReturnType<typeof planSuite>[number];
    const cellOf = (id: string): PlannedCell => {
      const found = plan.cells.find((c) => c.assertionId === id);
      if (!found) throw new Error(`no cell ${id}`);
      return found;
    };
    before(async () => {
      ipSuite = await loadSuite('test/fixtures/cli/ip-dependent.yaml');
      const [first] = planSuite(ipSuite);
      if (!first) throw new Error('the fixture has no step 0');
      plan = first;
    });

    it('an ipBlock peer whose rule matches the port leaves the cell undecided: skipped, never passed or failed', () => {
      const model = compileModel(modelStateFor(ipSuite, plan));
      const result = modelResultFor(cellOf('to-db'), model, ipSuite);
      expect(result.verdict).to.equal('deny');
      expect(result.undecided).to.match(/undecided without pod IPs/);
      expect(result.explanation.join('\n')).to.contain('ipb/client has no IP, so no ipBlock peer can match it');
      const judged = judgeCell(cellOf('to-db'), result, undefined);
      expect(judged.status).to.equal('skipped');
      expect(judged.message).to.match(/only a live run can judge this cell/);
    });

    it('an ipBlock rule on other ports decides nothing: the deny stands, without an IP note', () => {
      const model = compileModel(modelStateFor(ipSuite, plan));
      const result = modelResultFor(cellOf('to-cache'), model, ipSuite);
      expect(result.verdict).to.equal('deny');
      expect(result.undecided).to.equal(undefined);
      expect(result.explanation.join('\n')).not.to.contain('has no IP');
      expect(judgeCell(cellOf('to-cache'), result, undefined).status).to.equal('passed');
    });

    it('DNS egress allowed only by ipBlock depends on the cluster DNS pod\'s IP', () => {
      const model = compileModel(modelStateFor(ipSuite, plan));
      const result = modelResultFor(cellOf('dns-by-cidr'), model, ipSuite);
      expect(result.undecided).to.match(/IP of the cluster DNS pod \(kube-system\/coredns\)/);
      expect(judgeCell(cellOf('dns-by-cidr'), result, undefined).status).to.equal('skipped');
    });

    it('a declared pod network decides the ipBlock when it lies wholly inside or outside it', () => {
      const judgeWith = (podNetwork: string[], id: string): ReturnType<typeof judgeCell> => {
        const withNetwork = structuredClone(ipSuite);
        withNetwork.fixture.podNetwork = podNetwork;
        return judgeCell(cellOf(id), modelResultFor(cellOf(id), compileModel(modelStateFor(withNetwork, plan)), withNetwork), undefined);
      };
      const inside = judgeWith(['10.244.0.0/16'], 'to-db');
      expect([inside.status, inside.model?.verdict]).to.deep.equal(['passed', 'allow']);
      const outside = judgeWith(['192.168.0.0/16'], 'to-db');
      expect([outside.status, outside.model?.verdict], 'the expectation is wrong for this pod network').to.deep.equal(['failed', 'deny']);
      expect(outside.model?.explanation.join('\n')).not.to.contain('has no IP');
      const across = judgeWith(['10.244.0.0/16', '192.168.0.0/16'], 'to-db');
      expect(across.status).to.equal('skipped');
      expect(across.model?.explanation.join('\n')).to.contain('its pod network 10.244.0.0/16, 192.168.0.0/16 lies partly inside an ipBlock peer');
      // the cluster DNS pod has no IP either: 0.0.0.0/0 holds any IPv4 pod network
      expect(judgeWith(['10.244.0.0/16'], 'dns-by-cidr').status).to.equal('passed');
    });

    it('with pod IPs (a live run) the same cells are decided, inside and outside the CIDR', () => {
      const inside = compileModel(modelStateFor(ipSuite, plan, new Map([['ipb/client', ['10.244.0.7']]])));
      const allowed = modelResultFor(cellOf('to-db'), inside, ipSuite);
      expect([allowed.verdict, allowed.undecided]).to.deep.equal(['allow', undefined]);
      const outside = compileModel(modelStateFor(ipSuite, plan, new Map([['ipb/client', ['192.168.3.4']]])));
      const denied = modelResultFor(cellOf('to-db'), outside, ipSuite);
      expect([denied.verdict, denied.undecided]).to.deep.equal(['deny', undefined]);
      // live: an observation against an undecided model is judged on the expectation alone, with no spec complaint
      const live = judgeCell(cellOf('dns-by-cidr'), modelResultFor(cellOf('dns-by-cidr'), inside, ipSuite), observation('resolved', 'resolves'));
      expect(live.status).to.equal('passed');
      expect(live.message ?? '').not.to.contain('the spec says');
    });
  });
});
