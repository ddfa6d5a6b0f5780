/**
 * A generated suite runs live unchanged: policies with selectors across namespaces, a named port, default-deny
 * egress with a DNS allowance and an egress ipBlock with an except; `generate` infers the fixture and the truth,
 * and the live run on the cluster agrees with every generated assertion. `generate --from-cluster` then
 * snapshots the running fixture read-only and the snapshot's truth equals the generated one.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runLive } from '../../src/run/index.js';
import { countRun, runPassed } from '../../src/results/index.js';
import { generateFromFiles } from '../../src/generate/index.js';
import { loadSuite } from '../../src/suite/index.js';
import type { KubeClient, KubeObject } from '../../src/kube/types.js';
import { buildProbePod } from '../../src/deploy/index.js';
import { runInProcess } from '../support/capture-cli.js';
import { requireLiveCluster } from './live-env.js';
import { dockerObjectsOfRun, kubeFor, namespacesOfRun, PROBE_IMAGE, PULL_POLICY, problemsOf } from './run-live-helpers.js';

function policies(id: string): string {
  const front = `gen-${id}-front`;
  const back = `gen-${id}-back`;
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: ${back}}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: ${back}}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: ${back}}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {zone: ${front}}}, podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}]
      ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-egress, namespace: ${back}}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]
      ports: [{port: 443}]
`;
}

describe('live: a generated suite', function () {
  this.timeout(20 * 60_000);
  let kube: KubeClient;
  before(async function () {
    const kubeconfig = requireLiveCluster(this);
    kube = await kubeFor(kubeconfig);
  });

  it('runs live unchanged and every generated assertion holds on the cluster', async () => {
    const id = Date.now().toString(36).slice(-5);
    const dir = await mkdtemp(path.join(tmpdir(), 'netpol-gen-live-'));
    await writeFile(path.join(dir, 'policies.yaml'), policies(id));
    const { text, suite: generated } = await generateFromFiles([path.join(dir, 'policies.yaml')], { name: `gen-${id}`, cwd: dir, suiteDir: dir, maxPorts: 4, outsiderNamespace: `gen-${id}-outsider` });
    expect(generated.fixture.externals.map((e) => e.ip)).to.deep.equal(['203.0.113.20', '203.0.113.148']);
    expect(generated.dns.length, text).to.be.greaterThan(0);
    const file = path.join(dir, 'suite.yaml');
    await writeFile(file, text);
    const suite = await loadSuite(file);
    const runId = `g${id}`;
    const result = await runLive([suite], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: dir });
    expect(result.errors, text).to.deep.equal([]);
    expect(problemsOf(result), `${text}\nartifacts: ${dir}`).to.deep.equal([]);
    expect(runPassed(result)).to.equal(true);
    const counts = countRun(result);
    expect(counts.passed).to.be.greaterThan(40);
    expect(counts.failed + counts.errors).to.equal(0);
    for (const cell of result.suites.flatMap((s) => s.cells)) expect(cell.observed, cell.name).not.to.equal(undefined);
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(runId)).to.deep.equal([]);
  });
});

describe('live: generate --from-cluster', function () {
  this.timeout(20 * 60_000);
  let kube: KubeClient;
  let kubeconfig: string;
  const id = Date.now().toString(36).slice(-5);
  const namespaces = [`snap-${id}-shop`, `snap-${id}-ops`];
  before(async function () {
    kubeconfig = requireLiveCluster(this);
    kube = await kubeFor(kubeconfig);
  });
  after(async () => {
    for (const name of namespaces) await kube?.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  });

  async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it('snapshots namespaces, running pods and policies read-only; the snapshot runs live once the originals are gone', async () => {
    const [shop, ops] = namespaces as [string, string];
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: shop, labels: { team: 'shop' } } });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ops, labels: { team: 'ops' } } });
    const pod = (namespace: string, name: string, labels: Record<string, string>) =>
      buildProbePod({ namespace, name, labels, ports: [{ port: 8080, protocol: 'TCP', name: 'http' }], image: PROBE_IMAGE, imagePullPolicy: PULL_POLICY });
    await kube.apply(pod(shop, 'web', { app: 'web' }));
    await kube.apply(pod(shop, 'api', { app: 'api' }));
    await kube.apply(pod(ops, 'prometheus', { app: 'prometheus' }));
    await kube.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-from-web-and-ops', namespace: shop },
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 'http' }] }],
      },
    });
    await waitFor(async () => {
      const pods = [...(await kube.list<KubeObject & { status?: { phase?: string } }>('v1', 'Pod', { namespace: shop })), ...(await kube.list<KubeObject & { status?: { phase?: string } }>('v1', 'Pod', { namespace: ops }))];
      return pods.length === 3 && pods.every((p) => p.status?.phase === 'Running');
    }, 'the three pods to run');

    const dir = await mkdtemp(path.join(tmpdir(), 'netpol-snap-live-'));
    const output = path.join(dir, 'staging.yaml');
    const run = await runInProcess(['generate', '--from-cluster', '--kubeconfig', kubeconfig, '--namespace', shop, '--namespace', ops, '-o', output], dir);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.contain('3 workloads').and.contain('verified:');
    const suite = await loadSuite(output);
    expect(suite.fixture.workloads.map((w) => `${w.namespace}/${w.name}`)).to.deep.equal([`${ops}/prometheus`, `${shop}/api`, `${shop}/web`]);
    expect(suite.fixture.namespaces.find((n) => n.name === ops)?.labels).to.deep.equal({ team: 'ops' });

    for (const name of namespaces) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name });
    await waitFor(async () => (await Promise.all(namespaces.map((name) => kube.get({ apiVersion: 'v1', kind: 'Namespace', name })))).every((n) => n === undefined), 'the snapshotted namespaces to go');
    const runId = `s${id}`;
    const result = await runLive([suite], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: dir });
    expect(result.errors).to.deep.equal([]);
    expect(problemsOf(result), `artifacts: ${dir}`).to.deep.equal([]);
    expect(runPassed(result)).to.equal(true);
    expect(countRun(result).passed).to.equal(6); // 3 sources x 3 destinations on 8080, diagonal excluded
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
  });
});
