/** `family:` on connect and matrix assertions: loader checks with positions, and static verify per family. */
import path from 'node:path';
import { expect } from 'chai';
import { loadSuites } from '../../../src/suite/index.js';
import type { ConnectAssertion, MatrixAssertion, Suite } from '../../../src/suite/types.js';
import { verifySuites } from '../../../src/engine/index.js';
import { at, inputIssues, issueWith, tempTree } from './helpers.js';

function suiteText(assertions: string, extraFixture = ''): string {
  return `apiVersion: netpol-e2e/v1
kind: Suite
name: fam
fixture:
  namespaces: [{name: fam}]
  workloads:
    - {name: client, namespace: fam, labels: {app: client}, ports: [{port: 80}]}
    - {name: api, namespace: fam, labels: {app: api}, ports: [{port: 80}]}
  externals:
    - {name: partner, ip: 203.0.113.10, ports: [{port: 443}]}
${extraFixture}policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-v6-only, namespace: fam}
    spec:
      podSelector: {matchLabels: {app: api}}
      policyTypes: [Ingress]
      ingress:
        - from: [{ipBlock: {cidr: "fd00::/8"}}, {ipBlock: {cidr: "10.99.0.0/16"}}]
assertions:
${assertions}`;
}

async function load(text: string): Promise<Suite> {
  const tree = await tempTree({ 's.yaml': text });
  try {
    return (await loadSuites([path.join(tree.dir, 's.yaml')]))[0] as Suite;
  } finally {
    await tree.cleanup();
  }
}

async function issues(text: string): ReturnType<typeof inputIssues> {
  const tree = await tempTree({ 's.yaml': text });
  try {
    return await inputIssues(loadSuites([path.join(tree.dir, 's.yaml')]));
  } finally {
    await tree.cleanup();
  }
}

describe('suite: family on assertions', () => {
  it('reads family 4 and 6 on connect and matrix assertions, into ids and cell names', async () => {
    const suite = await load(suiteText(`  - {from: fam/client, to: fam/api, port: 80, family: 6, expect: allow}
  - {from: fam/client, to: fam/api, port: 80, family: 4, expect: deny}
  - matrix: {port: 80, family: 6, expected: "- fam/client fam/api\\nfam/client . .\\nfam/api . ."}
`, '  podNetwork: [10.244.0.0/16, "fd00:10:244::/56"]\n'));
    const [v6, v4, matrix] = suite.steps[0]?.assertions as [ConnectAssertion, ConnectAssertion, MatrixAssertion];
    expect([v6.family, v4.family, matrix.family]).to.deep.equal([6, 4, 6]);
    expect([v6.id, v4.id, matrix.id]).to.deep.equal(['fam-client-to-fam-api-80-tcp-ipv6', 'fam-client-to-fam-api-80-tcp-ipv4', 'matrix-80-tcp-ipv6']);
    // static verify judges the named family: pods of the dual-stack pod network, the IPv6 connection allowed
    const result = verifySuites([suite], { now: () => 0 });
    const cells = result.suites[0]?.cells ?? [];
    const byId = new Map(cells.map((c) => [c.cellId, c]));
    expect(byId.get(v6.id)?.name).to.equal('fam/client -> fam/api:80/TCP over IPv6 should be allowed');
    expect(byId.get(v6.id)?.status).to.equal('passed');
    expect(byId.get(v6.id)?.family).to.equal(6);
    expect(byId.get(v4.id)?.status, byId.get(v4.id)?.message).to.equal('passed');
    expect(byId.get('matrix-80-tcp-ipv6[fam/client->fam/api]')?.status).to.equal('passed');
    // with no family, the dual-stack pair is mixed: static verify cannot pass an allow
    const plain = await load(suiteText('  - {from: fam/client, to: fam/api, port: 80, expect: allow}\n', '  podNetwork: [10.244.0.0/16, "fd00:10:244::/56"]\n'));
    const cell = verifySuites([plain], { now: () => 0 }).suites[0]?.cells[0];
    expect(cell?.status).to.equal('failed');
    expect(cell?.model?.verdict).to.equal('mixed');
    expect(cell?.model?.families).to.deep.equal([{ family: 4, verdict: 'deny' }, { family: 6, verdict: 'allow' }]);
  });

  it('rejects a family that is not 4 or 6, at its line and column, with the spelling to use', async () => {
    const found = await issues(suiteText(`  - {from: fam/client, to: fam/api, port: 80, family: IPv6, expect: allow}
  - matrix: {port: 80, family: 5, expected: "- fam/api\\nfam/client ."}
`));
    const word = issueWith(found, '("IPv6")');
    expect(word.message).to.contain('write the number: family: 6');
    expect(at(word)).to.equal('21:55');
    expect(at(issueWith(found, 'a number (5)'))).to.equal('22:32');
  });

  it('rejects a family an end cannot have: an external of the other family, a podNetwork without a range of it', async () => {
    const external = await issues(suiteText('  - {from: fam/client, to: {external: partner}, port: 443, family: 6, expect: deny}\n'));
    expect(issueWith(external, 'external partner has the IPv4 address 203.0.113.10 only').message).to.contain('use family: 4');
    const source = await issues(suiteText('  - {from: {external: partner}, to: fam/api, port: 80, family: 6, expect: deny}\n'));
    const fromPartner = issueWith(source, 'external partner has the IPv4 address 203.0.113.10 only');
    expect(fromPartner.message).to.contain('use family: 4');
    expect(at(fromPartner)).to.equal('21:64');
    const network = await issues(suiteText(`  - {from: fam/client, to: fam/api, port: 80, family: 6, expect: allow}
  - matrix: {port: 80, family: 6, expected: "- fam/api\\nfam/client ."}
`, '  podNetwork: [10.244.0.0/16]\n'));
    expect(network.filter((i) => i.message.includes("podNetwork (10.244.0.0/16) has no IPv6 range"))).to.have.length(2);
  });

  it('a dns assertion takes no family (the lookup is not one connection of a family)', async () => {
    const found = await issues(suiteText('  - dns: {from: fam/client, name: example.com, expect: resolves, family: 4}\n'));
    expect(found.some((i) => i.message.includes('family'))).to.equal(true);
  });
});
