/**
 * schema/suite.schema.json and the loader agree on every field: the example suites, every NetworkPolicy of the
 * example policy files and of the conformance corpus are accepted by both, and so is each of them with any one
 * field set to null (the loader reads null as absent, as the API server does: `matchLabels:`, `ingress:`,
 * `from:` left empty), unless the field is required, which both then refuse. A null list item is refused by both.
 * Only what the loader reports at the changed field or at one of its parents counts: a null that removes
 * something another part of the suite refers to (a port an assertion names) is a cross-reference check the
 * schema cannot express.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { readSuiteFile } from '../../../src/suite/load-suite.js';
import { validatePolicyObject } from '../../../src/suite/index.js';
import { formatFieldPath, type FieldPath } from '../../../src/util/yaml/index.js';
import { REPO_ROOT } from './helpers.js';
import { checkSchema, type Schema } from './schema-check.js';

const SCHEMA = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schema/suite.schema.json'), 'utf8')) as Schema;
const POLICY_SCHEMA = (SCHEMA['$defs'] as Record<string, Schema>)['NetworkPolicy'] as Schema;
const EXAMPLES = path.join(REPO_ROOT, 'suites');
const CORPUS = path.join(REPO_ROOT, 'test/fixtures/netpol-corpus/cases');

/**
 * Checks across parts of a suite that a JSON schema cannot express: a Service port must be served by the workloads
 * its selector selects (a null targetPort or protocol changes which port that is).
 */
const CROSS_REFERENCES = [/^the service forwards to .* but selected workload .* does not serve it/];

type Variant = { path: FieldPath; change: string; value: unknown };

/**
 * Every map field set to null, and a null appended to every list, one at a time. Not the label values of a step's
 * `labels:` changes, where null means "remove this label" and whether that label exists depends on the step.
 */
function variants(value: unknown, at: FieldPath = []): Variant[] {
  const result: Variant[] = [];
  const replaced = (path: FieldPath, replacement: unknown): unknown => setAt(value, path, replacement);
  const walk = (node: unknown, path: FieldPath): void => {
    if (Array.isArray(node)) {
      result.push({ path: [...path, node.length], change: 'null list item', value: replaced(path, [...node, null]) });
      node.forEach((item, i) => walk(item, [...path, i]));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        const labelChange = path.length === 5 && path[0] === 'steps' && path[2] === 'labels';
        if (item !== null && !labelChange) result.push({ path: [...path, key], change: 'null', value: replaced([...path, key], null) });
        walk(item, [...path, key]);
      }
    }
  };
  walk(value, at);
  return result;
}

function setAt(root: unknown, path: FieldPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = replacement;
  return copy;
}

/**
 * True when an issue at `field` concerns the map or list that holds `path` (the field itself, a sibling such as
 * the `workload` a Service needs when its `selector` is null, or something inside them), or one of its parents.
 * Issues about the whole suite (no field, e.g. "the suite has no assertions" when `assertions:` is null but only
 * steps assert) are not about a field.
 */
function concerns(field: string | undefined, message: string, path: FieldPath): boolean {
  if (field === undefined || field === '' || CROSS_REFERENCES.some((re) => re.test(message))) return false;
  const holder = formatFieldPath(path.length > 1 ? path.slice(0, -1) : path);
  const within = (inner: string, outer: string): boolean => outer === '' || inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(field, holder) || within(holder, field);
}

function disagreements(
  base: unknown,
  schema: Schema,
  loaderIssues: (value: unknown) => { field?: string; message: string }[],
): string[] {
  const found: string[] = [];
  for (const variant of variants(base)) {
    const schemaErrors = checkSchema(SCHEMA, variant.value, schema);
    const issues = loaderIssues(variant.value).filter((i) => concerns(i.field, i.message, variant.path));
    if ((schemaErrors.length === 0) !== (issues.length === 0)) {
      found.push(
        `${formatFieldPath(variant.path)} (${variant.change}): schema ${schemaErrors.length === 0 ? 'accepts' : `rejects (${schemaErrors[0]})`}, ` +
          `loader ${issues.length === 0 ? 'accepts' : `rejects (${issues[0]?.field}: ${issues[0]?.message})`}`,
      );
    }
  }
  return found;
}

function policiesIn(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((item) => policiesIn(item, found));
  else if (typeof value === 'object' && value !== null) {
    if ((value as Record<string, unknown>)['kind'] === 'NetworkPolicy') found.push(value);
    else Object.values(value).forEach((item) => policiesIn(item, found));
  }
  return found;
}

const policyIssues = (value: unknown): { field?: string; message: string }[] =>
  validatePolicyObject(value, { file: 'policy.yaml', line: 1, column: 1 });

describe('schema and loader agree on every field', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'netpol-e2e-schema-'));
    // the example suites name their policy files relative to themselves
    for (const entry of readdirSync(EXAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      cpSync(path.join(EXAMPLES, entry.name), path.join(tmp, entry.name), { recursive: true });
    }
    cpSync(path.join(REPO_ROOT, 'test/fixtures/suites/recipes'), path.join(tmp, 'recipes'), { recursive: true });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('on every NetworkPolicy of the conformance corpus, and each with one field null', () => {
    const policies = readdirSync(CORPUS).flatMap((file) => policiesIn(parse(readFileSync(path.join(CORPUS, file), 'utf8'))));
    expect(policies.length).to.be.greaterThan(30);
    const problems: string[] = [];
    for (const policy of policies) {
      expect(checkSchema(SCHEMA, policy, POLICY_SCHEMA), JSON.stringify(policy)).to.deep.equal([]);
      expect(policyIssues(policy), JSON.stringify(policy)).to.deep.equal([]);
      problems.push(...disagreements(policy, POLICY_SCHEMA, policyIssues));
    }
    expect([...new Set(problems)]).to.deep.equal([]);
  });

  it('on every policy file of the example suites, and each with one field null', () => {
    const problems: string[] = [];
    let count = 0;
    for (const dir of readdirSync(EXAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
      for (const file of readdirSync(path.join(EXAMPLES, dir))) {
        for (const document of parseAllDocuments(readFileSync(path.join(EXAMPLES, dir, file), 'utf8'))) {
          const policy: unknown = document.toJS();
          if (policy === null) continue;
          count += 1;
          problems.push(...disagreements(policy, POLICY_SCHEMA, policyIssues).map((p) => `${dir}/${file}: ${p}`));
        }
      }
    }
    expect(count).to.be.greaterThan(15);
    expect(problems).to.deep.equal([]);
  });

  it('on every example suite and test fixture suite with every field, and each with one field null', async () => {
    const files = [
      ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => path.join(EXAMPLES, f)),
      path.join(REPO_ROOT, 'test/fixtures/suites/every-field.yaml'),
      path.join(REPO_ROOT, 'test/fixtures/suites/recipe-namespaces.yaml'),
    ];
    const problems: string[] = [];
    for (const file of files) {
      const base: unknown = parse(readFileSync(file, 'utf8'));
      const variantFile = path.join(tmp, 'variant.yaml');
      const loaderIssues = async (value: unknown): Promise<{ field?: string; message: string }[]> => {
        writeFileSync(variantFile, stringify(value));
        return (await readSuiteFile(variantFile)).issues;
      };
      expect(checkSchema(SCHEMA, base), file).to.deep.equal([]);
      expect(await loaderIssues(base), file).to.deep.equal([]);
      for (const variant of variants(base)) {
        const schemaErrors = checkSchema(SCHEMA, variant.value);
        const issues = (await loaderIssues(variant.value)).filter((i) => concerns(i.field, i.message, variant.path));
        if ((schemaErrors.length === 0) !== (issues.length === 0)) {
          problems.push(
            `${path.basename(file)} ${formatFieldPath(variant.path)} (${variant.change}): schema ${schemaErrors.length === 0 ? 'accepts' : `rejects (${schemaErrors[0]})`}, ` +
              `loader ${issues.length === 0 ? 'accepts' : `rejects (${issues[0]?.field}: ${issues[0]?.message})`}`,
          );
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
