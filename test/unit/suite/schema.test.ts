import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { POLICY_FIELDS, SUITE_FIELDS } from '../../../src/suite/index.js';
import { REPO_ROOT } from './helpers.js';
import { checkSchema, type Schema } from './schema-check.js';

const EXAMPLES = path.join(REPO_ROOT, 'suites');

async function readSchema(): Promise<Schema> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, 'schema/suite.schema.json'), 'utf8')) as Schema;
}

function def(schema: Schema, name: string): Schema {
  const found = (schema['$defs'] as Record<string, Schema>)[name];
  if (!found) throw new Error(`schema has no $defs.${name}`);
  return found;
}

/** The property names of a schema object, following a oneOf to its object alternative. */
function propertyNames(schema: Schema, node: Schema): string[] {
  if (typeof node['$ref'] === 'string') return propertyNames(schema, def(schema, (node['$ref'] as string).replace('#/$defs/', '')));
  if (Array.isArray(node['oneOf'])) {
    const object = (node['oneOf'] as Schema[]).find((o) => o['type'] === 'object');
    return object ? propertyNames(schema, object) : [];
  }
  return Object.keys((node['properties'] ?? {}) as object).sort();
}

/** Every description in the schema, keyed by where it is; for the "every field is described" check. */
function undescribed(node: unknown, at: string, missing: string[]): string[] {
  if (typeof node !== 'object' || node === null) return missing;
  const record = node as Record<string, unknown>;
  for (const [key, child] of Object.entries((record['properties'] ?? {}) as Record<string, unknown>)) {
    if (typeof (child as Schema)['description'] !== 'string') missing.push(`${at}.${key}`);
    undescribed(child, `${at}.${key}`, missing);
  }
  for (const [key, child] of Object.entries((record['$defs'] ?? {}) as Record<string, unknown>)) {
    if (typeof (child as Schema)['description'] !== 'string') missing.push(`$defs.${key}`);
    undescribed(child, `$defs.${key}`, missing);
  }
  for (const key of ['items', 'additionalProperties']) {
    const child = record[key];
    if (typeof child === 'object' && child !== null && !('$ref' in child) && typeof (child as Schema)['description'] !== 'string') missing.push(`${at}.${key}`);
    undescribed(child, `${at}.${key}`, missing);
  }
  return missing;
}

describe('schema/suite.schema.json', () => {
  let schema: Schema;
  before(async () => {
    schema = await readSchema();
  });

  it('is a draft 2020-12 schema with a description on every field', () => {
    expect(schema['$schema']).to.equal('https://json-schema.org/draft/2020-12/schema');
    expect(undescribed(schema, '$', [])).to.deep.equal([]);
  });

  it('accepts exactly the fields the loader accepts (the schema and the loader cannot drift)', () => {
    const suiteDefs: Record<keyof typeof SUITE_FIELDS, Schema> = {
      suite: schema,
      fixture: def(schema, 'fixture'),
      namespace: def(schema, 'namespace'),
      workload: def(schema, 'workload'),
      workloadPort: def(schema, 'workloadPort'),
      service: def(schema, 'service'),
      servicePort: def(schema, 'servicePort'),
      external: def(schema, 'external'),
      externalPort: def(schema, 'externalPort'),
      connectAssertion: def(schema, 'connectAssertion'),
      target: def(schema, 'target'),
      source: def(schema, 'source'),
      dnsAssertion: def(schema, 'dnsAssertion'),
      dns: (def(schema, 'dnsAssertion')['properties'] as Record<string, Schema>)['dns'] as Schema,
      matrixAssertion: def(schema, 'matrixAssertion'),
      matrix: (def(schema, 'matrixAssertion')['properties'] as Record<string, Schema>)['matrix'] as Schema,
      step: def(schema, 'step'),
      policyFile: def(schema, 'policyFile'),
      labelChanges: def(schema, 'labelChanges'),
    };
    for (const [key, node] of Object.entries(suiteDefs)) {
      expect(propertyNames(schema, node), key).to.deep.equal([...SUITE_FIELDS[key as keyof typeof SUITE_FIELDS]].sort());
    }
    const policyDefs: Record<keyof typeof POLICY_FIELDS, string> = {
      policy: 'NetworkPolicy',
      metadata: 'ObjectMeta',
      spec: 'NetworkPolicySpec',
      ingressRule: 'NetworkPolicyIngressRule',
      egressRule: 'NetworkPolicyEgressRule',
      port: 'NetworkPolicyPort',
      peer: 'NetworkPolicyPeer',
      ipBlock: 'IPBlock',
      labelSelector: 'LabelSelector',
      requirement: 'LabelSelectorRequirement',
    };
    for (const [key, name] of Object.entries(policyDefs)) {
      expect(propertyNames(schema, def(schema, name)), key).to.deep.equal([...POLICY_FIELDS[key as keyof typeof POLICY_FIELDS]].sort());
    }
  });

  it('describes every example suite', async () => {
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml'));
    expect(files).to.have.length(7);
    for (const file of files) {
      const value: unknown = parse(await readFile(path.join(EXAMPLES, file), 'utf8'));
      expect(checkSchema(schema, value), file).to.deep.equal([]);
    }
  });

  it('describes every policy of the example suites as a NetworkPolicy', async () => {
    const policySchema = def(schema, 'NetworkPolicy');
    let count = 0;
    for (const dir of (await readdir(EXAMPLES, { withFileTypes: true })).filter((e) => e.isDirectory())) {
      for (const file of await readdir(path.join(EXAMPLES, dir.name))) {
        for (const document of parseAllDocuments(await readFile(path.join(EXAMPLES, dir.name, file), 'utf8'))) {
          expect(checkSchema(schema, document.toJS(), policySchema), `${dir.name}/${file}`).to.deep.equal([]);
          count += 1;
        }
      }
    }
    expect(count).to.be.greaterThan(15);
  });

  it('rejects what the loader rejects structurally (the check can fail)', () => {
    const suite = {
      apiVersion: 'netpol-e2e/v1',
      kind: 'Suite',
      fixture: { namespaces: [{ name: 'prod' }], workloads: [{ name: 'a', namespace: 'prod', ports: [{ port: 70000 }] }] },
      assertions: [{ from: 'prod/a', to: 'prod/a', port: 80, expect: 'maybe' }, { dns: { from: 'prod/a', name: 'x', expect: 'resolves' }, extra: 1 }],
      policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'prod' }, spec: { podselector: {} } }],
    };
    const errors = checkSchema(schema, suite);
    expect(errors).to.include('$.fixture.workloads[0].ports[0].port: above 65535');
    expect(errors).to.include('$.assertions[0]: matches 0 of the oneOf alternatives (expected exactly 1)');
    expect(errors).to.include('$.assertions[1]: matches 0 of the oneOf alternatives (expected exactly 1)');
    expect(errors).to.include('$.policies[0]: matches 0 of the oneOf alternatives (expected exactly 1)');
  });
});
