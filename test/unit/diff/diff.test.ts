/**
 * `diff` in a temporary git repository: for each hand-made policy change (added allow, removed rule, narrowed
 * selector, except added) exactly the cells whose verdict changes by hand, grouped, with explanations; exit
 * codes for breaking and --fail-on; --base-dir; bad input.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { runInProcess } from '../../support/capture-cli.js';
import { gitBase, planChangedSince } from '../../../src/diff/index.js';
import { verifySuites } from '../../../src/engine/verify.js';
import { runPassed } from '../../../src/results/index.js';
import { loadSuites } from '../../../src/suite/index.js';

const SUITE = `apiVersion: netpol-e2e/v1
kind: Suite
name: shop
fixture:
  namespaces:
    - {name: a, labels: {team: a}}
    - {name: b, labels: {team: b}}
  workloads:
    - {name: web, namespace: a, labels: {app: web}, ports: [{port: 80}]}
    - {name: api, namespace: a, labels: {app: api}, ports: [{port: 80}]}
    - {name: batch, namespace: a, labels: {app: batch}, ports: [{port: 80}]}
    - {name: client, namespace: b, labels: {app: client}, ports: [{port: 80}]}
  externals:
    - {name: low, ip: 203.0.113.10, ports: [{port: 80}]}
    - {name: high, ip: 203.0.113.200, ports: [{port: 80}]}
policies:
  - policies/*.yaml
assertions:
  - id: m80
    matrix:
      port: 80
      expected: |
        -         a/web  a/api  a/batch  b/client
        a/web       .      X      X        .
        a/api       .      X      X        .
        a/batch     ?      X      X        .
        b/client    .      X      X        .
  - {id: client-low, from: b/client, to: {external: low}, port: 80, expect: allow}
  - {id: client-high, from: b/client, to: {external: high}, port: 80, expect: allow}
`;

const POLICIES: Record<string, string> = {
  'deny.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress]}
`,
  'allow-web.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{podSelector: {}}]
      ports: [{port: 80}]
    - from: [{namespaceSelector: {matchLabels: {team: b}}}]
`,
  'egress.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: b}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 203.0.113.0/24}}]
      ports: [{port: 80}]
    - to: [{namespaceSelector: {}}]
`,
};

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
}

interface Change {
  kind: string;
  source: string;
  target: string;
  before: { verdict: string; explanation: string[] };
  after: { verdict: string; explanation: string[] };
  assertions: { id: string; holds: boolean }[];
}

describe('diff against a git ref', function () {
  this.timeout(30_000);
  let repo: string;

  before(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'netpol-diff-'));
    await git(repo, 'init', '-q', '-b', 'main');
    await writeFile(path.join(repo, 'shop.yaml'), SUITE);
    await execa('mkdir', ['-p', path.join(repo, 'policies')]);
    for (const [name, text] of Object.entries(POLICIES)) await writeFile(path.join(repo, 'policies', name), text);
    await execa('mkdir', ['-p', path.join(repo, 'other-policies')]);
    await writeFile(path.join(repo, 'other-policies', 'deny.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: c}\nspec: {podSelector: {}}\n');
    await writeFile(
      path.join(repo, 'other.yaml'),
      'apiVersion: netpol-e2e/v1\nkind: Suite\nfixture:\n  namespaces: [{name: c}]\n  workloads:\n    - {name: x, namespace: c, ports: [{port: 80}]}\n    - {name: y, namespace: c, ports: [{port: 80}]}\npolicies: [other-policies/deny.yaml]\nassertions:\n  - {from: c/x, to: c/y, port: 80, expect: deny}\n',
    );
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'base');
  });
  after(async () => rm(repo, { recursive: true, force: true }));
  afterEach(async () => {
    await git(repo, 'checkout', '-q', '--', '.');
    await git(repo, 'clean', '-qfd');
  });

  async function edit(file: string, from: string, to: string): Promise<void> {
    const full = path.join(repo, 'policies', file);
    const text = await readFile(full, 'utf8');
    expect(text, `${file} contains the text to change`).to.contain(from);
    await writeFile(full, text.replace(from, to));
  }

  async function diff(...extra: string[]): Promise<{ code: number; changes: Change[]; stdout: string; stderr: string }> {
    const run = await runInProcess(['diff', path.join(repo, 'shop.yaml'), '--base', 'main', '--json', '-', ...extra], repo);
    const json = run.stdout.trim() === '' ? { suites: [] } : (JSON.parse(run.stdout) as { suites: { changes: Change[] }[] });
    return { code: run.code, changes: json.suites.flatMap((s) => s.changes), stdout: run.stdout, stderr: run.stderr };
  }

  const summary = (changes: Change[]): string[] => changes.map((c) => `${c.kind} ${c.source} -> ${c.target}`).sort();

  it('no change: exit 0, nothing listed', async () => {
    const result = await diff();
    expect(result.code).to.equal(0);
    expect(result.changes).to.deep.equal([]);
  });

  it('an added allow: exactly a/web -> a/api newly allowed, breaking its deny assertion (exit 1)', async () => {
    await writeFile(
      path.join(repo, 'policies', 'allow-api.yaml'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-api, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]\n',
    );
    const result = await diff();
    expect(summary(result.changes)).to.deep.equal(['newly-allowed a/web -> a/api']);
    const [change] = result.changes;
    expect(change?.before.explanation.join('\n')).to.contain('no ingress rule admits a/web');
    expect(change?.after.explanation.join('\n')).to.contain('allowed by a/allow-api ingress rule 1 peer 1');
    expect(change?.assertions).to.deep.equal([{ id: 'm80[a/web->a/api]', expected: 'deny', holds: false }]);
    expect(result.code).to.equal(1);
  });

  it('a removed rule: exactly b/client -> a/web newly denied', async () => {
    await edit('allow-web.yaml', '    - from: [{namespaceSelector: {matchLabels: {team: b}}}]\n', '');
    const result = await diff();
    expect(summary(result.changes)).to.deep.equal(['newly-denied b/client -> a/web']);
    expect(result.changes[0]?.before.explanation.join('\n')).to.contain('allowed by a/allow-web ingress rule 2 peer 1');
    expect(result.code).to.equal(1);
  });

  it('a narrowed selector: exactly a/batch -> a/web newly denied; not asserted, so exit 0 unless --fail-on forbids it', async () => {
    await edit('allow-web.yaml', '- from: [{podSelector: {}}]', '- from: [{podSelector: {matchLabels: {app: api}}}]');
    const result = await diff();
    expect(summary(result.changes)).to.deep.equal(['newly-denied a/batch -> a/web']);
    expect(result.changes[0]?.assertions).to.deep.equal([]);
    expect(result.code).to.equal(0);
    expect((await diff('--fail-on', 'allowed')).code).to.equal(0);
    expect((await diff('--fail-on', 'denied')).code).to.equal(1);
    expect((await diff('--fail-on', 'any')).code).to.equal(1);
  });

  it('an except added: exactly b/client -> the external inside the except newly denied', async () => {
    await edit('egress.yaml', '{ipBlock: {cidr: 203.0.113.0/24}}', '{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}');
    const result = await diff();
    expect(summary(result.changes)).to.deep.equal(['newly-denied b/client -> external high (203.0.113.200)']);
    expect(result.changes[0]?.assertions).to.deep.equal([{ id: 'client-high', expected: 'allow', holds: false }]);
    expect(result.code).to.equal(1);
  });

  it('run --changed-since plans the affected suites with every assertion plus the changed cells; the others are not run', async () => {
    await edit('allow-web.yaml', '- from: [{podSelector: {}}]', '- from: [{podSelector: {matchLabels: {app: api}}}]');
    const suites = await loadSuites([path.join(repo, 'shop.yaml'), path.join(repo, 'other.yaml')]);
    const plan = await planChangedSince(suites, await gitBase('main', repo));
    expect(plan.notRun).to.deep.equal([{ suite: 'other', reason: `no cell changed verdict since ${plan.base} (2 cells compared)` }]);
    expect(plan.run.map((s) => s.name)).to.deep.equal(['shop']);
    expect(plan.added).to.deep.equal({ shop: 1 });
    const assertions = plan.run[0]?.steps[0]?.assertions ?? [];
    expect(assertions.map((a) => a.id)).to.deep.equal(['m80', 'client-low', 'client-high', 'changed-a-batch-to-a-web-80-tcp']);
    expect(assertions[3]).to.include({ kind: 'connect', expect: 'deny', port: 80 });
    // the planned suite is what the live run gets: it verifies against today's policies
    expect(runPassed(verifySuites(plan.run))).to.equal(true);
  });

  it('run --changed-since through the CLI: nothing affected creates no cluster and reports every suite as not run (exit 0)', async () => {
    const junit = path.join(repo, 'junit.xml');
    const json = path.join(repo, 'report.json');
    const run = await runInProcess(
      ['run', path.join(repo, 'shop.yaml'), path.join(repo, 'other.yaml'), '--changed-since', 'main', '--kubeconfig', path.join(repo, 'no-such.kubeconfig'), '--junit', junit, '--json', json],
      repo,
    );
    expect(run.stderr).to.contain('not run: shop: no cell changed verdict since').and.contain('not run: other: no cell changed verdict since');
    expect(run.code, run.stderr).to.equal(0);
    expect(await readFile(junit, 'utf8')).to.contain('tests="0"');
    const report = JSON.parse(await readFile(json, 'utf8')) as { environment: Record<string, string>; passed: boolean };
    expect(Object.keys(report.environment).sort()).to.deep.equal(['not run: other', 'not run: shop']);
    expect(report.passed).to.equal(true);
  });

  it('run --changed-since through the CLI: an affected suite goes to the cluster (here an unreadable kubeconfig: exit 3), the other is not run', async () => {
    await edit('allow-web.yaml', '- from: [{podSelector: {}}]', '- from: [{podSelector: {matchLabels: {app: api}}}]');
    const run = await runInProcess(
      ['run', path.join(repo, 'shop.yaml'), path.join(repo, 'other.yaml'), '--changed-since', 'main', '--kubeconfig', path.join(repo, 'no-such.kubeconfig')],
      repo,
    );
    expect(run.stderr).to.contain('shop runs every assertion plus 1 changed cell(s)').and.contain('not run: other:');
    expect(run.code, run.stderr).to.not.equal(0);
  });

  it('console and Markdown group the changes and show both explanations', async () => {
    await edit('allow-web.yaml', '    - from: [{namespaceSelector: {matchLabels: {team: b}}}]\n', '');
    const consoleRun = await runInProcess(['diff', path.join(repo, 'shop.yaml'), '--base', 'main'], repo);
    expect(consoleRun.stdout).to.contain('Newly denied (1):').and.contain('before: allowed').and.contain('after:  denied by the ingress side');
    expect(consoleRun.stdout).to.match(/0 newly allowed, 1 newly denied against main \([0-9a-f]{7}\) \(\d+ cells compared\); 1 breaks an assertion/);
    const md = await runInProcess(['diff', path.join(repo, 'shop.yaml'), '--base', 'main', '--markdown', '-'], repo);
    expect(md.stdout).to.contain('**Newly denied (1)**').and.contain('| `b/client -> a/web:80/TCP` |');
  });

  it('--base-dir compares against a directory laid out like the repository', async () => {
    const baseDir = await mkdtemp(path.join(tmpdir(), 'netpol-diff-base-'));
    await cp(path.join(repo, 'policies'), path.join(baseDir, 'policies'), { recursive: true });
    await edit('allow-web.yaml', '    - from: [{namespaceSelector: {matchLabels: {team: b}}}]\n', '');
    const run = await runInProcess(['diff', path.join(repo, 'shop.yaml'), '--base-dir', baseDir, '--json', '-'], repo);
    const changes = (JSON.parse(run.stdout) as { suites: { changes: Change[] }[] }).suites.flatMap((s) => s.changes);
    expect(summary(changes)).to.deep.equal(['newly-denied b/client -> a/web']);
    await rm(baseDir, { recursive: true, force: true });
  });

  it('a policy file new since the base counts as absent there; an unknown ref is bad input (exit 2)', async () => {
    await writeFile(path.join(repo, 'policies', 'new.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: new, namespace: b}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n');
    const result = await diff();
    expect(summary(result.changes)).to.deep.equal(['newly-denied a/api -> b/client', 'newly-denied a/batch -> b/client', 'newly-denied a/web -> b/client']);
    const bad = await runInProcess(['diff', path.join(repo, 'shop.yaml'), '--base', 'no-such-ref'], repo);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('no such commit, branch or tag');
  });
});
