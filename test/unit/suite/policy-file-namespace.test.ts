/** `policies: [{path, namespace}]`: files without metadata.namespace, applied to a namespace as kubectl apply -n. */
import path from 'node:path';
import { expect } from 'chai';
import { loadSuite } from '../../../src/suite/index.js';
import { at, FIXTURES, inputIssues, tempTree } from './helpers.js';

const RECIPE = `kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata:
  name: api-allow
spec:
  podSelector:
    matchLabels: {app: bookstore}
  ingress:
  - from:
      - podSelector:
          matchLabels:
`;

const SUITE_HEAD = `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces: [{name: shop}, {name: staging}]
  workloads:
    - {name: api, namespace: shop, labels: {app: bookstore}, ports: [{port: 8080}]}
    - {name: web, namespace: shop, labels: {app: bookstore, role: web}}
assertions:
  - {from: shop/web, to: shop/api, port: 8080, expect: allow}
`;

describe('policy files applied to a namespace ({path, namespace})', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(async () => cleanup());

  async function suiteWith(policies: string, files: Record<string, string> = { 'recipe.yaml': RECIPE }): Promise<string> {
    const tree = await tempTree({ 'suite.yaml': `${SUITE_HEAD}policies:\n${policies}`, ...files });
    cleanup = tree.cleanup;
    return path.join(tree.dir, 'suite.yaml');
  }

  it('gives unedited recipe files the namespace, once per namespace, with globs', async () => {
    const suite = await loadSuite(path.join(FIXTURES, 'recipe-namespaces.yaml'));
    const policies = suite.steps[0]?.apply.map((p) => `${p.policy.metadata.namespace}/${p.policy.metadata.name}`);
    expect(policies).to.deep.equal(['shop/api-allow', 'staging/api-allow', 'staging/web-deny-all']);
    const allow = suite.steps[0]?.apply[0];
    expect(allow?.source.file).to.match(/recipes\/api-allow\.yaml$/);
    expect(allow?.policy.spec.ingress?.[0]?.from?.[0]?.podSelector).to.deep.equal({ matchLabels: { app: 'bookstore' } });
  });

  it('reads a null matchLabels (an empty `matchLabels:`) as absent, as the API server does', async () => {
    const suite = await loadSuite(await suiteWith('  - {path: recipe.yaml, namespace: shop}\n'));
    expect(suite.steps[0]?.apply[0]?.policy.spec.ingress?.[0]?.from?.[0]?.podSelector).to.deep.equal({});
  });

  it('refuses a namespace that is no fixture namespace, kube-system, and a policy that names another namespace', async () => {
    const withOwn = RECIPE.replace('  name: api-allow\n', '  name: api-allow\n  namespace: staging\n');
    const issues = await inputIssues(
      loadSuite(await suiteWith('  - {path: recipe.yaml, namespace: prod}\n  - {path: recipe.yaml, namespace: kube-system}\n  - {path: own.yaml, namespace: shop}\n', {
        'recipe.yaml': RECIPE,
        'own.yaml': withOwn,
      })),
    );
    expect(issues.map((i) => `${at(i)} ${i.field}: ${i.message}`)).to.deep.equal([
      '11:36 policies[0].namespace: namespace "prod" is not a fixture namespace (declared: shop, staging); add it to fixture.namespaces',
      '12:36 policies[1].namespace: suites may not put policies in kube-system: the harness never touches namespaces it did not create',
      `5:14 metadata.namespace: policy staging/api-allow says namespace "staging", but the suite applies ${path.join(path.dirname(issues[2]?.position?.file ?? ''), 'own.yaml')} to namespace "shop"; remove metadata.namespace from the policy or make the two agree (kubectl apply -n refuses the same mismatch)`,
    ]);
  });

  it('without a namespace, a file without metadata.namespace says how to give one', async () => {
    const issues = await inputIssues(loadSuite(await suiteWith('  - {path: recipe.yaml}\n')));
    expect(issues).to.have.length(1);
    expect(issues[0]?.message).to.contain('missing required field "namespace"').and.to.contain('policies: [{path: <file>, namespace: <namespace>}]');
    expect(issues[0]?.position?.file).to.match(/recipe\.yaml$/);
  });
});
