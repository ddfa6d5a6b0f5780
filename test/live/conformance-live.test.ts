/**
 * The shared NetworkPolicy corpus (test/fixtures/netpol-corpus), judged by real traffic on the cluster: every
 * matrix case passes, except where the cluster cannot carry a protocol (skipped with the evidence, never passed);
 * traffic-check cases are model-only and skipped. Leaves nothing behind.
 */
import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus } from '../../src/conformance/index.js';
import { runConformanceLive } from '../../src/engine/live/index.js';
import { countRun } from '../../src/engine/results.js';
import type { KubeClient } from '../../src/kube/types.js';
import { requireLiveCluster } from './live-env.js';
import { kubeFor, namespacesOfRun, PROBE_IMAGE, PULL_POLICY } from './run-live-helpers.js';

describe('live conformance: the shared corpus', function () {
  this.timeout(60 * 60_000);
  let kube: KubeClient;
  before(async function () {
    kube = await kubeFor(requireLiveCluster(this));
  });

  it('every matrix case passes against the cluster', async () => {
    const corpus = await loadCorpus('test/fixtures/netpol-corpus');
    const runId = `k${Date.now().toString(36)}`;
    const artifacts = await mkdtemp(join(tmpdir(), 'npe2e-conformance-'));
    const result = await runConformanceLive(corpus, { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: artifacts });
    await writeFile(join(artifacts, 'result.json'), JSON.stringify(result, null, 2));
    const bad = result.suites.flatMap((s) => s.cells.filter((c) => c.status !== 'passed' && c.status !== 'skipped').map((c) => `${s.name}: ${c.name}: ${c.status}\n${c.message}`));
    expect(bad, `result in ${artifacts}/result.json`).to.deep.equal([]);
    expect(result.errors).to.deep.equal([]);
    for (const suite of result.suites) {
      for (const cell of suite.cells.filter((c) => c.status === 'skipped')) {
        // only traffic checks, and protocols the positive control proved the cluster does not carry
        expect(`${suite.name}: ${cell.message}`).to.match(/traffic-check cases|does not work on this cluster/);
      }
    }
    expect(countRun(result).passed).to.be.at.least(40);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
  });
});
