import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKindOrLocalCluster, isOnPath, localClusterKubeconfig } from '../../../src/cli/kind-or-local-cluster.js';
import { PreflightError } from '../../../src/util/errors.js';

describe('run without kind on a machine with the local test cluster', () => {
  let tmp: string;
  let emptyBin: string;
  let kindBin: string;
  let state: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-e2e-kind-hint-'));
    emptyBin = join(tmp, 'empty-bin');
    kindBin = join(tmp, 'kind-bin');
    state = join(tmp, 'state');
    mkdirSync(emptyBin);
    mkdirSync(kindBin);
    writeFileSync(join(kindBin, 'kind'), '#!/bin/sh\n');
    chmodSync(join(kindBin, 'kind'), 0o755);
    mkdirSync(join(state, 'kubeconfig'), { recursive: true });
    writeFileSync(join(state, 'kubeconfig', 'admin.kubeconfig'), 'apiVersion: v1\n');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds executables on PATH only', () => {
    expect(isOnPath('kind', { PATH: `${emptyBin}:${kindBin}` })).to.equal(true);
    expect(isOnPath('kind', { PATH: emptyBin })).to.equal(false);
    writeFileSync(join(emptyBin, 'kind'), 'not executable');
    chmodSync(join(emptyBin, 'kind'), 0o644);
    expect(isOnPath('kind', { PATH: emptyBin })).to.equal(false);
  });

  it('names both choices with the exact commands', () => {
    const env = { PATH: emptyBin, NETPOL_E2E_STATE: state };
    const kubeconfig = localClusterKubeconfig(env);
    let error: unknown;
    try {
      checkKindOrLocalCluster({ cluster: 'kind' }, 'run', ['suites/', '--cluster', 'kind', '--junit', 'my reports/j.xml'], env);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(PreflightError);
    const { message, hint } = error as PreflightError;
    expect(message).to.contain('kind was not found on PATH').and.to.contain(kubeconfig);
    expect(hint).to.contain(`npx netpol-e2e run suites/ --junit 'my reports/j.xml' --kubeconfig ${kubeconfig}`);
    expect(hint).to.contain('go install sigs.k8s.io/kind@v');
  });

  it('stays silent when kind is installed, when there is no local cluster, or for an existing cluster', () => {
    expect(() => checkKindOrLocalCluster({ cluster: 'kind' }, 'run', ['suites/'], { PATH: kindBin, NETPOL_E2E_STATE: state })).not.to.throw();
    expect(() => checkKindOrLocalCluster({ cluster: 'kind' }, 'run', ['suites/'], { PATH: emptyBin, NETPOL_E2E_STATE: join(tmp, 'none') })).not.to.throw();
    expect(() => checkKindOrLocalCluster({ cluster: 'existing' }, 'run', ['suites/'], { PATH: emptyBin, NETPOL_E2E_STATE: state })).not.to.throw();
  });
});
