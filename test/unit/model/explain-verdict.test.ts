import { expect } from 'chai';
import { compileModel, createNaiveModel, explainVerdict, formatRuleRef, type ClusterState } from '../../../src/model/index.js';
import { namespace, pod, policy, state, traffic } from './fixtures.js';

function prod(policies: ClusterState['policies']): ClusterState {
  return state(
    [namespace('prod')],
    [
      pod('prod/frontend', { app: 'frontend' }, { ips: ['10.0.0.1'] }),
      pod('prod/api', { app: 'api' }, { ips: ['10.0.0.2'], ports: [{ port: 9090, protocol: 'TCP', name: 'metrics' }] }),
    ],
    policies,
  );
}

const defaultDeny = policy('prod/default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
const allowFrontend = policy('prod/allow-frontend', {
  podSelector: { matchLabels: { app: 'api' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }],
});

for (const [label, create] of [['compiled', compileModel], ['naive', createNaiveModel]] as const) {
  describe(`verdict explanations (${label})`, () => {
    it('says why an unselected pod is open', () => {
      const v = create(prod([allowFrontend])).evaluate(traffic('prod/frontend', 'prod/api', 8080));
      expect(v.egress).to.deep.equal({
        direction: 'Egress',
        isolated: false,
        selectedBy: [],
        allowed: true,
        reason: 'prod/frontend is not isolated for egress (no policy selects it)',
      });
    });

    it('names every selecting policy and the rule, peer and port that admitted the connection', () => {
      const v = create(prod([defaultDeny, allowFrontend])).evaluate(traffic('prod/frontend', 'prod/api', 8080));
      expect(v.ingress.selectedBy).to.deep.equal(['prod/default-deny', 'prod/allow-frontend']);
      expect(v.ingress.allowedBy).to.deep.equal({ policy: 'prod/allow-frontend', direction: 'Ingress', ruleIndex: 0, peerIndex: 0, portIndex: 0 });
      expect(explainVerdict(v)).to.deep.equal([
        'allowed: both the egress and the ingress side admit the connection',
        'egress: prod/frontend is not isolated for egress (no policy selects it)',
        'ingress: prod/api is isolated by prod/default-deny, prod/allow-frontend; allowed by prod/allow-frontend ingress rule 1 peer 1 port 1',
      ]);
    });

    it('says what no rule admitted when denied', () => {
      const v = create(prod([defaultDeny])).evaluate(traffic('prod/frontend', 'prod/api', 8080));
      expect(v.allowed).to.equal(false);
      expect(v.ingress.allowedBy).to.equal(undefined);
      expect(explainVerdict(v)).to.deep.equal([
        'denied by the ingress side (the destination)',
        'egress: prod/frontend is not isolated for egress (no policy selects it)',
        'ingress: denied: prod/api is isolated by prod/default-deny and no ingress rule admits prod/frontend on 8080/TCP',
      ]);
    });

    it('names the destination container port and external peers in denials', () => {
      const s = prod([policy('prod/lockdown', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
      const v = create(s).evaluate(traffic('prod/frontend', 'prod/api', 9090));
      expect(explainVerdict(v)).to.deep.equal([
        'denied by both the egress and the ingress side',
        'egress: denied: prod/frontend is isolated by prod/lockdown and no egress rule admits traffic to prod/api on 9090/TCP (metrics)',
        'ingress: denied: prod/api is isolated by prod/lockdown and no ingress rule admits prod/frontend on 9090/TCP (metrics)',
      ]);
      const out = create(s).evaluate(traffic('prod/frontend', '203.0.113.5', 443));
      expect(explainVerdict(out)).to.deep.equal([
        'denied by the egress side (the source)',
        'egress: denied: prod/frontend is isolated by prod/lockdown and no egress rule admits traffic to external 203.0.113.5 on 443/TCP',
        'ingress: external 203.0.113.5 is outside the cluster and not subject to its policies',
      ]);
    });

    it('says "any peer" and "any port" for rules without them', () => {
      const s = prod([policy('prod/allow-all', { podSelector: {}, ingress: [{}] })]);
      const v = create(s).evaluate(traffic('prod/frontend', 'prod/api', 1));
      expect(v.ingress.reason).to.equal('prod/api is isolated by prod/allow-all; allowed by prod/allow-all ingress rule 1 (any peer, any port)');
    });
  });
}

describe('formatRuleRef', () => {
  it('is 1-based and marks missing peers or ports', () => {
    expect(formatRuleRef({ policy: 'a/b', direction: 'Egress', ruleIndex: 1, peerIndex: 2, portIndex: 0 })).to.equal('a/b egress rule 2 peer 3 port 1');
    expect(formatRuleRef({ policy: 'a/b', direction: 'Egress', ruleIndex: 0, peerIndex: 0 })).to.equal('a/b egress rule 1 peer 1 (any port)');
    expect(formatRuleRef({ policy: 'a/b', direction: 'Ingress', ruleIndex: 0, portIndex: 1 })).to.equal('a/b ingress rule 1 (any peer) port 2');
  });
});
