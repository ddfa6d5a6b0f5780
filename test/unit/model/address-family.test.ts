/** ipBlock peers are matched per address family: a connection has one family, a dual-stack pair is two. */
import { expect } from 'chai';
import { CELL, compileModel, createNaiveModel, explainVerdicts, type ClusterState, type PolicyModel } from '../../../src/model/index.js';
import { InputError } from '../../../src/util/errors.js';
import { namespace, pod, policy, state, traffic } from './fixtures.js';

/** The over-allow of issue 16, as found by comparing with Cyclonus and np-guard on the bench's 500-pod state. */
function issueExample(): ClusterState {
  return state(
    [namespace('auth'), namespace('analytics')],
    [
      pod('auth/frontend-0', { app: 'frontend' }, { ips: ['10.6.0.1', 'fd00:6::1'] }),
      pod('analytics/api-7', { app: 'api' }, { ips: ['10.8.0.8'] }),
      pod('analytics/api-8', { app: 'api' }, { ips: ['10.8.0.9', 'fd00:8::9'] }),
    ],
    [
      policy('analytics/from-v6', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/16', except: ['fd00:1::/32'] } }] }],
      }),
    ],
  );
}

for (const [name, create] of [
  ['compiled', compileModel],
  ['naive', createNaiveModel],
] as const) {
  describe(`address families (${name})`, () => {
    const model = (): PolicyModel => create(issueExample());

    it('denies auth/frontend-0 -> analytics/api-7: the connection is IPv4, so the source IPv6 address cannot match fd00::/16', () => {
      const verdict = model().evaluate(traffic('auth/frontend-0', 'analytics/api-7', 80));
      expect(verdict.allowed).to.equal(false);
      expect(verdict.family).to.equal(4);
      expect(verdict.ingress.reason).to.equal('denied: analytics/api-7 is isolated by analytics/from-v6 and no ingress rule admits auth/frontend-0 on 80/TCP');
      expect(model().evaluateFamilies(traffic('auth/frontend-0', 'analytics/api-7', 80))).to.have.length(1);
      expect(() => model().evaluate({ ...traffic('auth/frontend-0', 'analytics/api-7', 80), family: 6 })).to.throw(InputError, 'analytics/api-7 has no IPv6 address');
    });

    it('judges a dual-stack pair as two connections, and refuses to collapse them when they differ', () => {
      const m = model();
      const pair = traffic('auth/frontend-0', 'analytics/api-8', 80);
      const [v4, v6] = m.evaluateFamilies(pair);
      expect(v4?.family).to.equal(4);
      expect(v4?.allowed).to.equal(false);
      expect(v6?.family).to.equal(6);
      expect(v6?.allowed).to.equal(true);
      expect(v6?.ingress.allowedBy).to.deep.equal({ policy: 'analytics/from-v6', direction: 'Ingress', ruleIndex: 0, peerIndex: 0, portIndex: undefined });
      expect(m.evaluate({ ...pair, family: 6 }).allowed).to.equal(true);
      expect(m.evaluate({ ...pair, family: 4 }).allowed).to.equal(false);
      expect(() => m.evaluate(pair)).to.throw(InputError, 'two connections (IPv4 and IPv6) with different verdicts');
      const lines = explainVerdicts(m.evaluateFamilies(pair));
      expect(lines[0]).to.equal('IPv4: denied');
      expect(lines).to.include('IPv6: allowed');
    });

    it('marks a dual-stack pair MIXED in a truth table, and pairs with one family by that family', () => {
      const matrix = model().evaluateMatrix({ sources: ['auth/frontend-0'], destinations: ['analytics/api-7', 'analytics/api-8'], port: 80, protocol: 'TCP' });
      expect([...matrix.cells]).to.deep.equal([CELL.DENY, CELL.MIXED]);
      expect(matrix.verdicts(0, 1).map((v) => v.allowed)).to.deep.equal([false, true]);
    });

    it('matches a pod without an IP against the pod network of the connection family', () => {
      const s = issueExample();
      s.pods = s.pods.map((p) => ({ ...p, ips: undefined }));
      s.podNetwork = ['10.0.0.0/8', 'fd00:6::/32', 'fd00:8::/32'];
      const m = create(s);
      const [v4, v6] = m.evaluateFamilies(traffic('auth/frontend-0', 'analytics/api-7', 80));
      // IPv4: the pod network 10.0.0.0/8 lies outside the IPv6 block: a decided denial, not an undecided one
      expect(v4?.allowed).to.equal(false);
      expect(v4?.ingress.dependsOnPeerIp).to.equal(undefined);
      // IPv6: every address of fd00:6::/32 lies in fd00::/16 and outside the except
      expect(v6?.allowed).to.equal(true);
      const matrix = m.evaluateMatrix({ sources: ['auth/frontend-0'], destinations: ['analytics/api-7'], port: 80, protocol: 'TCP' });
      expect([...matrix.cells]).to.deep.equal([CELL.MIXED]);
    });

    it('has no connection between an IPv4-only and an IPv6-only end', () => {
      const s = issueExample();
      s.pods.push(pod('auth/v6-only', { app: 'x' }, { ips: ['fd00:6::2'] }));
      const m = create(s);
      expect(m.evaluateFamilies(traffic('auth/v6-only', 'analytics/api-7', 80))).to.deep.equal([]);
      expect(() => m.evaluate(traffic('auth/v6-only', 'analytics/api-7', 80))).to.throw(InputError, 'share no address family');
      const matrix = m.evaluateMatrix({ sources: ['auth/v6-only'], destinations: ['analytics/api-7'], port: 80, protocol: 'TCP' });
      expect([...matrix.cells]).to.deep.equal([CELL.NO_CONNECTION]);
      // an external address: the family is its own
      expect(m.evaluate(traffic('fd00:6::77', 'analytics/api-8', 80)).allowed).to.equal(true);
      expect(m.evaluateFamilies(traffic('fd00:6::77', 'analytics/api-7', 80))).to.deep.equal([]);
    });
  });
}
