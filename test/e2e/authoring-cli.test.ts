/** generate, diff and coverage through the built CLI: exit codes and output as scripts see them. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCli } from './cli-process.js';

describe('CLI (as a process): generate, diff, coverage', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-e2e-authoring-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('generate writes a suite that verifies (exit 0), and it verifies again as a separate command', async () => {
    // the suite and the policies it names stay inside one root
    cpSync('suites/three-tier', join(tmp, 'three-tier'), { recursive: true });
    const out = join(tmp, 'three-tier.yaml');
    const run = await runCli(['generate', 'three-tier/', '-o', out], { cwd: tmp });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/wrote .*three-tier\.yaml: 6 policies, 4 namespaces, 7 workloads, 3 matrices \(147 cells\)/).and.contain('verified: 126 passed');
    expect(readFileSync(out, 'utf8')).to.contain('kind: Suite').and.contain('# What each policy selects in this fixture:');
    const verify = await runCli(['verify', out]);
    expect(verify.code, verify.stdout).to.equal(0);
  });

  it('generate to stdout; without policies, or --from-cluster without -o, is bad input (exit 2)', async () => {
    const stdout = await runCli(['generate', 'suites/default-deny/']);
    expect(stdout.code).to.equal(0);
    expect(stdout.stdout).to.contain('apiVersion: netpol-e2e/v1').and.contain('dns: {from: payments/outsider');
    expect((await runCli(['generate'])).code).to.equal(2);
    const fromCluster = await runCli(['generate', '--from-cluster']);
    expect(fromCluster.code).to.equal(2);
    expect(fromCluster.stderr).to.contain('--from-cluster needs -o');
    const notPolicies = await runCli(['generate', 'suites/three-tier.yaml']);
    expect(notPolicies.code).to.equal(2);
  });

  it('diff against an identical base: no changes (exit 0); an unknown ref or both bases: exit 2', async () => {
    const same = await runCli(['diff', 'suites/three-tier.yaml', '--base-dir', '.']);
    expect(same.code, same.stderr).to.equal(0);
    expect(same.stdout).to.contain('no verdict changes against directory . (14 cells compared)');
    const unknown = await runCli(['diff', 'suites/three-tier.yaml', '--base', 'no-such-ref-xyz']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('no such commit, branch or tag');
    expect((await runCli(['diff', 'suites/three-tier.yaml', '--base', 'HEAD', '--base-dir', '.'])).code).to.equal(2);
    expect((await runCli(['diff', 'suites/three-tier.yaml', '--base-dir', '.', '--fail-on', 'some'])).code).to.equal(2);
  });

  it('verify --min-coverage: exit 0 at or above, 1 below, 2 when not a percentage', async () => {
    expect((await runCli(['verify', 'suites/three-tier.yaml', '--min-coverage', '92.9'])).code).to.equal(0);
    const below = await runCli(['verify', 'suites/three-tier.yaml', '--min-coverage', '93']);
    expect(below.code).to.equal(1);
    expect(below.stdout).to.contain('not exercised: web/default-deny-ingress');
    expect((await runCli(['verify', 'suites/three-tier.yaml', '--min-coverage', 'lots'])).code).to.equal(2);
  });
});
