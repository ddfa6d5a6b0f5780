/**
 * `run --changed-since` on the cluster: in a temporary git repository, a policy change affects one of two suites;
 * only that suite runs, with every assertion plus each changed cell (probed for real and passing), and the other
 * is reported as not run.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { gitBase, planChangedSince } from '../../src/diff/index.js';
import { runLive } from '../../src/run/index.js';
import { runPassed } from '../../src/results/index.js';
import type { KubeClient } from '../../src/kube/types.js';
import { loadSuites } from '../../src/suite/index.js';
import { requireLiveCluster } from './live-env.js';
import { kubeFor, namespacesOfRun, PROBE_IMAGE, PULL_POLICY, problemsOf } from './run-live-helpers.js';

function suite(name: string, namespace: string, policyDir: string): string {
  return `apiVersion: netpol-e2e/v1
kind: Suite
name: ${name}
fixture:
  namespaces: [{name: ${namespace}}]
  workloads:
    - {name: web, namespace: ${namespace}, labels: {app: web}, ports: [{port: 8080}]}
    - {name: api, namespace: ${namespace}, labels: {app: api}, ports: [{port: 8080}]}
    - {name: batch, namespace: ${namespace}, labels: {app: batch}, ports: [{port: 8080}]}
policies: [${policyDir}/*.yaml]
assertions:
  - {id: web-to-api, from: ${namespace}/web, to: ${namespace}/api, port: 8080, expect: allow}
`;
}

function policy(namespace: string, from: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: ${namespace}}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: ${from}}]}]
`;
}

describe('live: run --changed-since', function () {
  this.timeout(20 * 60_000);
  let kube: KubeClient;
  before(async function () {
    kube = await kubeFor(requireLiveCluster(this));
  });

  it('probes only the affected suite: its assertions plus the changed cell; the other is not run', async () => {
    const id = Date.now().toString(36).slice(-5);
    const repo = await mkdtemp(path.join(tmpdir(), 'netpol-changed-live-'));
    const [a, b] = [`chg-${id}-a`, `chg-${id}-b`];
    await mkdir(path.join(repo, 'a'));
    await mkdir(path.join(repo, 'b'));
    await writeFile(path.join(repo, 'a.yaml'), suite(`chg-${id}-a`, a, 'a'));
    await writeFile(path.join(repo, 'b.yaml'), suite(`chg-${id}-b`, b, 'b'));
    await writeFile(path.join(repo, 'a', 'api.yaml'), policy(a, '{}'));
    await writeFile(path.join(repo, 'b', 'api.yaml'), policy(b, '{}'));
    const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    await execa('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    await execa('git', ['add', '-A'], { cwd: repo });
    await execa('git', ['commit', '-qm', 'base'], { cwd: repo, env });
    // narrow suite a's policy: batch may no longer reach api
    await writeFile(path.join(repo, 'a', 'api.yaml'), (await readFile(path.join(repo, 'a', 'api.yaml'), 'utf8')).replace('podSelector: {}', 'podSelector: {matchLabels: {app: web}}'));

    const suites = await loadSuites([path.join(repo, 'a.yaml'), path.join(repo, 'b.yaml')]);
    const plan = await planChangedSince(suites, await gitBase('main', repo));
    expect(plan.run.map((s) => s.name)).to.deep.equal([`chg-${id}-a`]);
    expect(plan.notRun.map((n) => n.suite)).to.deep.equal([`chg-${id}-b`]);
    const runId = `c${id}`;
    const result = await runLive(plan.run, { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: repo });
    expect(problemsOf(result), `artifacts: ${repo}`).to.deep.equal([]);
    expect(runPassed(result)).to.equal(true);
    const cells = result.suites.flatMap((s) => s.cells);
    expect(cells.map((c) => `${c.assertionId} ${c.expected} ${c.observed?.verdict ?? 'not probed'}`)).to.deep.equal([
      'web-to-api allow allow',
      `changed-${a}-batch-to-${a}-api-8080-tcp deny deny`,
    ]);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
  });
});
