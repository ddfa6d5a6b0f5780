import path from 'node:path';
import { expect } from 'chai';
import { loadPolicyFiles } from '../../../src/suite/index.js';
import { at, inputIssues, issueWith, tempTree } from './helpers.js';

const policy = (name: string, namespace = 'prod') =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  podSelector: {}\n`;

describe('suite/load-policy-files', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};
  before(async () => {
    ({ dir, cleanup } = await tempTree({
      'netpol/a.yaml': `${policy('a')}---\n${policy('b', 'dev')}`,
      'netpol/c.yml': policy('c'),
      'netpol/dup.yaml': policy('a'),
      'netpol/empty.yaml': '# nothing here\n---\n',
      'netpol/bad.yaml': `${policy('ok')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${policy('Bad_Name')}`,
    }));
  });
  after(async () => cleanup());

  it('loads policies from paths and globs relative to a base directory, in order', async () => {
    const loaded = await loadPolicyFiles(['netpol/*.yml', 'netpol/a.yaml'], dir);
    expect(loaded.map((p) => `${p.policy.metadata.namespace}/${p.policy.metadata.name}`)).to.deep.equal(['prod/c', 'prod/a', 'dev/b']);
    expect(loaded.map((p) => [path.relative(dir, p.source.file), p.source.document, p.source.position.line])).to.deep.equal([
      ['netpol/c.yml', 0, 1],
      ['netpol/a.yaml', 0, 1],
      ['netpol/a.yaml', 1, 9],
    ]);
  });

  it('works with a relative base directory and shows positions relative to it', async () => {
    const relative = path.relative(process.cwd(), dir);
    const issues = await inputIssues(loadPolicyFiles(['netpol/bad.yaml'], relative));
    expect(issues.map((i) => `${i.position?.file}:${at(i)} ${i.field ?? ''}`)).to.deep.equal([
      `${path.join(relative, 'netpol/bad.yaml')}:10:7 kind`,
      `${path.join(relative, 'netpol/bad.yaml')}:16:9 metadata.name`,
    ]);
    expect(issues[0]?.message).to.contain('document 2 of 3');
    expect(issues[0]?.message).to.contain('kind ConfigMap (apiVersion v1)');
  });

  it('reports duplicates, empty files, missing files and globs that match nothing, all at once', async () => {
    const issues = await inputIssues(loadPolicyFiles(['netpol/a.yaml', 'netpol/dup.yaml', 'netpol/empty.yaml', 'netpol/none.yaml', 'other/*.yaml'], dir));
    expect(issues).to.have.length(4);
    expect(at(issueWith(issues, 'policy prod/a is defined twice'))).to.equal('1:1');
    expect(issueWith(issues, 'contains no NetworkPolicy').position?.file).to.equal(path.join(dir, 'netpol/empty.yaml'));
    expect(issueWith(issues, 'netpol/none.yaml" does not exist').position).to.equal(undefined);
    expect(issueWith(issues, 'glob "other/*.yaml" matches no file').field).to.equal(undefined);
  });
});
