/**
 * Rule coverage on the example suites, counted by hand from the policy files and the assertions, and through
 * verify's --coverage / --min-coverage with every report format.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { computeCoverage, suiteCoverage } from '../../../src/coverage/index.js';
import { formatCoverageHtml } from '../../../src/report/index.js';
import { loadSuite } from '../../../src/suite/index.js';
import { runInProcess } from '../../support/capture-cli.js';
import { minCoverageOption } from '../../../src/cli/args.js';
import { InputError } from '../../../src/util/errors.js';

const uncovered = (items: { name: string; covered: boolean }[]): string[] => items.filter((i) => !i.covered).map((i) => i.name);

describe('rule coverage', () => {
  it('three-tier: 13 of 14 items; only web/default-deny-ingress is never exercised', async () => {
    // Policies (6): default-deny-ingress in web, api, db; allow-http-to-frontend (1 rule, no peers, 1 port);
    // allow-frontend-to-orders (1 rule, 1 peer, 1 port); allow-orders-to-postgres (1 rule, 1 peer, 1 port).
    // Every allow rule admits an asserted cell (frontend http, frontend -> orders, orders -> postgres); the api and
    // db default denies isolate denied destinations (api/batch, db/postgres); no asserted cell is denied into web.
    const coverage = suiteCoverage(await loadSuite('suites/three-tier.yaml'));
    expect(coverage.counts.byKind).to.deep.equal({
      policy: { total: 6, covered: 5 },
      rule: { total: 3, covered: 3 },
      peer: { total: 2, covered: 2 },
      port: { total: 3, covered: 3 },
    });
    expect(coverage.counts.percent).to.equal(92.9); // 13/14
    expect(uncovered(coverage.items)).to.deep.equal(['web/default-deny-ingress']);
  });

  it('the HTML section escapes names and lists what is not exercised', async () => {
    const report = computeCoverage([await loadSuite('suites/three-tier.yaml')]);
    const html = formatCoverageHtml(report, (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(html).to.contain('<tr><td>three-tier</td><td>92.9%</td><td>5/6</td><td>3/3</td><td>2/2</td><td>3/3</td></tr>');
    expect(html).to.contain('<li>three-tier: web/default-deny-ingress</li>');
  });

  it('default-deny: the DNS rules\' 53/TCP ports are never exercised (lookups use 53/UDP)', async () => {
    // Policies (4): default-deny-all in payments and orders (no rules); allow-dns-egress in each (1 rule, 1 peer,
    // ports 53/UDP and 53/TCP). The DNS assertions are allowed by peer 1 port 1 (UDP); the deny assertions are
    // denied where default-deny-all isolates the pods.
    const coverage = suiteCoverage(await loadSuite('suites/default-deny.yaml'));
    expect(coverage.counts.total).to.equal(12);
    expect(coverage.counts.covered).to.equal(10);
    expect(uncovered(coverage.items)).to.deep.equal(['payments/allow-dns-egress egress rule 1 port 2', 'orders/allow-dns-egress egress rule 1 port 2']);
  });

  it('a rule that only repeats an earlier one is never exercised (the first admitting rule takes the cell)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'netpol-cov-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(dir, 's.yaml'),
      `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces: [{name: a}]
  workloads:
    - {name: x, namespace: a, labels: {app: x}, ports: [{port: 80}]}
    - {name: y, namespace: a, labels: {app: y}, ports: [{port: 80}]}
policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: a}
    spec:
      podSelector: {matchLabels: {app: "y"}}
      ingress:
        - from: [{podSelector: {matchLabels: {app: x}}}]
        - from: [{podSelector: {matchLabels: {app: x}}}, {podSelector: {matchLabels: {app: z}}}]
assertions:
  - {from: a/x, to: a/y, port: 80, expect: allow}
`,
    );
    const coverage = computeCoverage([await loadSuite(path.join(dir, 's.yaml'))]);
    expect(uncovered(coverage.suites[0]?.items ?? [])).to.deep.equal(['a/p ingress rule 2', 'a/p ingress rule 2 peer 1', 'a/p ingress rule 2 peer 2']);
    expect(coverage.total.percent).to.equal(50); // policy, rule 1, rule 1 peer 1 of 6
  });

  it('verify --coverage reports it on the console and in JSON, Markdown and JUnit; --min-coverage fails below it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'netpol-cov-out-'));
    const files = { json: path.join(dir, 'r.json'), markdown: path.join(dir, 'r.md'), junit: path.join(dir, 'r.xml'), html: path.join(dir, 'r.html') };
    const run = await runInProcess(['verify', 'suites/three-tier.yaml', '--coverage', '--json', files.json, '--markdown', files.markdown, '--junit', files.junit, '--html', files.html], process.cwd());
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain('three-tier: 92.9% (13/14: policies 5/6, rules 3/3, peers 2/2, ports 3/3)').and.contain('not exercised: web/default-deny-ingress');
    const json = JSON.parse(await readFile(files.json, 'utf8')) as { coverage: { total: { percent: number } } };
    expect(json.coverage.total.percent).to.equal(92.9);
    expect(await readFile(files.markdown, 'utf8')).to.contain('### Rule coverage').and.contain('| three-tier | 92.9% | 5/6 | 3/3 | 2/2 | 3/3 |');
    expect(await readFile(files.html, 'utf8')).to.contain('<section id="coverage"><h2>Rule coverage</h2>').and.contain('<td>three-tier</td><td>92.9%</td>');
    expect(await readFile(files.junit, 'utf8')).to.contain('<property name="coverage.three-tier.percent" value="92.9"/>').and.contain('<property name="coverage.three-tier.policies" value="5/6"/>');
    expect((await runInProcess(['verify', 'suites/three-tier.yaml', '--min-coverage', '92.9'], process.cwd())).code).to.equal(0);
    const below = await runInProcess(['verify', 'suites/three-tier.yaml', '--min-coverage', '93'], process.cwd());
    expect(below.code).to.equal(1);
    expect(below.stderr).to.contain('rule coverage 92.9% is below --min-coverage 93%');
    expect(() => minCoverageOption({ values: { 'min-coverage': '101' }, positionals: [] }, 'verify')).to.throw(InputError, /--min-coverage must be a percentage from 0 to 100, got '101'/);
    expect(minCoverageOption({ values: { 'min-coverage': '80%' }, positionals: [] }, 'verify')).to.equal(80);
  });
});
