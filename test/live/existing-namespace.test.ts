/**
 * A suite whose namespace exists already (existing: true), against the real cluster: the test makes a namespace
 * the way a user's would be (labels, a pod and a NetworkPolicy of its own), the run adds only its own objects there
 * and removes exactly those; the namespace, its labels, its pod and its policy stay as they were.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient, KubeObject } from '../../src/kube/types.js';
import { runLive } from '../../src/run/index.js';
import { countRun } from '../../src/results/results.js';
import { loadSuite } from '../../src/suite/index.js';
import { requireLiveCluster } from './live-env.js';
import { kubeFor, PROBE_IMAGE, PULL_POLICY } from './run-live-helpers.js';

describe('live run: an existing namespace (existing: true)', function () {
  this.timeout(10 * 60_000);
  let kube: KubeClient;
  const namespace = `existing-${Date.now().toString(36)}`;
  let dir: string;

  before(async function () {
    kube = await kubeFor(requireLiveCluster(this));
    dir = await mkdtemp(join(tmpdir(), 'npe2e-existing-'));
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { team: 'shop' } } });
    await kube.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'legacy', namespace, labels: { app: 'legacy' } },
      spec: { containers: [{ name: 'app', image: PROBE_IMAGE, imagePullPolicy: 'IfNotPresent', args: ['pause'] }], terminationGracePeriodSeconds: 0 },
    } as KubeObject);
    await kube.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'legacy-isolated', namespace },
      spec: { podSelector: { matchLabels: { app: 'legacy' } }, policyTypes: ['Ingress'] },
    } as KubeObject);
  });
  after(async () => {
    if (kube) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes, lists the policy already there, and leaves the namespace and what it did not create as they were', async () => {
    const file = join(dir, 'suite.yaml');
    await writeFile(file, `apiVersion: netpol-e2e/v1
kind: Suite
name: existing-namespace
fixture:
  namespaces:
    - {name: ${namespace}, existing: true, labels: {team: shop}}
  workloads:
    - {name: api, namespace: ${namespace}, labels: {app: api}, ports: [{port: 8080}]}
    - {name: client, namespace: ${namespace}, labels: {app: client}}
    - {name: other, namespace: ${namespace}, labels: {app: other}}
policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-allow-client, namespace: ${namespace}}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
assertions:
  - {from: ${namespace}/client, to: ${namespace}/api, port: 8080, expect: allow}
  - {from: ${namespace}/other, to: ${namespace}/api, port: 8080, expect: deny}
`);
    const suite = await loadSuite(file);
    const runId = `x${Date.now().toString(36)}`;
    const result = await runLive([suite], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: dir });
    const counts = countRun(result);
    expect(counts.failed + counts.errors, JSON.stringify([result.errors, result.suites.map((s) => s.errors)])).to.equal(0);
    expect(counts.passed).to.equal(2);
    expect(result.environment['existing policies (existing-namespace)']).to.contain(`${namespace}/legacy-isolated`);
    const live = await kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    expect(live?.metadata.labels).to.deep.equal({ team: 'shop', 'kubernetes.io/metadata.name': namespace });
    const pods = await kube.list<KubeObject>('v1', 'Pod', { namespace });
    expect(pods.map((p) => p.metadata.name)).to.deep.equal(['legacy']);
    const policies = await kube.list<KubeObject>('networking.k8s.io/v1', 'NetworkPolicy', { namespace });
    expect(policies.map((p) => p.metadata.name)).to.deep.equal(['legacy-isolated']);
  });
});
