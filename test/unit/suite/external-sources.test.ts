import { expect } from 'chai';
import path from 'node:path';
import { loadSuite } from '../../../src/suite/index.js';
import type { ConnectAssertion } from '../../../src/suite/types.js';
import { at, FIXTURES, inputIssues, issueWith, MINIMAL_SUITE, tempTree } from './helpers.js';

/** MINIMAL_SUITE with externals (a client that serves nothing and a target) and these assertions. */
const withExternals = (assertions: string): string => `${MINIMAL_SUITE}  services:
    - {name: api, namespace: prod, workload: api, ports: [{port: 80, targetPort: http}]}
  externals:
    - name: partner
      ip: 198.51.100.7
    - name: internet
      ip: 203.0.113.10
      ports: [{port: 80}]
assertions:
${assertions}`;

async function load(text: string): Promise<ReturnType<typeof loadSuite>> {
  const tree = await tempTree({ 'suite.yaml': text });
  try {
    return await loadSuite(path.join(tree.dir, 'suite.yaml'));
  } finally {
    await tree.cleanup();
  }
}

async function issuesOf(text: string): ReturnType<typeof inputIssues> {
  const tree = await tempTree({ 'suite.yaml': text });
  try {
    return await inputIssues(loadSuite(path.join(tree.dir, 'suite.yaml')));
  } finally {
    await tree.cleanup();
  }
}

describe('suite loader: external sources (from: {external: <name>})', () => {
  it('reads an external source to a workload, by string or {workload: ...}, with a derived id; an external without ports is a client', async () => {
    const suite = await load(withExternals(`  - {from: {external: partner}, to: prod/api, port: http, expect: allow}
  - {from: {external: partner}, to: {workload: prod/api}, port: 8080, expect: deny}
  - {from: {workload: prod/client}, to: prod/api, port: http, expect: allow}
`));
    const [first, second, third] = suite.steps[0]?.assertions as ConnectAssertion[];
    expect(first?.from).to.deep.equal({ external: 'partner' });
    expect(first?.to).to.deep.equal({ kind: 'workload', namespace: 'prod', name: 'api' });
    expect(first?.id).to.equal('external-partner-to-prod-api-http-tcp');
    expect(second?.from).to.deep.equal({ external: 'partner' });
    expect(third?.from).to.deep.equal({ namespace: 'prod', name: 'client' });
    expect(suite.fixture.externals.find((e) => e.name === 'partner')?.ports).to.deep.equal([]);
  });

  it('refuses an unknown external, naming the closest one, at the field', async () => {
    const issue = issueWith(await issuesOf(withExternals('  - {from: {external: partnr}, to: prod/api, port: http, expect: allow}\n')), 'partnr');
    expect(issue.message).to.contain('source external "partnr" is not an external of the fixture; did you mean "partner"?');
    expect(at(issue)).to.equal('24:23');
  });

  it('refuses an external source to an external or a Service, saying why and what to give instead', async () => {
    const issues = await issuesOf(withExternals(`  - {from: {external: partner}, to: {external: internet}, port: 80, expect: deny}
  - {from: {external: partner}, to: {service: prod/api}, port: 80, expect: allow}
`));
    const external = issueWith(issues, 'traffic between two externals never enters the cluster');
    expect(at(external)).to.equal('24:37');
    const service = issueWith(issues, 'ClusterIP Service, reachable only from inside the cluster');
    expect(service.message).to.contain('declare it with "type: NodePort" and "externalTrafficPolicy: Local"');
    expect(at(service)).to.equal('25:37');
  });

  it('refuses a DNS lookup from an external, and a source map with both or neither kind', async () => {
    const issues = await issuesOf(withExternals(`  - dns: {from: {external: partner}, name: kubernetes.default, expect: resolves}
  - {from: {external: partner, workload: prod/client}, to: prod/api, port: http, expect: allow}
  - {from: {}, to: prod/api, port: http, expect: allow}
`));
    expect(at(issueWith(issues, 'a DNS lookup is made from a workload'))).to.equal('24:17');
    expect(at(issueWith(issues, 'exactly one of workload or external; found workload and external'))).to.equal('25:12');
    expect(at(issueWith(issues, 'the source must give one of workload or external'))).to.equal('26:12');
  });

  it('a client-only external is no destination: asking it for a port says it serves none', async () => {
    const issues = await issuesOf(withExternals('  - {from: prod/client, to: {external: partner}, port: 80, expect: deny}\n'));
    expect(issues).to.have.length(1);
    expect(issues[0]?.message).to.match(/external partner \(198\.51\.100\.7\).*80/);
  });

  it('loads the fixture suite of the live test', async () => {
    const suite = await loadSuite(path.join(FIXTURES, 'external-sources/external-sources.yaml'));
    expect(suite.steps.flatMap((s) => s.assertions).filter((a) => a.kind === 'connect' && 'external' in a.from)).to.have.length(4);
  });
});
