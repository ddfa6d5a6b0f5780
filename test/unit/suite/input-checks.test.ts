/**
 * Input that used to be accepted silently: self-connection assertions, externals at addresses no external can
 * have; what the tool prints must read back (the matrix grid); and input at scale loads without a crash.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { verifySuites } from '../../../src/engine/verify.js';
import { buildMatrixGrid, formatMatrixLines } from '../../../src/report/matrix-grid.js';
import { loadSuite } from '../../../src/suite/index.js';
import { at, inputIssues, issueWith, REPO_ROOT } from './helpers.js';

const HEAD = `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces: [{name: prod}]
  workloads:
    - {name: a, namespace: prod, labels: {app: a}, ports: [{port: 80}]}
    - {name: b, namespace: prod, labels: {app: b}, ports: [{port: 80}]}
`;

describe('suite: input checks', () => {
  let dir = '';
  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'netpol-checks-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('refuses a connect assertion from a workload to itself (never filtered, never asserted)', async () => {
    const file = await write('self.yaml', `${HEAD}assertions:\n  - {from: prod/a, to: prod/a, port: 80, expect: deny}\n  - {from: prod/a, to: {workload: prod/a}, port: 80, expect: allow}\n`);
    const issues = await inputIssues(loadSuite(file));
    expect(issues.map((i) => `${at(i)} ${i.field}`)).to.deep.equal(['9:24 assertions[0].to', '10:24 assertions[1].to']);
    expect(issues[0]?.message).to.contain('connects prod/a to itself');
  });

  it('refuses externals at loopback, unspecified, multicast, reserved and pod-network addresses', async () => {
    const externals = ['127.0.0.1', '0.0.0.0', '224.0.0.251', '255.255.255.255', '::1', '::', 'ff02::1', '10.244.3.7']
      .map((ip, i) => `    - {name: e${i}, ip: "${ip}", ports: [{port: 80}]}\n`)
      .join('');
    const file = await write(
      'externals.yaml',
      `${HEAD}  externals:\n${externals}    - {name: fine, ip: 198.51.100.7, ports: [{port: 80}]}\n  podNetwork: [10.244.0.0/16]\nassertions:\n  - {from: prod/a, to: {external: fine}, port: 80, expect: allow}\n`,
    );
    const issues = await inputIssues(loadSuite(file));
    expect(issues.map((i) => i.field)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `fixture.externals[${i}].ip`));
    expect(issueWith(issues, '127.0.0.1').message).to.contain('a loopback address');
    expect(issueWith(issues, '0.0.0.0 is').message).to.contain('no destination');
    expect(issueWith(issues, '224.0.0.251').message).to.contain('multicast');
    expect(issueWith(issues, '10.244.3.7').message).to.contain('inside the declared pod network 10.244.0.0/16');
  });

  it('reads back the matrix the tool prints (from \\ to corner, - for cells not asserted)', async () => {
    const example = path.join(REPO_ROOT, 'suites/env-isolation.yaml');
    const run = verifySuites([await loadSuite(example)]);
    const matrix = run.suites[0]?.matrices[0];
    if (!matrix) throw new Error('env-isolation has a matrix');
    const printed = formatMatrixLines(buildMatrixGrid(matrix));
    expect(printed[0]).to.match(/^from \\ to /);
    expect(printed.join('\n')).to.contain(' - ');
    const original = await readFile(example, 'utf8');
    const text = original
      .replace(/expected: \|\n(?: {8}.*\n)+/, `expected: |\n${printed.map((line) => `        ${line}\n`).join('')}`)
      .replace('env-isolation/*.yaml', path.join(REPO_ROOT, 'suites/env-isolation/*.yaml'));
    expect(text).to.contain('from \\ to');
    const pasted = await loadSuite(await write('pasted.yaml', text), { roots: [path.join(REPO_ROOT, 'suites')] });
    const rerun = verifySuites([pasted]);
    expect(rerun.suites[0]?.matrices[0]?.expected).to.deep.equal(matrix.expected);
  });

  it('says what to write for a mismatch, error or flaky cell pasted from a report', async () => {
    const file = await write('report-cells.yaml', `${HEAD}assertions:\n  - matrix:\n      port: 80\n      expected: |\n        from \\ to  prod/a  prod/b\n        prod/a     -       .≠X\n        prod/b     E       -\n`);
    const issues = await inputIssues(loadSuite(file));
    expect(issueWith(issues, '".≠X" is a mismatch cell').message).to.contain('write the symbol you expect: "." or "X"');
    expect(at(issueWith(issues, '"E" is an error cell'))).to.equal('14:20');
  });

  it('loads and verifies 200,000 assertions (no stack overflow from push(...spread), linear id assignment)', async function () {
    this.timeout(600_000);
    const lines = [HEAD, 'assertions:\n'];
    for (let i = 0; i < 200_000; i += 1) lines.push(`  - {from: prod/${i % 2 ? 'a' : 'b'}, to: prod/${i % 2 ? 'b' : 'a'}, port: 80, expect: allow}\n`);
    const suite = await loadSuite(await write('huge.yaml', lines.join('')));
    const ids = suite.steps[0]?.assertions.map((a) => a.id) ?? [];
    expect(ids).to.have.length(200_000);
    expect(new Set(ids).size).to.equal(200_000);
    expect(ids.slice(0, 4)).to.deep.equal(['prod-b-to-prod-a-80-tcp', 'prod-a-to-prod-b-80-tcp', 'prod-b-to-prod-a-80-tcp-2', 'prod-a-to-prod-b-80-tcp-2']);
    const run = verifySuites([suite]);
    expect(run.suites[0]?.cells).to.have.length(200_000);
  });

  it('loads 2,000 policies from one file, each at its own line', async function () {
    this.timeout(120_000);
    const policies = Array.from({ length: 2000 }, (_, i) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: prod}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  ingress: [{ports: [{port: 80}]}]\n`,
    ).join('---\n');
    await write('many.yaml', policies);
    const suite = await loadSuite(await write('many-suite.yaml', `${HEAD}policies: [many.yaml]\nassertions:\n  - {from: prod/b, to: prod/a, port: 80, expect: allow}\n`));
    const applied = suite.steps[0]?.apply ?? [];
    expect(applied).to.have.length(2000);
    expect(applied[1999]?.source.position.line).to.equal(1999 * 7 + 1);
  });
});
