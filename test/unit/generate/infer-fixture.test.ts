/** The fixture generate infers: selectors satisfied, workloads merged and bounded, ports, externals, left-outs. */
import { expect } from 'chai';
import { generateSuite, inferFixture } from '../../../src/generate/index.js';
import { pickAddress } from '../../../src/generate/pick-address.js';
import { labelsSatisfying } from '../../../src/generate/satisfy-selector.js';
import { cidrContains, selectorMatches } from '../../../src/model/index.js';
import type { NetworkPolicy, NetworkPolicySpec } from '../../../src/model/types.js';
import type { LoadedPolicy } from '../../../src/suite/types.js';

function loaded(namespace: string, name: string, spec: NetworkPolicySpec): LoadedPolicy {
  const policy: NetworkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
  return { policy, source: { file: 'p.yaml', document: 0, position: { file: 'p.yaml', line: 1, column: 1 } } };
}

describe('generate: inferring a fixture', () => {
  it('satisfies matchExpressions (In avoiding NotIn values, Exists) and detects unsatisfiable selectors', () => {
    const selector = { matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a', 'b'] }, { key: 'tier', operator: 'NotIn' as const, values: ['a'] }, { key: 'team', operator: 'Exists' as const }] };
    const labels = labelsSatisfying(selector);
    expect(labels).to.deep.equal({ tier: 'b', team: 'set' });
    expect(selectorMatches(selector, labels ?? {})).to.equal(true);
    expect(labelsSatisfying({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] })).to.equal(undefined);
  });

  it('one workload per distinct selection, reusing one whose labels already satisfy a selector; an outsider per namespace and an unselected namespace', () => {
    const fixture = inferFixture([
      loaded('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }] }] }),
      loaded('shop', 'web-front', { podSelector: { matchLabels: { app: 'web', tier: 'front' } } }),
    ]);
    const shop = fixture.workloads.filter((w) => w.namespace === 'shop');
    // app=web; app in (web,api) is satisfied by app=web (merged); app=web,tier=front needs its own
    expect(shop.map((w) => w.labels)).to.deep.equal([{ app: 'web' }, { app: 'web', tier: 'front' }, {}]);
    expect(shop[0]?.why.join(' ')).to.contain('app in (web,api)');
    expect(fixture.namespaces.map((n) => n.name)).to.deep.equal(['shop', 'outsider']);
    expect(fixture.workloads.filter((w) => w.outsider).map((w) => w.namespace)).to.deep.equal(['shop', 'outsider']);
  });

  it('labels namespaces for namespaceSelectors: by kubernetes.io/metadata.name, on a namespace named after the value, or a new one', () => {
    const fixture = inferFixture([
      loaded('api', 'from-web', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { tier: 'web' } } }] }] }),
      loaded('web', 'x', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prom' } } }] }] }),
      loaded('web', 'y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] }] }),
    ]);
    expect(fixture.namespaces.map((n) => [n.name, n.labels])).to.deep.equal([
      ['api', {}],
      ['web', { tier: 'web' }],
      ['monitoring', {}],
      ['blue', { team: 'blue' }],
      ['outsider', {}],
    ]);
    expect(fixture.workloads.find((w) => w.namespace === 'monitoring' && !w.outsider)?.labels).to.deep.equal({ app: 'prom' });
  });

  it('bounds the workloads and says what was left out', () => {
    const policies = Array.from({ length: 10 }, (_, i) => loaded('ns', `p${i}`, { podSelector: { matchLabels: { app: `a${i}` } } }));
    const fixture = inferFixture(policies, { maxWorkloads: 5 });
    expect(fixture.workloads).to.have.length(5); // 3 selected + 2 outsiders
    expect(fixture.leftOut.filter((l) => l.includes('--max-workloads'))).to.have.length(7);
  });

  it('serves the ports and named ports rules mention plus one no rule mentions; ranges give both ends', () => {
    const fixture = inferFixture([
      loaded('ns', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }, { port: 5432 }, { port: 6000, endPort: 6010 }, { protocol: 'UDP', port: 53 }] }] }),
    ]);
    expect(fixture.ports).to.deep.equal([
      { port: 8080, protocol: 'TCP', name: 'http' },
      { port: 5432, protocol: 'TCP' },
      { port: 6000, protocol: 'TCP' },
      { port: 6010, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
      { port: 80, protocol: 'TCP' },
    ]);
  });

  it('adds an external inside an egress ipBlock and one inside each except; leaves out ingress ipBlocks and reserved namespaces', () => {
    const fixture = inferFixture([
      loaded('ns', 'egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] }] }),
      loaded('ns', 'ingress', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
      loaded('default', 'skipped', { podSelector: {} }),
    ]);
    const [inside, excepted] = fixture.externals;
    expect(inside && cidrContains('10.0.0.0/8', inside.ip) && !cidrContains('10.1.0.0/16', inside.ip)).to.equal(true);
    expect(excepted && cidrContains('10.1.0.0/16', excepted.ip)).to.equal(true);
    expect(inside?.ports).to.deep.equal([{ port: 443, protocol: 'TCP' }]);
    expect(fixture.leftOut.join('\n')).to.match(/ns\/ingress ingress\[0\]\.from\[0\]\): generate adds no external sources/).and.match(/namespace default is reserved/);
    expect(fixture.policies.map((p) => p.policy.metadata.name)).to.deep.equal(['egress', 'ingress']);
  });

  it('never picks an address inside the pod network, or loopback, multicast, reserved', () => {
    const fixture = inferFixture([loaded('ns', 'e', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.244.0.0/16', '10.96.0.0/12'] } }] }] })], { podNetwork: ['10.0.0.0/9'] });
    // inside 10/8 but outside its excepts and the pod network 10.0/9; inside except 10.244/16 (outside 10.0/9);
    // nothing for except 10.96/12, which lies inside the pod network
    expect(fixture.externals.map((e) => e.ip)).to.deep.equal(['10.245.0.20', '10.244.0.20']);
    expect(fixture.leftOut.filter((l) => l.includes('no usable address'))).to.have.length(1);
    expect(pickAddress('127.0.0.0/8', [], new Set())).to.equal(undefined);
    expect(pickAddress('224.0.0.0/3', [], new Set())).to.equal(undefined);
  });

  it('picks documentation addresses first, never a /24 network or broadcast address', () => {
    expect(pickAddress('0.0.0.0/0', ['198.51.100.0/24'], new Set())).to.equal('203.0.113.20');
    expect(pickAddress('10.0.0.0/30', [], new Set())).to.equal('10.0.0.2');
    expect(pickAddress('10.0.0.255/32', [], new Set())).to.equal(undefined);
    expect(pickAddress('fd00::/8', [], new Set())).to.equal(undefined);
  });

  it('asserts DNS when a policy isolates egress, and the matrices say who reaches whom', () => {
    const suite = generateSuite(
      [loaded('ns', 'deny-egress', { podSelector: { matchLabels: { app: 'locked' } }, policyTypes: ['Egress'] })],
      { name: 't' },
    );
    expect(suite.dns.map((d) => [d.from, d.expect])).to.deep.equal([
      ['ns/locked', 'blocked'],
      ['ns/outsider', 'resolves'],
      ['outsider/outsider', 'resolves'],
    ]);
    const matrix = suite.matrices[0];
    expect(matrix?.rows).to.deep.equal(['ns/locked', 'ns/outsider', 'outsider/outsider']);
    expect(matrix?.cells).to.deep.equal([
      ['self', 'deny', 'deny'],
      ['allow', 'self', 'allow'],
      ['allow', 'allow', 'self'],
    ]);
  });
});
