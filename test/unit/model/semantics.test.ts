/**
 * networking.k8s.io/v1 semantics, rule by rule. Every case runs against both the compiled model and the naive
 * reference evaluator.
 */
import { expect } from 'chai';
import {
  CELL,
  compileModel,
  createNaiveModel,
  effectivePolicyTypes,
  type ClusterState,
  type LabelSelectorRequirement,
  type PolicyModel,
} from '../../../src/model/index.js';
import { InputError } from '../../../src/util/errors.js';
import { namespace, pod, policy, state, traffic } from './fixtures.js';

const EVALUATORS: [string, (s: ClusterState) => PolicyModel][] = [
  ['compiled', compileModel],
  ['naive', createNaiveModel],
];

const web = (ports = [{ port: 80, protocol: 'TCP' as const, name: 'http' }]) => ports;

/** prod: web, api, db; dev: web, tool. */
function cluster(policies: ClusterState['policies'], extra: { ips?: boolean } = {}): ClusterState {
  const ip = (v4: string) => (extra.ips === false ? {} : { ips: [v4] });
  return state(
    [namespace('prod', { env: 'prod', team: 'core' }), namespace('dev', { env: 'dev' })],
    [
      pod('prod/web', { app: 'web', tier: 'front' }, { ...ip('10.0.1.1'), ports: web() }),
      pod('prod/api', { app: 'api', tier: 'back' }, {
        ...ip('10.0.1.2'),
        ports: [
          { port: 8080, protocol: 'TCP', name: 'http' },
          { port: 9090, protocol: 'TCP', name: 'metrics' },
          { port: 53, protocol: 'UDP', name: 'dns' },
        ],
      }),
      pod('prod/db', { app: 'db' }, { ...ip('10.0.1.3'), ports: [{ port: 5432, protocol: 'TCP', name: 'pg' }] }),
      pod('dev/web', { app: 'web', tier: 'front' }, { ...ip('10.0.2.1'), ports: web() }),
      pod('dev/tool', { app: 'tool' }, { ...ip('10.0.2.2'), ports: [{ port: 8080, protocol: 'TCP', name: 'web' }] }),
    ],
    policies,
  );
}

const denyAllIngress = (ns: string) => policy(`${ns}/default-deny`, { podSelector: {}, policyTypes: ['Ingress'] });
const denyAllEgress = (ns: string) => policy(`${ns}/deny-egress`, { podSelector: {}, policyTypes: ['Egress'] });

for (const [label, create] of EVALUATORS) {
  describe(`model semantics (${label})`, () => {
    const allowed = (s: ClusterState, from: string, to: string, port: number, protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP') =>
      create(s).evaluate(traffic(from, to, port, protocol)).allowed;

    describe('isolation and defaulting', () => {
      it('allows everything when no policy exists', () => {
        expect(allowed(cluster([]), 'prod/web', 'prod/api', 8080)).to.equal(true);
      });

      it('isolates only the pods a policy selects, per direction', () => {
        const s = cluster([policy('prod/api-only', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] })]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(false);
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(true);
        // Ingress isolation does not restrict the isolated pod's own egress.
        expect(allowed(s, 'prod/api', 'prod/db', 5432)).to.equal(true);
      });

      it('defaults omitted policyTypes to Ingress only when the policy has no egress rules', () => {
        const s = cluster([policy('prod/p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{}] })]);
        const v = create(s).evaluate(traffic('prod/api', 'prod/db', 5432));
        expect(v.egress.isolated).to.equal(false);
        expect(v.allowed).to.equal(true);
        expect(create(s).evaluate(traffic('prod/web', 'prod/api', 8080)).ingress.isolated).to.equal(true);
      });

      it('defaults omitted policyTypes to Ingress and Egress when the policy has egress rules (so ingress is denied)', () => {
        const s = cluster([
          policy('prod/egress-only-rules', {
            podSelector: { matchLabels: { app: 'api' } },
            egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
          }),
        ]);
        expect(allowed(s, 'prod/api', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'prod/api', 'prod/web', 80)).to.equal(false);
        // Ingress defaulted on, and the policy has no ingress rules: all ingress into api is denied.
        const v = create(s).evaluate(traffic('prod/web', 'prod/api', 8080));
        expect(v.ingress.isolated).to.equal(true);
        expect(v.allowed).to.equal(false);
      });

      it('treats an empty policyTypes list like an omitted one', () => {
        const s = cluster([policy('prod/p', { podSelector: {}, policyTypes: [] })]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(false);
        expect(allowed(s, 'prod/web', 'dev/web', 80)).to.equal(true);
      });

      it('lets explicit policyTypes: [Egress] leave ingress alone even with ingress rules present', () => {
        const s = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], ingress: [{ from: [] }] }),
        ]);
        expect(create(s).evaluate(traffic('prod/web', 'prod/api', 8080)).ingress.isolated).to.equal(false);
        expect(allowed(s, 'prod/api', 'prod/web', 80)).to.equal(false);
      });

      it('denies all ingress for a policy with policyTypes Ingress and no ingress rules', () => {
        const s = cluster([denyAllIngress('prod')]);
        expect(allowed(s, 'dev/web', 'prod/web', 80)).to.equal(false);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(false);
        expect(allowed(s, 'prod/web', 'dev/web', 80)).to.equal(true);
      });

      it('applies a policy only to pods of its own namespace', () => {
        const s = cluster([policy('dev/p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] })]);
        expect(allowed(s, 'prod/api', 'prod/web', 80)).to.equal(true);
        expect(allowed(s, 'prod/api', 'dev/web', 80)).to.equal(false);
      });

      it('requires both the source egress and the destination ingress to allow', () => {
        const ingressAllows = policy('prod/allow-web', {
          podSelector: { matchLabels: { app: 'api' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
        });
        const s = cluster([ingressAllows, denyAllEgress('prod')]);
        const v = create(s).evaluate(traffic('prod/web', 'prod/api', 8080));
        expect(v.ingress.allowed).to.equal(true);
        expect(v.egress.allowed).to.equal(false);
        expect(v.allowed).to.equal(false);
        expect(allowed(cluster([ingressAllows]), 'prod/web', 'prod/api', 8080)).to.equal(true);
      });

      it('evaluates a pod to itself literally, as just another peer', () => {
        const s = cluster([denyAllIngress('prod')]);
        expect(allowed(s, 'prod/api', 'prod/api', 8080)).to.equal(false);
        const self = cluster([
          denyAllIngress('prod'),
          policy('prod/self', {
            podSelector: { matchLabels: { app: 'api' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
          }),
        ]);
        expect(allowed(self, 'prod/api', 'prod/api', 8080)).to.equal(true);
      });
    });

    describe('rules and peers', () => {
      it('adds allows across policies that select the same pod', () => {
        const fromWeb = policy('prod/from-web', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
        });
        const fromDb = policy('prod/from-db', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
        });
        const s = cluster([denyAllIngress('prod'), fromWeb, fromDb]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/db', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'dev/web', 'prod/api', 8080)).to.equal(false);
        const v = create(s).evaluate(traffic('prod/db', 'prod/api', 8080));
        expect(v.ingress.selectedBy).to.deep.equal(['prod/default-deny', 'prod/from-web', 'prod/from-db']);
        expect(v.ingress.allowedBy).to.deep.equal({ policy: 'prod/from-db', direction: 'Ingress', ruleIndex: 0, peerIndex: 0, portIndex: undefined });
      });

      it("ORs the peers of one rule", () => {
        const s = cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'db' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { podSelector: { matchLabels: { app: 'api' } } }] }],
          }),
        ]);
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'prod/api', 'prod/db', 5432)).to.equal(true);
        expect(create(s).evaluate(traffic('prod/api', 'prod/db', 5432)).ingress.allowedBy?.peerIndex).to.equal(1);
      });

      it('reads podSelector alone as pods of the policy namespace', () => {
        const s = cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'api' } },
            ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
          }),
        ]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'dev/web', 'prod/api', 8080)).to.equal(false);
      });

      it('reads namespaceSelector alone as every pod of the matching namespaces', () => {
        const s = cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'api' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } } }] }],
          }),
        ]);
        expect(allowed(s, 'dev/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'dev/tool', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(false);
      });

      it('ANDs namespaceSelector and podSelector within one peer', () => {
        const s = cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'api' } },
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } }] }],
          }),
        ]);
        expect(allowed(s, 'dev/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'dev/tool', 'prod/api', 8080)).to.equal(false);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(false);
      });

      it('reads namespaceSelector {} as every namespace and podSelector {} as every pod', () => {
        const everywhere = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
        ]);
        expect(allowed(everywhere, 'dev/tool', 'prod/api', 8080)).to.equal(true);
        const sameNamespace = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
        ]);
        expect(allowed(sameNamespace, 'prod/db', 'prod/api', 8080)).to.equal(true);
        expect(allowed(sameNamespace, 'dev/tool', 'prod/api', 8080)).to.equal(false);
      });

      it('matches every peer with an empty or missing from/to, and every port with empty or missing ports', () => {
        for (const rule of [{}, { from: [] }, { from: [], ports: [] }]) {
          const s = cluster([policy('prod/p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [rule] })]);
          expect(allowed(s, 'dev/tool', 'prod/api', 8080), JSON.stringify(rule)).to.equal(true);
          expect(allowed(s, '203.0.113.9', 'prod/api', 53, 'UDP'), JSON.stringify(rule)).to.equal(true);
        }
        const egress = cluster([policy('prod/p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [] }] })]);
        expect(allowed(egress, 'prod/web', '198.51.100.1', 443)).to.equal(true);
      });

      it('never matches a pod-selector peer against an external endpoint', () => {
        const s = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
        ]);
        expect(allowed(s, '203.0.113.9', 'prod/api', 8080)).to.equal(false);
      });

      it('judges egress with destination peers', () => {
        const s = cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'web' } },
            policyTypes: ['Egress'],
            egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }],
          }),
        ]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(false);
        expect(allowed(s, 'prod/web', '8.8.8.8', 53, 'UDP')).to.equal(false);
      });
    });

    describe('label selector operators', () => {
      const withExpression = (requirement: LabelSelectorRequirement) =>
        cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'db' } },
            ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [requirement] } }] }],
          }),
        ]);

      it('In: the key is present with one of the values', () => {
        const s = withExpression({ key: 'app', operator: 'In', values: ['web', 'tool'] });
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'dev/tool', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'prod/api', 'prod/db', 5432)).to.equal(false);
      });

      it('NotIn: the key is absent or has another value', () => {
        const s = withExpression({ key: 'tier', operator: 'NotIn', values: ['front'] });
        expect(allowed(s, 'prod/api', 'prod/db', 5432)).to.equal(true); // tier=back
        expect(allowed(s, 'dev/tool', 'prod/db', 5432)).to.equal(true); // no tier label
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(false);
      });

      it('Exists: the key is present, whatever its value', () => {
        const s = withExpression({ key: 'tier', operator: 'Exists' });
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'prod/api', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'dev/tool', 'prod/db', 5432)).to.equal(false);
      });

      it('DoesNotExist: the key is absent', () => {
        const s = withExpression({ key: 'tier', operator: 'DoesNotExist' });
        expect(allowed(s, 'dev/tool', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(false);
      });

      it('ANDs matchLabels with matchExpressions, and namespace expressions read namespace labels', () => {
        const s = cluster([
          policy('prod/p', {
            podSelector: { matchLabels: { app: 'db' } },
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
                    podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
                  },
                ],
              },
            ],
          }),
        ]);
        expect(allowed(s, 'dev/web', 'prod/db', 5432)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(false); // prod has team=core
        expect(allowed(s, 'dev/tool', 'prod/db', 5432)).to.equal(false);
      });

      it('selects the target pods with matchExpressions too', () => {
        const s = cluster([policy('prod/p', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, policyTypes: ['Ingress'] })]);
        expect(allowed(s, 'dev/tool', 'prod/web', 80)).to.equal(false);
        expect(allowed(s, 'dev/tool', 'prod/api', 8080)).to.equal(false);
        expect(allowed(s, 'dev/tool', 'prod/db', 5432)).to.equal(true);
      });
    });

    describe('ipBlock', () => {
      const egressTo = (ipBlock: { cidr: string; except?: string[] }) =>
        policy('prod/p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock }] }] });

      it('matches external addresses inside the cidr and outside every except', () => {
        const s = cluster([egressTo({ cidr: '203.0.113.0/24', except: ['203.0.113.128/25', '203.0.113.7/32'] })]);
        expect(allowed(s, 'prod/web', '203.0.113.1', 443)).to.equal(true);
        expect(allowed(s, 'prod/web', '203.0.113.7', 443)).to.equal(false);
        expect(allowed(s, 'prod/web', '203.0.113.200', 443)).to.equal(false);
        expect(allowed(s, 'prod/web', '198.51.100.1', 443)).to.equal(false);
      });

      it('judges pods by their IPs', () => {
        const s = cluster([egressTo({ cidr: '10.0.1.0/24', except: ['10.0.1.3/32'] })]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/db', 5432)).to.equal(false);
        expect(allowed(s, 'prod/web', 'dev/tool', 8080)).to.equal(false);
      });

      it('matches nothing for a pod without an IP, and says so', () => {
        const s = cluster([egressTo({ cidr: '0.0.0.0/0' })], { ips: false });
        const v = create(s).evaluate(traffic('prod/web', 'prod/api', 8080));
        expect(v.allowed).to.equal(false);
        expect(v.egress.reason).to.include('prod/api has no IP, so no ipBlock peer can match it');
      });

      it('reads a non-canonical CIDR as its network', () => {
        const s = cluster([egressTo({ cidr: '10.0.1.77/24' })]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/web', 'dev/tool', 8080)).to.equal(false);
      });

      it('supports IPv6 blocks, pods and externals, and never mixes families', () => {
        const s = state(
          [namespace('v6')],
          [
            pod('v6/client', { app: 'client' }, { ips: ['10.1.0.1', 'fd00:10::1'] }),
            pod('v6/server', { app: 'server' }, { ips: ['fd00:10::2'] }),
            pod('v6/other', { app: 'other' }, { ips: ['fd00:20::2'] }),
            pod('v6/legacy', { app: 'legacy' }, { ips: ['10.1.0.2'] }),
          ],
          [
            policy('v6/p', {
              podSelector: { matchLabels: { app: 'client' } },
              policyTypes: ['Egress'],
              egress: [{ to: [{ ipBlock: { cidr: 'fd00:10::/64', except: ['fd00:10::99/128'] } }] }],
            }),
            policy('v6/in', {
              podSelector: { matchLabels: { app: 'server' } },
              ingress: [{ from: [{ ipBlock: { cidr: 'fd00:10::1/128' } }] }],
            }),
          ],
        );
        const m = create(s);
        expect(m.evaluate(traffic('v6/client', 'v6/server', 80)).allowed).to.equal(true);
        expect(m.evaluate(traffic('v6/client', 'v6/other', 80)).allowed).to.equal(false);
        expect(m.evaluate(traffic('v6/client', 'v6/legacy', 80)).allowed).to.equal(false);
        expect(m.evaluate(traffic('v6/client', 'fd00:10::abcd', 80)).allowed).to.equal(true);
        expect(m.evaluate(traffic('v6/client', 'fd00:10::99', 80)).allowed).to.equal(false);
        expect(m.evaluate(traffic('v6/client', '10.1.0.2', 80)).allowed).to.equal(false);
        // A dual-stack source matches an ipBlock through its IPv6 address.
        expect(m.evaluate(traffic('v6/client', 'v6/server', 80)).ingress.allowed).to.equal(true);
        // An IPv4-only pod and an IPv6-only pod have no connection at all.
        expect(m.evaluateFamilies(traffic('v6/legacy', 'v6/server', 80))).to.deep.equal([]);
        expect(() => m.evaluate(traffic('v6/legacy', 'v6/server', 80))).to.throw(InputError, 'share no address family');
        expect(m.evaluate(traffic('fd00:10::1', 'v6/server', 80)).allowed).to.equal(true);
      });

      it('applies ipBlock in an ingress from to external sources', () => {
        const s = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }] }),
        ]);
        expect(allowed(s, '198.51.100.20', 'prod/web', 80)).to.equal(true);
        expect(allowed(s, '192.0.2.1', 'prod/web', 80)).to.equal(false);
      });
    });

    describe('ports', () => {
      const ingressPorts = (ports: NonNullable<ClusterState['policies'][number]['spec']['ingress']>[number]['ports']) =>
        cluster([policy('prod/p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports }] })]);

      it('matches numeric ports and defaults the protocol to TCP', () => {
        const s = ingressPorts([{ port: 8080 }]);
        expect(allowed(s, 'prod/web', 'prod/api', 8080, 'TCP')).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 8080, 'UDP')).to.equal(false);
        expect(allowed(s, 'prod/web', 'prod/api', 9090, 'TCP')).to.equal(false);
      });

      it('matches a protocol-only entry on every port of that protocol, and nothing of another protocol', () => {
        const s = ingressPorts([{ protocol: 'UDP' }]);
        expect(allowed(s, 'prod/web', 'prod/api', 53, 'UDP')).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 12345, 'UDP')).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 53, 'TCP')).to.equal(false);
        expect(allowed(s, 'prod/web', 'prod/api', 53, 'SCTP')).to.equal(false);
      });

      it('matches endPort ranges inclusively', () => {
        const s = ingressPorts([{ port: 8000, endPort: 8080, protocol: 'TCP' }]);
        expect(allowed(s, 'prod/web', 'prod/api', 7999)).to.equal(false);
        expect(allowed(s, 'prod/web', 'prod/api', 8000)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 8081)).to.equal(false);
      });

      it('resolves a named ingress port on the destination pod, with its protocol', () => {
        const s = ingressPorts([{ port: 'metrics' }]);
        expect(allowed(s, 'prod/web', 'prod/api', 9090)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(false);
        const udp = ingressPorts([{ port: 'dns', protocol: 'UDP' }]);
        expect(allowed(udp, 'prod/web', 'prod/api', 53, 'UDP')).to.equal(true);
        // The TCP default does not match the UDP container port named dns.
        expect(allowed(ingressPorts([{ port: 'dns' }]), 'prod/web', 'prod/api', 53, 'UDP')).to.equal(false);
      });

      it('resolves a named egress port on the destination pod, not the source', () => {
        const s = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
        ]);
        // prod/api names 8080 "http"; prod/web (the source) names 80 "http".
        expect(allowed(s, 'prod/web', 'prod/api', 8080)).to.equal(true);
        expect(allowed(s, 'prod/web', 'prod/api', 80)).to.equal(false);
        // dev/tool names 8080 "web", not "http".
        expect(allowed(s, 'prod/web', 'dev/tool', 8080)).to.equal(false);
      });

      it('never matches a named port against an external destination unless asked by that name', () => {
        const s = cluster([
          policy('prod/p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'https' }] }] }),
        ]);
        const m = create(s);
        expect(m.evaluate(traffic('prod/web', '198.51.100.1', 443)).allowed).to.equal(false);
        expect(m.evaluate(traffic('prod/web', '198.51.100.1', 443, 'TCP', 'https')).allowed).to.equal(true);
        expect(m.evaluate(traffic('prod/web', '198.51.100.1', 443, 'TCP', 'http')).allowed).to.equal(false);
      });

      it('matches when any one port entry matches', () => {
        const s = ingressPorts([{ port: 1 }, { port: 'metrics' }, { port: 8080, protocol: 'UDP' }]);
        const v = create(s).evaluate(traffic('prod/web', 'prod/api', 9090));
        expect(v.allowed).to.equal(true);
        expect(v.ingress.allowedBy?.portIndex).to.equal(1);
      });
    });

    describe('external endpoints and errors', () => {
      it('does not subject external endpoints to cluster policies', () => {
        const s = cluster([denyAllIngress('prod'), denyAllEgress('prod')]);
        const v = create(s).evaluate(traffic('203.0.113.1', '198.51.100.1', 80));
        expect(v.allowed).to.equal(true);
        expect(v.egress.isolated).to.equal(false);
        expect(v.ingress.isolated).to.equal(false);
      });

      it('throws an InputError for a pod that is not in the state', () => {
        const m = create(cluster([]));
        expect(() => m.evaluate(traffic('prod/nope', 'prod/api', 80))).to.throw(InputError, 'pod prod/nope is not in the evaluated cluster state');
        expect(() => m.evaluateMatrix({ sources: ['prod/web'], destinations: ['x/y'], port: 80, protocol: 'TCP' })).to.throw(InputError, 'x/y');
      });

      it('throws an InputError for an invalid external IP', () => {
        expect(() => create(cluster([])).evaluate(traffic('prod/web', '300.1.1.1', 80))).to.throw(InputError, '300.1.1.1');
      });

      it('throws an InputError naming the policy rule for an invalid CIDR', () => {
        const s = cluster([policy('prod/bad', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/40' } }] }] })]);
        expect(() => create(s).evaluate(traffic('prod/web', 'prod/api', 80))).to.throw(InputError, 'policy prod/bad egress rule 1 peer 1');
      });
    });

    describe('evaluateMatrix', () => {
      it('agrees with evaluate on every cell and explains any cell on demand', () => {
        const s = cluster([
          denyAllIngress('prod'),
          policy('prod/api-from-web', {
            podSelector: { matchLabels: { app: 'api' } },
            ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
          }),
          policy('dev/egress', {
            podSelector: { matchLabels: { app: 'web' } },
            egress: [{ to: [{ ipBlock: { cidr: '10.0.1.0/30' } }], ports: [{ port: 'http' }, { port: 80 }] }],
          }),
        ]);
        const m = create(s);
        for (const port of [80, 8080]) {
          const matrix = m.evaluateMatrix({ port, protocol: 'TCP' });
          expect(matrix.sources).to.have.length(5);
          matrix.sources.forEach((from, i) =>
            matrix.destinations.forEach((to, j) => {
              const single = m.evaluate(traffic(from, to, port));
              expect(matrix.allowed(i, j), `${from} -> ${to}:${port}`).to.equal(single.allowed);
              expect(matrix.verdicts(i, j)).to.deep.equal([single]);
            }),
          );
        }
        const subset = m.evaluateMatrix({ sources: ['dev/web'], destinations: ['prod/api', 'prod/db'], port: 8080, protocol: 'TCP' });
        expect([...subset.cells]).to.deep.equal([CELL.ALLOW, CELL.DENY]);
      });
    });
  });
}

describe('compileModel input checks', () => {
  it('rejects a state that holds the same pod twice', () => {
    const s = state([namespace('a')], [pod('a/p', {}), pod('a/q', {}), pod('a/p', {})], []);
    expect(() => compileModel(s)).to.throw(InputError, 'pod a/p appears twice in the cluster state (items 1 and 3)');
  });

  it('rejects a pod with an invalid IP', () => {
    expect(() => compileModel(state([namespace('a')], [pod('a/p', {}, { ips: ['10.0.0.256'] })], []))).to.throw(InputError, 'pod a/p has IP "10.0.0.256"');
  });
});

describe('effectivePolicyTypes', () => {
  it('keeps explicit policyTypes and defaults omitted or empty ones by the presence of egress rules', () => {
    expect(effectivePolicyTypes({ podSelector: {}, policyTypes: ['Egress'] })).to.deep.equal(['Egress']);
    expect(effectivePolicyTypes({ podSelector: {} })).to.deep.equal(['Ingress']);
    expect(effectivePolicyTypes({ podSelector: {}, policyTypes: [], egress: [] })).to.deep.equal(['Ingress']);
    expect(effectivePolicyTypes({ podSelector: {}, egress: [{}] })).to.deep.equal(['Ingress', 'Egress']);
  });
});
