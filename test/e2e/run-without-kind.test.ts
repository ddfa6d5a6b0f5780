/**
 * `run` checks made before anything is created: kind missing next to the local test cluster (exit 3, both
 * choices), external targets with public addresses (exit 2 without --allow-public-externals).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';

describe('CLI run without kind, local test cluster up (as a process)', function () {
  this.timeout(60_000);
  let tmp: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-e2e-nokind-'));
    mkdirSync(join(tmp, 'bin'));
    mkdirSync(join(tmp, 'state', 'kubeconfig'), { recursive: true });
    writeFileSync(join(tmp, 'state', 'kubeconfig', 'admin.kubeconfig'), 'apiVersion: v1\n');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 3 before creating anything and prints the --kubeconfig command and the kind install command', async () => {
    const kubeconfig = join(tmp, 'state', 'kubeconfig', 'admin.kubeconfig');
    const r = await runCli(['run', 'suites/'], { env: { PATH: join(tmp, 'bin'), NETPOL_E2E_STATE: join(tmp, 'state') } });
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stderr).to.contain('kind was not found on PATH');
    expect(r.stderr).to.contain(`npx netpol-e2e run suites/ --kubeconfig ${kubeconfig}`);
    expect(r.stderr).to.contain('go install sigs.k8s.io/kind@');
    expect(r.stderr).not.to.contain('kind cluster with Calico\n'); // the session never started
  });

  it('refuses an external target with a public address (exit 2) and names the opt-in', async () => {
    const r = await runCli(['run', 'test/fixtures/cli/public-external.yaml'], { env: { PATH: join(tmp, 'bin'), NETPOL_E2E_STATE: join(tmp, 'state') } });
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.contain('test/fixtures/cli/public-external.yaml:11:');
    expect(r.stderr).to.contain('external "resolver" has the public address 8.8.8.8');
    expect(r.stderr).not.to.contain('203.0.113.10 (');
    expect(r.stderr).to.contain('--allow-public-externals');
  });

  it('with --allow-public-externals (or --no-externals) the suite passes the check; the opt-in is a warning', async () => {
    const env = { PATH: join(tmp, 'bin'), NETPOL_E2E_STATE: join(tmp, 'state') };
    const allowed = await runCli(['run', 'test/fixtures/cli/public-external.yaml', '--allow-public-externals'], { env });
    expect(allowed.code, allowed.stderr).to.equal(3); // the next check: kind missing, local cluster up
    expect(allowed.stderr).to.match(/warning: .*external "resolver" has the public address 8\.8\.8\.8.*allowed by --allow-public-externals/);
    const skipped = await runCli(['run', 'test/fixtures/cli/public-external.yaml', '--no-externals'], { env });
    expect(skipped.code, skipped.stderr).to.equal(3);
    expect(skipped.stderr).not.to.contain('8.8.8.8');
  });
});
