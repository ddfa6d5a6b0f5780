/** `{name: default, existing: true}`: fixture namespaces that exist already. */
import path from 'node:path';
import { expect } from 'chai';
import { loadSuite } from '../../../src/suite/index.js';
import { at, inputIssues, tempTree } from './helpers.js';

const suiteText = (namespaces: string, extra = ''): string => `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces:
${namespaces}
  workloads:
    - {name: api, namespace: default, labels: {app: api}, ports: [{port: 8080}]}
    - {name: client, namespace: default, labels: {app: client}}
policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-allow, namespace: default}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
assertions:
  - {from: default/client, to: default/api, port: 8080, expect: allow}
${extra}`;

describe('existing namespaces (existing: true)', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(async () => cleanup());

  async function load(text: string): Promise<string> {
    const tree = await tempTree({ 'suite.yaml': text });
    cleanup = tree.cleanup;
    return path.join(tree.dir, 'suite.yaml');
  }

  it('accepts default (and any name but kube-system) when the suite says it exists, with the labels it must carry', async () => {
    const suite = await loadSuite(await load(suiteText('    - {name: default, existing: true, labels: {team: shop}}')));
    expect(suite.fixture.namespaces).to.have.length(1);
    expect(suite.fixture.namespaces[0]).to.include({ name: 'default', existing: true });
    expect(suite.fixture.namespaces[0]?.labels).to.deep.equal({ team: 'shop' });
    expect(suite.steps[0]?.apply[0]?.policy.metadata.namespace).to.equal('default');
  });

  it('refuses default without existing: true (naming the fix), kube-system always, and a non-boolean flag', async () => {
    const without = await inputIssues(loadSuite(await load(suiteText('    - {name: default}'))));
    expect(without.map((i) => `${at(i)} ${i.field}`)).to.include('5:14 fixture.namespaces[0].name');
    expect(without.find((i) => i.field === 'fixture.namespaces[0].name')?.message).to.contain('{name: default, existing: true}');
    const system = await inputIssues(loadSuite(await load(suiteText('    - {name: default, existing: true}\n    - {name: kube-system, existing: true}'))));
    expect(system.find((i) => i.field === 'fixture.namespaces[1].name')?.message).to.contain('is the cluster DNS');
    const flag = await inputIssues(loadSuite(await load(suiteText('    - {name: default, existing: "yes"}'))));
    expect(flag.find((i) => i.field === 'fixture.namespaces[0].existing')?.message).to.contain('expected true or false');
  });

  it('refuses label changes of an existing namespace in a step', async () => {
    const text = suiteText('    - {name: default, existing: true}', `steps:
  - name: relabel
    labels: {namespaces: {default: {team: other}}}
`);
    const issues = await inputIssues(loadSuite(await load(text)));
    expect(issues).to.have.length(1);
    expect(issues[0]?.field).to.equal('steps[0].labels.namespaces.default');
    expect(issues[0]?.message).to.contain('never changes a namespace it did not create');
  });
});
