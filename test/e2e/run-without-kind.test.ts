/** `npx netpol-e2e run suites/` where kind is missing and the local test cluster is up: exit 3, both choices. */
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
});
