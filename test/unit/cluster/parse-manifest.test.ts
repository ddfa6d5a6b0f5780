import { expect } from 'chai';
import { parseManifest } from '../../../src/cluster/install/parse-manifest.js';
import { InputError } from '../../../src/util/errors.js';

describe('parseManifest', () => {
  it('returns objects in document order with positions, skipping empty documents', () => {
    const text = '---\n# comment only\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: a}\n';
    const objects = parseManifest(text, 'm.yaml');
    expect(objects.map((o) => [o.object.kind, o.object.metadata.name, o.position.line])).to.deep.equal([
      ['Namespace', 'a', 4],
      ['ConfigMap', 'b', 11],
    ]);
    expect(objects[0]!.position.file).to.equal('m.yaml');
  });

  it('expands kind: List', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n';
    expect(parseManifest(text, 'l.yaml').map((o) => o.object.metadata.name)).to.deep.equal(['a', 'b']);
  });

  it('reports every bad document with file:line:col', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\n- just\n- a list\n---\nkey: [unclosed\n';
    let error: unknown;
    try {
      parseManifest(text, 'bad.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
    const issues = (error as InputError).issues;
    expect(issues.map((i) => `${i.position?.line}:${i.position?.column}`)).to.deep.equal(['1:1', '5:1', '9:1']);
    expect(issues[0]!.message).to.equal('ConfigMap object without metadata.name');
    expect(issues[1]!.message).to.equal('expected a Kubernetes object (a mapping), found a sequence');
    expect(issues[2]!.message).to.match(/^not valid YAML: /);
  });

  it('an empty manifest has no objects', () => {
    expect(parseManifest('', 'e.yaml')).to.deep.equal([]);
  });
});
