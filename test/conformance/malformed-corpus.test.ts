/**
 * Malformed corpora: each is generated into a temporary directory (the real model.yaml plus one small case) and
 * must fail with an InputError that names the file, the exact line (and column) and the field.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadCorpus } from '../../src/conformance/index.js';
import { InputError, type InputIssue } from '../../src/util/errors.js';

const MODEL = 'test/fixtures/netpol-corpus/model.yaml';

const TINY = `name: tiny
upstream: "tiny case"
source: test
features: [ingress]
served:
  ports: [80]
  protocols: [TCP]
pods: [x/a, x/b]
steps:
  - step: 1
    actions: ["create x/deny"]
    labels:
      pods:
        x/b: {pod: b, extra: "yes"}
    policies:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: deny
          namespace: x
        spec:
          podSelector: {}
          ingress:
          - from:
            - ipBlock:
                cidr: 10.0.0.0/8
          policyTypes: [Ingress]
    probes:
      - port: 80
        protocol: TCP
        expected: |
          # rows = from, columns = to
              x/a x/b
          x/a  ?   X
          x/b  X   ?
`;

/** 1-based line of the first line of `text` that contains `marker`. */
function lineOf(text: string, marker: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`test fixture has no line with ${JSON.stringify(marker)}`);
  return index + 1;
}

function columnOf(text: string, marker: string): number {
  const line = text.split('\n').find((l) => l.includes(marker)) ?? '';
  return line.indexOf(marker) + 1;
}

function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test fixture has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

describe('loadCorpus on malformed corpora', () => {
  let root: string;
  let model: string;
  let counter = 0;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'netpol-corpus-test-'));
    model = await readFile(MODEL, 'utf8');
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function writeCorpus(cases: Record<string, string>, modelText = model): Promise<string> {
    counter += 1;
    const dir = join(root, `corpus-${counter}`);
    await mkdir(join(dir, 'cases'), { recursive: true });
    await writeFile(join(dir, 'model.yaml'), modelText);
    for (const [name, text] of Object.entries(cases)) await writeFile(join(dir, 'cases', `${name}.yaml`), text);
    return dir;
  }

  async function loadFailure(cases: Record<string, string>, modelText?: string): Promise<{ dir: string; error: InputError }> {
    const dir = await writeCorpus(cases, modelText);
    try {
      await loadCorpus(dir);
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      return { dir, error: error as InputError };
    }
    throw new Error('expected loadCorpus to fail with an InputError, but it loaded');
  }

  function expectIssue(issues: readonly InputIssue[], expected: { file: string; line: number; column?: number; field?: string; message: string | RegExp }): void {
    const match = issues.find((i) => (typeof expected.message === 'string' ? i.message.includes(expected.message) : expected.message.test(i.message)));
    expect(match, `no issue matching ${String(expected.message)} among:\n${issues.map((i) => JSON.stringify(i)).join('\n')}`).to.not.equal(undefined);
    expect(match?.position?.file).to.equal(expected.file);
    expect(match?.position?.line, match?.message).to.equal(expected.line);
    if (expected.column !== undefined) expect(match?.position?.column, match?.message).to.equal(expected.column);
    if (expected.field !== undefined) expect(match?.field).to.equal(expected.field);
  }

  it('loads the valid tiny case (the baseline every other test breaks)', async () => {
    const dir = await writeCorpus({ tiny: TINY });
    const corpus = await loadCorpus(dir);
    expect(corpus.cases.map((c) => c.name)).to.deep.equal(['tiny']);
    const tiny = corpus.cases[0];
    if (tiny?.kind !== 'matrix') throw new Error('tiny should load as a matrix case');
    expect(tiny.ipBlockReferences.map((r) => r.derivation)).to.deep.equal([{ kind: 'pod-network', prefixLength: 8, pods: ['x/a', 'x/b'] }]);
    expect(tiny.steps[0]?.state.pods.find((p) => p.name === 'b')?.labels).to.deep.equal({ pod: 'b', extra: 'yes' });
  });

  it('marks an ipBlock that holds no pod IP as literal', async () => {
    const dir = await writeCorpus({ tiny: replaced(TINY, 'cidr: 10.0.0.0/8', 'cidr: 203.0.113.0/24') });
    const tiny = (await loadCorpus(dir)).cases[0];
    expect(tiny?.kind === 'matrix' ? tiny.ipBlockReferences.map((r) => r.derivation) : undefined).to.deep.equal([{ kind: 'literal' }]);
  });

  it('reports a YAML syntax error at its line', async () => {
    const text = replaced(TINY, 'features: [ingress]', 'features: [ingress');
    const { dir, error } = await loadFailure({ tiny: text });
    expect(error.issues[0]?.message).to.match(/^YAML syntax error/);
    expect(error.issues[0]?.position?.file).to.equal(join(dir, 'cases', 'tiny.yaml'));
    expect(error.issues[0]?.position?.line).to.be.within(lineOf(text, 'features:'), lineOf(text, 'served:'));
  });

  it('reports a missing field at the mapping that lacks it', async () => {
    const text = replaced(TINY, '        protocol: TCP\n', '');
    const { dir, error } = await loadFailure({ tiny: text });
    expectIssue(error.issues, {
      file: join(dir, 'cases', 'tiny.yaml'),
      line: lineOf(text, '- port: 80'),
      field: 'steps[0].probes[0]',
      message: 'missing required field "protocol"',
    });
  });

  it('reports an ill-typed field at its value, with what was expected and found', async () => {
    const text = replaced(TINY, '- port: 80', '- port: eighty');
    const { dir, error } = await loadFailure({ tiny: text });
    expectIssue(error.issues, {
      file: join(dir, 'cases', 'tiny.yaml'),
      line: lineOf(text, 'port: eighty'),
      column: columnOf(text, 'eighty'),
      field: 'steps[0].probes[0].port',
      message: 'expected an integer from 1 to 65535, found a string ("eighty")',
    });
  });

  it('reports a table with wrong columns at the header line', async () => {
    const text = replaced(TINY, '    x/a x/b\n', '    x/a x/c\n');
    const { dir, error } = await loadFailure({ tiny: text });
    expectIssue(error.issues, {
      file: join(dir, 'cases', 'tiny.yaml'),
      line: lineOf(text, '    x/a x/c'),
      column: columnOf(text, 'x/a x/c') + 'x/a '.length,
      field: 'steps[0].probes[0].expected',
      message: 'unknown pod x/c in the header: expected columns x/a x/b, found x/a x/c',
    });
  });

  it('reports an unknown symbol at its exact line and column', async () => {
    const text = replaced(TINY, 'x/b  X   ?', 'x/b  X   Y');
    const { dir, error } = await loadFailure({ tiny: text });
    expectIssue(error.issues, {
      file: join(dir, 'cases', 'tiny.yaml'),
      line: lineOf(text, 'x/b  X   Y'),
      column: columnOf(text, 'x/b  X   Y') + 'x/b  X   '.length,
      message: 'unknown symbol "Y" in row x/b',
    });
  });

  it('reports a row with too few cells, a missing row and rows out of order', async () => {
    const short = replaced(TINY, 'x/a  ?   X\n', 'x/a  ?\n');
    const shortFailure = await loadFailure({ tiny: short });
    expectIssue(shortFailure.error.issues, { file: join(shortFailure.dir, 'cases', 'tiny.yaml'), line: lineOf(short, 'x/a  ?'), message: 'row x/a has 1 cells, expected 2' });

    const missing = replaced(TINY, '          x/b  X   ?\n', '');
    const missingFailure = await loadFailure({ tiny: missing });
    expectIssue(missingFailure.error.issues, { file: join(missingFailure.dir, 'cases', 'tiny.yaml'), line: lineOf(missing, 'x/a  ?   X'), message: 'expected 2 rows (x/a x/b), found 1' });

    const swapped = replaced(TINY, '          x/a  ?   X\n          x/b  X   ?\n', '          x/b  X   ?\n          x/a  ?   X\n');
    const swappedFailure = await loadFailure({ tiny: swapped });
    expectIssue(swappedFailure.error.issues, { file: join(swappedFailure.dir, 'cases', 'tiny.yaml'), line: lineOf(swapped, '    x/a x/b') + 1, message: 'row 1 is x/b: expected row x/a' });
  });

  it('reports an unknown pod in the pod list and in label overrides', async () => {
    const text = replaced(replaced(TINY, 'pods: [x/a, x/b]', 'pods: [x/a, x/b, q/z]'), '        x/b: {pod: b', '        x/q: {pod: b');
    const { dir, error } = await loadFailure({ tiny: text });
    const file = join(dir, 'cases', 'tiny.yaml');
    expectIssue(error.issues, { file, line: lineOf(text, 'pods: [x/a'), field: 'pods[2]', message: 'unknown pod q/z' });
  });

  it('reports a label override for a pod the case does not have', async () => {
    const text = replaced(TINY, '        x/b: {pod: b', '        x/c: {pod: b');
    const { dir, error } = await loadFailure({ tiny: text });
    expectIssue(error.issues, { file: join(dir, 'cases', 'tiny.yaml'), line: lineOf(text, 'x/c: {pod'), field: 'steps[0].labels.pods["x/c"]', message: 'unknown pod x/c: expected one of x/a, x/b' });
  });

  it('reports an invalid CIDR and an unknown policy field inside a policy', async () => {
    const text = replaced(replaced(TINY, 'cidr: 10.0.0.0/8', 'cidr: 10.0.0.0/88'), '          podSelector: {}', '          podselector: {}');
    const { dir, error } = await loadFailure({ tiny: text });
    const file = join(dir, 'cases', 'tiny.yaml');
    expectIssue(error.issues, {
      file,
      line: lineOf(text, 'cidr: 10.0.0.0/88'),
      column: columnOf(text, '10.0.0.0/88'),
      field: 'steps[0].policies[0].spec.ingress[0].from[0].ipBlock.cidr',
      message: 'CIDR "10.0.0.0/88" has an invalid prefix length "/88"; expected 0 to 32 for IPv4',
    });
    expectIssue(error.issues, { file, line: lineOf(text, 'podselector'), field: 'steps[0].policies[0].spec.podselector', message: 'unknown field "podselector" in the policy spec; did you mean "podSelector"?' });
    expectIssue(error.issues, { file, line: lineOf(text, '        spec:'), field: 'steps[0].policies[0].spec', message: 'missing required field "podSelector"' });
  });

  it('reports a bad protocol, operator and policyType', async () => {
    const text = replaced(
      replaced(TINY, 'policyTypes: [Ingress]', 'policyTypes: [ingress]'),
      '          podSelector: {}',
      '          podSelector:\n            matchExpressions:\n            - {key: pod, operator: Has}',
    );
    const { dir, error } = await loadFailure({ tiny: replaced(text, '        protocol: TCP', '        protocol: ICMP') });
    const file = join(dir, 'cases', 'tiny.yaml');
    const final = replaced(text, '        protocol: TCP', '        protocol: ICMP');
    expectIssue(error.issues, { file, line: lineOf(final, 'policyTypes: [ingress]'), field: 'steps[0].policies[0].spec.policyTypes[0]', message: 'expected a policy type, one of Ingress, Egress; found a string ("ingress") (values are case-sensitive: write "Ingress")' });
    expectIssue(error.issues, { file, line: lineOf(final, 'operator: Has'), message: 'expected a selector operator, one of In, NotIn, Exists, DoesNotExist; found a string ("Has")' });
    expectIssue(error.issues, { file, line: lineOf(final, 'protocol: ICMP'), field: 'steps[0].probes[0].protocol', message: 'expected one of TCP, UDP, SCTP; found a string ("ICMP")' });
  });

  it('checks corpus policies by the same API server rules as suite policies (excepts, label syntax)', async () => {
    const edits: [from: string, to: string][] = [
      ['cidr: 10.0.0.0/8\n', 'cidr: 10.0.0.0/8\n                except: [192.168.0.0/16]\n'],
      ['podSelector: {}', 'podSelector: {matchLabels: {"bad key": a}}'],
    ];
    const text = edits.reduce((t, [from, to]) => replaced(t, from, to), TINY);
    const { dir, error } = await loadFailure({ tiny: text });
    const at = (marker: string) => ({ file: join(dir, 'cases', 'tiny.yaml'), line: lineOf(text, marker), column: columnOf(text, marker) });
    const ipBlock = 'steps[0].policies[0].spec.ingress[0].from[0].ipBlock';
    expectIssue(error.issues, { ...at('192.168.0.0/16'), field: `${ipBlock}.except[0]`, message: 'except "192.168.0.0/16" must be a strict subset of cidr "10.0.0.0/8" (inside it and smaller)' });
    expectIssue(error.issues, { ...at('"bad key"'), field: 'steps[0].policies[0].spec.podSelector.matchLabels["bad key"]', message: 'label key "bad key" must consist of letters, digits' });
    expect(error.issues).to.have.length(2);
  });

  it('reports a second YAML document in a case file at its start', async () => {
    const text = `${TINY}---\nname: stray\n`;
    const { dir, error } = await loadFailure({ tiny: text });
    const file = join(dir, 'cases', 'tiny.yaml');
    expectIssue(error.issues, { file, line: lineOf(text, 'name: stray'), column: 1, message: `corpus case ${file} holds one YAML document, but document 2 follows` });
    expect(error.issues).to.have.length(1);
  });

  it('reports a case whose name differs from its file name', async () => {
    const { dir, error } = await loadFailure({ other: TINY });
    expectIssue(error.issues, { file: join(dir, 'cases', 'other.yaml'), line: 1, field: 'name', message: 'expected the case name to equal its file name "other"' });
  });

  it('reports a malformed traffic check', async () => {
    const check = `name: checks
upstream: "checks"
source: test
kind: traffic-checks
policies: []
checks:
  - it: "bad"
    source: {kind: external, ip: 1.2.3.400}
    destination: {kind: pod, namespace: x, pod_labels: {}, ip: 1.2.3.5}
    protocol: TCP
    expected: maybe
`;
    const { dir, error } = await loadFailure({ checks: check });
    const file = join(dir, 'cases', 'checks.yaml');
    expectIssue(error.issues, { file, line: lineOf(check, 'ip: 1.2.3.400'), field: 'checks[0].source.ip', message: 'expected an IPv4 or IPv6 address, found "1.2.3.400"' });
    expectIssue(error.issues, { file, line: lineOf(check, 'expected: maybe'), field: 'checks[0].expected', message: 'expected one of allowed, blocked' });
  });

  it('collects the problems of every file into one error', async () => {
    const { dir, error } = await loadFailure({
      'a-first': replaced(TINY, 'name: tiny', 'name: a-first').replace('- port: 80', '- port: 0'),
      'b-second': replaced(TINY, 'name: tiny', 'name: b-second').replace('protocols: [TCP]', 'protocols: [TCPX]'),
    });
    const files = new Set(error.issues.map((i) => i.position?.file));
    expect([...files].sort()).to.deep.equal([join(dir, 'cases', 'a-first.yaml'), join(dir, 'cases', 'b-second.yaml')]);
    expect(error.message).to.match(/^2 problems in the input:/);
    expect(error.hint).to.include('corpus');
  });

  it('reports a missing model.yaml or cases directory without a stack of follow-up errors', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir, { recursive: true });
    try {
      await loadCorpus(dir);
      expect.fail('expected an InputError');
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).message).to.equal(`corpus model ${join(dir, 'model.yaml')} does not exist`);
    }
    await writeFile(join(dir, 'model.yaml'), model);
    try {
      await loadCorpus(dir);
      expect.fail('expected an InputError');
    } catch (error) {
      expect((error as InputError).message).to.equal(`corpus cases directory ${join(dir, 'cases')} does not exist`);
    }
  });

  it('reports a malformed model.yaml', async () => {
    const bad = replaced(model, 'x/b: {namespace: x, name: b, labels: {pod: b}, ip: 10.244.1.11}', 'x/b: {namespace: x, name: b, labels: {pod: b}, ip: 10.244.1}');
    const { dir, error } = await loadFailure({ tiny: TINY }, bad);
    expectIssue(error.issues, { file: join(dir, 'model.yaml'), line: lineOf(bad, 'ip: 10.244.1}'), field: 'pods["x/b"].ip', message: 'expected an IPv4 or IPv6 address' });
  });
});
