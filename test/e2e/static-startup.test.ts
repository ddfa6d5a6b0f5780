/**
 * Static commands never load the cluster boundary: @kubernetes/client-node and testcontainers cost most of a
 * `verify` start-up, and a static check uses no cluster. The cluster commands load them (the control below
 * proves the hook sees them).
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { CLI, runCli } from './cli-process.js';

const HOOK = fileURLToPath(new URL('../support/cluster-module-hook.mjs', import.meta.url));

function loaded(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('NETPOL_E2E_LOADED '));
}

describe('CLI start-up: static commands do not load the Kubernetes client or testcontainers', function () {
  this.timeout(120_000);
  const env = { NODE_OPTIONS: `--import ${HOOK}` };

  for (const args of [
    ['verify', 'suites/three-tier.yaml'],
    ['lint', 'suites/three-tier.yaml'],
    ['explain', 'suites/three-tier.yaml', '--from', 'web/frontend', '--to', 'api/orders', '--port', '8080'],
    ['conformance', '--help'],
  ]) {
    it(`netpol-e2e ${args.join(' ')}`, async () => {
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).to.be.oneOf([0, 1]);
      expect(loaded(r.stderr)).to.deep.equal([]);
    });
  }

  it('the library (dist/index.js) does not load them at import', () => {
    const importing = (file: string): string[] => {
      const url = new URL(file, new URL('../', `file://${CLI}`)).href;
      const r = spawnSync(process.execPath, ['--import', HOOK, '-e', `await import(${JSON.stringify(url)})`, '--input-type=module'], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      return loaded(r.stderr);
    };
    expect(importing('index.js')).to.deep.equal([]);
  });

  it('control: a command that reaches a cluster does load them', async () => {
    const r = await runCli(['cleanup', '--kubeconfig', '/nonexistent/kubeconfig'], { env });
    expect(loaded(r.stderr).some((line) => line.includes('@kubernetes/client-node'))).to.equal(true);
  });
});
