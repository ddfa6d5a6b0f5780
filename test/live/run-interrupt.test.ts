/**
 * An interrupted run leaves nothing behind: aborting the signal of runLive mid-run, and SIGINT to the CLI
 * process mid-run, both end after cleanup with no namespace and no Docker object carrying the run id.
 */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLive } from '../../src/run/index.js';
import type { KubeClient } from '../../src/kube/types.js';
import { loadSuites } from '../../src/suite/index.js';
import { requireLiveCluster } from './live-env.js';
import { dockerObjectsOfRun, kubeFor, liveFlags, namespacesOfRun, PROBE_IMAGE, PULL_POLICY, runCli } from './run-live-helpers.js';

describe('live run: interrupted', function () {
  this.timeout(10 * 60_000);
  let kubeconfig: string;
  let kube: KubeClient;
  before(async function () {
    kubeconfig = requireLiveCluster(this);
    kube = await kubeFor(kubeconfig);
  });

  it('an aborted signal mid-run stops, cleans up everything (pods, namespaces, external containers) and ends with an INTERRUPTED error', async () => {
    const runId = `a${Date.now().toString(36)}`;
    // default-deny has an external target: its container must go too
    const suites = await loadSuites(['suites/default-deny.yaml', 'suites/three-tier.yaml']);
    const controller = new AbortController();
    let sawNamespaces = false;
    const result = runLive(suites, {
      kube,
      runId,
      probeImage: PROBE_IMAGE,
      imagePullPolicy: PULL_POLICY,
      signal: controller.signal,
      reporter: {
        onStepBegin: () => {
          void namespacesOfRun(kube, runId).then((names) => {
            sawNamespaces = names.length > 0;
            controller.abort('SIGINT');
          });
        },
        onEnd: () => undefined,
      },
    });
    expect((await result).errors.map((e) => e.code)).to.deep.equal(['INTERRUPTED']);
    expect(sawNamespaces, 'the run had created its namespaces before the abort').to.equal(true);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(runId)).to.deep.equal([]);
  });

  it('SIGINT to the CLI mid-run exits 130 after cleaning up', async () => {
    const runId = `s${Date.now().toString(36)}`;
    const dir = await mkdtemp(join(tmpdir(), 'npe2e-sigint-'));
    let signalled = false;
    const cli = await runCli(['run', 'suites/default-deny.yaml', '--kubeconfig', kubeconfig, ...liveFlags(runId, dir)], {
      kubeconfig,
      timeoutMs: 5 * 60_000,
      onOutput: (_text, child) => {
        if (signalled) return;
        void namespacesOfRun(kube, runId).then((names) => {
          if (names.length > 1 && !signalled) {
            signalled = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(signalled, 'SIGINT was sent after the run created its namespaces').to.equal(true);
    expect(cli.code, `${cli.stdout}\n${cli.stderr}`).to.equal(130);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(runId)).to.deep.equal([]);
  });
});
