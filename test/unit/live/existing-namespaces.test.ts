/**
 * Fixture namespaces that exist already ({name: default, existing: true}) in a live run against the in-memory
 * cluster: the run adds only its own objects there, removes exactly those, includes the policies already there in
 * the model (and the report), and refuses, before creating anything, what would change what it did not create.
 */
import path from 'node:path';
import { expect } from 'chai';
import { cleanupRuns } from '../../../src/deploy/index.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { runLive } from '../../../src/run/index.js';
import { countRun } from '../../../src/results/results.js';
import { loadSuite } from '../../../src/suite/index.js';
import type { Suite } from '../../../src/suite/types.js';
import { tempTree } from '../suite/helpers.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';

const SUITE = `apiVersion: netpol-e2e/v1
kind: Suite
name: in-default
fixture:
  namespaces:
    - {name: default, existing: true, labels: {team: shop}}
  workloads:
    - {name: api, namespace: default, labels: {app: api}, ports: [{port: 8080}]}
    - {name: client, namespace: default, labels: {app: client}}
    - {name: other, namespace: default, labels: {app: other}}
policies:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-allow-client, namespace: default}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
assertions:
  - {id: client-to-api, from: default/client, to: default/api, port: 8080, expect: allow}
  - {id: other-to-api, from: default/other, to: default/api, port: 8080, expect: deny}
`;

function foreign(kind: 'Pod' | 'NetworkPolicy', name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject {
  const apiVersion = kind === 'Pod' ? 'v1' : 'networking.k8s.io/v1';
  return { apiVersion, kind, metadata: { name, namespace: 'default', labels }, spec } as KubeObject;
}

const LEGACY_POD = foreign('Pod', 'legacy', { containers: [{ name: 'app', image: 'legacy:1' }] }, { app: 'legacy' });

describe('runLive with an existing namespace (existing: true)', () => {
  let suite: Suite;
  let cleanup: () => Promise<void> = async () => {};
  before(async () => {
    const tree = await tempTree({ 'suite.yaml': SUITE });
    cleanup = tree.cleanup;
    suite = await loadSuite(path.join(tree.dir, 'suite.yaml'));
  });
  after(async () => cleanup());

  async function clusterWithDefault(labels: Record<string, string> = { team: 'shop' }): Promise<{ clock: FakeClock; cluster: FakeCluster }> {
    const clock = new FakeClock();
    const cluster = new FakeCluster({ clock, enforcementDelayMs: 500 });
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels } });
    await cluster.apply(LEGACY_POD);
    return { clock, cluster };
  }

  it('adds its pods and policies there, removes exactly those, and never changes the namespace or what it did not make', async () => {
    const { clock, cluster } = await clusterWithDefault();
    const result = await runLive([suite], { kube: cluster, clock, runId: 'exist1', externals: { enabled: false } });
    const counts = countRun(result);
    expect(counts.failed + counts.errors, JSON.stringify(result, null, 1).slice(0, 3000)).to.equal(0);
    expect(counts.passed).to.equal(2);
    const namespace = await cluster.get<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', name: 'default' });
    expect(namespace?.metadata.labels).to.deep.equal({ team: 'shop' });
    const pods = await cluster.list<KubeObject>('v1', 'Pod', { namespace: 'default' });
    expect(pods.map((p) => p.metadata.name)).to.deep.equal(['legacy']);
    expect(await cluster.list('networking.k8s.io/v1', 'NetworkPolicy', { namespace: 'default' })).to.deep.equal([]);
  });

  it('includes the policies already in the namespace in the model and lists them in the report', async () => {
    const { clock, cluster } = await clusterWithDefault();
    await cluster.apply(foreign('NetworkPolicy', 'deny-all-ingress', { podSelector: {}, policyTypes: ['Ingress'] }));
    const result = await runLive([suite], { kube: cluster, clock, runId: 'exist2', externals: { enabled: false } });
    expect(result.environment['existing policies (in-default)']).to.contain('default/deny-all-ingress');
    const allowed = result.suites[0]?.cells.find((c) => c.assertionId === 'client-to-api');
    // the suite's allow still admits the client: additive rules; the foreign deny-all changes nothing for it
    expect(allowed?.status).to.equal('passed');
    expect(allowed?.model?.explanation.join('\n')).to.contain('default/deny-all-ingress');
    expect((await cluster.list<KubeObject>('networking.k8s.io/v1', 'NetworkPolicy', { namespace: 'default' })).map((p) => p.metadata.name)).to.deep.equal([
      'deny-all-ingress',
    ]);
  });

  it('refuses before creating anything: a missing namespace, missing labels, a taken name, a policy selecting foreign pods', async () => {
    const cases: { name: string; prepare: (cluster: FakeCluster) => Promise<void>; message: RegExp }[] = [
      { name: 'missing', prepare: async (c) => c.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }), message: /declared existing .* has no namespace default/ },
      { name: 'labels', prepare: async (c) => void (await c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: {} } })), message: /expected team=shop, found no team/ },
      { name: 'taken', prepare: async (c) => void (await c.apply(foreign('Pod', 'api', { containers: [] }, { app: 'x' }))), message: /a Pod named api .* exists there that this run did not create/ },
      { name: 'selects', prepare: async (c) => void (await c.apply(foreign('Pod', 'real-api', { containers: [] }, { app: 'api' }))), message: /would select pods the run did not create .*real-api/ },
    ];
    for (const { name, prepare, message } of cases) {
      const { clock, cluster } = await clusterWithDefault();
      await prepare(cluster);
      const before = [...cluster.objects.keys()].filter((k) => !k.includes('netpol-e2e-canary')).sort();
      const result = await runLive([suite], { kube: cluster, clock, runId: `exist-${name}`, externals: { enabled: false } });
      const errors = [...result.errors, ...result.suites.flatMap((s) => s.errors)].map((e) => e.message).join('\n');
      expect(errors, name).to.match(message);
      expect([...cluster.objects.keys()].filter((k) => !k.includes('netpol-e2e-canary')).sort(), name).to.deep.equal(before);
    }
  });

  it("'netpol-e2e cleanup' removes a crashed run's objects from an existing namespace, and nothing else", async () => {
    const { clock, cluster } = await clusterWithDefault();
    const runObject = { 'app.kubernetes.io/managed-by': 'netpol-e2e', 'netpol-e2e.io/run-id': 'crashed' };
    await cluster.apply(foreign('Pod', 'api', { containers: [] }, { app: 'api', ...runObject }));
    await cluster.apply(foreign('NetworkPolicy', 'api-allow-client', { podSelector: {} }, runObject));
    const result = await cleanupRuns(cluster, { docker: false, clock });
    expect(result.deleted.sort()).to.deep.equal(['networkpolicy default/api-allow-client', 'pod default/api']);
    expect(await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' })).to.not.equal(undefined);
    expect(await cluster.get({ apiVersion: 'v1', kind: 'Pod', name: 'legacy', namespace: 'default' })).to.not.equal(undefined);
  });
});
