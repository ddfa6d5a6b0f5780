/**
 * A cluster that accepts NetworkPolicy objects but drops nothing: with the local cluster's enforcer stopped
 * (test/cluster/enforcer.sh stop; restarted in `after`), a run ends with a NOT_ENFORCING error, exit 3.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeClient } from '../../src/kube/types.js';
import { requireLiveCluster, LOCAL_CLUSTER_KUBECONFIG } from './live-env.js';
import { ENFORCER_SCRIPT, kubeFor, liveFlags, namespacesOfRun, runCli } from './run-live-helpers.js';

const run = promisify(execFile);

describe('live run: a CNI that does not enforce NetworkPolicy', function () {
  this.timeout(10 * 60_000);
  let kubeconfig: string;
  let kube: KubeClient;
  let stopped = false;
  before(async function () {
    kubeconfig = requireLiveCluster(this);
    // only the local test cluster has an enforcer this test may stop
    if (kubeconfig !== LOCAL_CLUSTER_KUBECONFIG) this.skip();
    kube = await kubeFor(kubeconfig);
    await run('bash', [ENFORCER_SCRIPT, 'stop']);
    stopped = true;
  });
  after(async () => {
    if (stopped) await run('bash', [ENFORCER_SCRIPT, 'start']);
  });

  it('fails the run with a NOT_ENFORCING error and exit 3, and cleans up', async () => {
    const runId = `n${Date.now().toString(36)}`;
    const dir = await mkdtemp(join(tmpdir(), 'npe2e-notenforcing-'));
    const cli = await runCli(['run', 'suites/rollout.yaml', '--kubeconfig', kubeconfig, ...liveFlags(runId, dir), '--json', join(dir, 'report.json')], {
      kubeconfig,
      timeoutMs: 5 * 60_000,
    });
    expect(cli.code, `${cli.stdout}\n${cli.stderr}`).to.equal(3);
    expect(cli.stderr).to.contain('the CNI does not enforce NetworkPolicy');
    expect(cli.stderr).to.match(/connected/);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
  });
});
