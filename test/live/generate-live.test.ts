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
import { runLive } from '../../src/engine/live/index.js';
import { countRun, runPassed } from '../../src/engine/results.js';
import { generateFromFiles } from '../../src/generate/index.js';
import { loadSuite } from '../../src/suite/index.js';
import type { KubeClient } from '../../src/kube/types.js';
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
