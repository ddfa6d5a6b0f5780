import { expect } from 'chai';
import path from 'node:path';
import { loadSuite } from '../../../src/suite/index.js';
import type { ConnectAssertion } from '../../../src/suite/types.js';
import { at, FIXTURES, inputIssues, issueWith, MINIMAL_SUITE, tempTree } from './helpers.js';

/** MINIMAL_SUITE with one Service of these extra fields, a client-only external, and these assertions. */
const withService = (fields: string, assertions: string): string => `${MINIMAL_SUITE}  services:
    - {name: api, namespace: prod, workload: api, ports: [{port: 80, targetPort: http}]${fields}}
  externals:
    - {name: partner, ip: 198.51.100.7}
assertions:
${assertions}`;

const FROM_PARTNER = '  - {from: {external: partner}, to: {service: prod/api}, port: 80, expect: allow}\n';

async function withFile<T>(text: string, use: (file: string) => Promise<T>): Promise<T> {
  const tree = await tempTree({ 'suite.yaml': text });
  try {
    return await use(path.join(tree.dir, 'suite.yaml'));
  } finally {
    await tree.cleanup();
  }
}

const load = (text: string): ReturnType<typeof loadSuite> => withFile(text, (file) => loadSuite(file));
const issuesOf = (text: string): ReturnType<typeof inputIssues> => withFile(text, (file) => inputIssues(loadSuite(file)));

describe('suite loader: NodePort Services (type, externalTrafficPolicy) as destinations of external sources', () => {
  it('reads type NodePort with externalTrafficPolicy Local, and an external source to it with a derived id', async () => {
    const suite = await load(withService(', type: NodePort, externalTrafficPolicy: Local', FROM_PARTNER));
    expect(suite.fixture.services[0]).to.include({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    const [assertion] = suite.steps[0]?.assertions as ConnectAssertion[];
    expect(assertion?.from).to.deep.equal({ external: 'partner' });
    expect(assertion?.to).to.deep.equal({ kind: 'service', namespace: 'prod', name: 'api' });
    expect(assertion?.id).to.equal('external-partner-to-service-prod-api-80-tcp');
  });

  it('a Service without type is ClusterIP; a NodePort without externalTrafficPolicy gets Kubernetes\' default, Cluster', async () => {
    const plain = await load(withService('', '  - {from: prod/client, to: {service: prod/api}, port: 80, expect: allow}\n'));
    expect(plain.fixture.services[0]?.type).to.equal(undefined);
    expect(plain.fixture.services[0]?.externalTrafficPolicy).to.equal(undefined);
    const nodePort = await load(withService(', type: NodePort', '  - {from: prod/client, to: {service: prod/api}, port: 80, expect: allow}\n'));
    expect(nodePort.fixture.services[0]).to.include({ type: 'NodePort', externalTrafficPolicy: 'Cluster' });
  });

  it('refuses an external source to a NodePort with externalTrafficPolicy Cluster (given or by default): the client may be SNATed', async () => {
    for (const fields of [', type: NodePort', ', type: NodePort, externalTrafficPolicy: Cluster']) {
      const issue = issueWith(await issuesOf(withService(fields, FROM_PARTNER)), 'externalTrafficPolicy: Cluster');
      expect(issue.message).to.contain('SNAT the client to a node address, so ipBlock rules would see the node\'s IP, not 198.51.100.7');
      expect(issue.message).to.match(/write "externalTrafficPolicy: Local" on the Service \(.*suite\.yaml:16\)$/);
      expect(at(issue)).to.equal('20:37');
    }
  });

  it('refuses an external source to a ClusterIP Service, saying how to declare a NodePort', async () => {
    const issue = issueWith(await issuesOf(withService('', FROM_PARTNER)), 'ClusterIP Service, reachable only from inside the cluster');
    expect(issue.message).to.contain('declare it with "type: NodePort" and "externalTrafficPolicy: Local"');
    expect(at(issue)).to.equal('20:37');
  });

  it('refuses LoadBalancer and ExternalName saying why, an unknown type, and externalTrafficPolicy without NodePort, at the field', async () => {
    const loadBalancer = issueWith(await issuesOf(withService(', type: LoadBalancer', FROM_PARTNER)), 'service type LoadBalancer is not supported');
    expect(loadBalancer.message).to.contain('needs a cloud provider or a load-balancer controller');
    expect(at(loadBalancer)).to.equal('16:96');
    const externalName = issueWith(await issuesOf(withService(', type: ExternalName', FROM_PARTNER)), 'service type ExternalName is not supported');
    expect(externalName.message).to.contain('no pods behind it');
    const unknown = (await issuesOf(withService(', type: Nodeport', FROM_PARTNER)))[0];
    expect(unknown?.message).to.match(/Nodeport.*NodePort/s);
    expect(at(unknown as NonNullable<typeof unknown>)).to.equal('16:96');
    for (const fields of [', externalTrafficPolicy: Local', ', type: ClusterIP, externalTrafficPolicy: Local']) {
      const issue = issueWith(await issuesOf(withService(fields, FROM_PARTNER)), 'externalTrafficPolicy applies only to traffic from outside the cluster');
      expect(issue.message).to.contain('add "type: NodePort" or remove externalTrafficPolicy');
      expect(issue.position?.line).to.equal(16);
    }
    const policy = (await issuesOf(withService(', type: NodePort, externalTrafficPolicy: local', FROM_PARTNER)))[0];
    expect(policy?.message).to.contain('one of Local, Cluster; found a string ("local") (values are case-sensitive: write "Local")');
  });

  it('loads the NodePort fixture suite of the live test', async () => {
    const suite = await loadSuite(path.join(FIXTURES, 'external-sources/nodeport.yaml'));
    const toService = suite.steps.flatMap((s) => s.assertions).filter((a) => a.kind === 'connect' && 'external' in a.from && a.to.kind === 'service');
    expect(toService).to.have.length(4);
  });
});
