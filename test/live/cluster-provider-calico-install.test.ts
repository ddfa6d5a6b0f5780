/**
 * The kind provider's Calico install and wait, against the local test cluster with a stand-in manifest
 * (test/fixtures/calico-standin/): kind itself cannot run here, but the install logic is the same code path.
 * Proves the apply order (CRDs first, Established, then the rest), the waits, and the diagnosis of a broken
 * install; deletes every stand-in object afterwards.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createKubeClient } from '../../src/kube/kube-client.js';
import type { KubeClient, KubeObject, ObjectRef } from '../../src/kube/types.js';
import { prepareCalicoManifest, sha256Of } from '../../src/cluster/calico/calico-manifest.js';
import { applyCalico, waitForCalicoReady } from '../../src/cluster/calico/install-calico.js';
import { DEFAULT_CLUSTER_TIMEOUTS } from '../../src/cluster/defaults.js';
import { ClusterError, TimeoutError } from '../../src/util/errors.js';
import { poll, pollDone, pollPending } from '../../src/util/poll.js';
import { requireLiveCluster } from './live-env.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/calico-standin/${name}`, import.meta.url));
const HEALTHY = fixture('calico-standin.yaml');
const BROKEN = fixture('calico-standin-broken.yaml');
const POD_SUBNET = '10.244.0.0/16';

const STANDIN_OBJECTS: ObjectRef[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kube-system', name: 'calico-kube-controllers' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node' },
  { apiVersion: 'standin.netpol-e2e.io/v1', kind: 'StandInPool', name: 'default-ipv4-ippool' },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'standinpools.standin.netpol-e2e.io' },
];

/** The real client, recording the order of applies. */
function recording(client: KubeClient, applied: string[]): KubeClient {
  return {
    contextName: client.contextName,
    server: client.server,
    version: () => client.version(),
    apply: async <T extends KubeObject>(object: T) => {
      applied.push(`${object.kind} ${object.metadata.name}`);
      return client.apply(object);
    },
    get: (ref) => client.get(ref),
    list: (apiVersion, kind, options) => client.list(apiVersion, kind, options),
    delete: (ref) => client.delete(ref),
    exec: (namespace, pod, argv, options) => client.exec(namespace, pod, argv, options),
    logs: (namespace, pod, options) => client.logs(namespace, pod, options),
    checkAccess: (checks) => client.checkAccess(checks),
  };
}

async function removeStandIn(client: KubeClient): Promise<void> {
  for (const ref of STANDIN_OBJECTS) {
    try {
      await client.delete(ref);
    } catch (error) {
      // The StandInPool kind disappears with its CRD; anything else must not be swallowed.
      if (!(error instanceof Error && /does not serve kind StandInPool/.test(error.message))) throw error;
    }
  }
  await poll(
    async () => {
      const left: string[] = [];
      for (const ref of STANDIN_OBJECTS.filter((r) => r.kind !== 'StandInPool')) if (await client.get(ref)) left.push(`${ref.kind} ${ref.name}`);
      const pods = await client.list('v1', 'Pod', { namespace: 'kube-system', labelSelector: 'netpol-e2e.io/standin=true' });
      left.push(...pods.map((p) => `Pod ${p.metadata.name}`));
      return left.length === 0 ? pollDone(true) : pollPending(`still there: ${left.join(', ')}`);
    },
    { timeoutMs: 90_000, intervalMs: 500, describe: 'the stand-in objects to be deleted' },
  );
}

const timeouts = { ...DEFAULT_CLUSTER_TIMEOUTS, pollIntervalMs: 500, calicoNodeMs: 90_000, calicoControllersMs: 90_000, coreDnsMs: 90_000, nodesReadyMs: 60_000 };

describe('live: Calico install and wait (stand-in manifest)', function () {
  this.timeout(300_000);
  let client: KubeClient;

  before(async function () {
    const kubeconfig = requireLiveCluster(this);
    client = await createKubeClient({ kubeconfig });
    await removeStandIn(client);
  });

  after(async () => {
    if (client) await removeStandIn(client);
  });

  it('applies CRDs first and waits for them, then the rest; then waits for calico-node, controllers, CoreDNS and nodes', async () => {
    const bytes = readFileSync(HEALTHY);
    const prepared = await prepareCalicoManifest({ kind: 'file', path: HEALTHY, sha256: sha256Of(bytes) }, POD_SUBNET, async () => expect.fail('no download'), {
      timeoutMs: 1000,
    });
    expect(prepared.verified).to.equal(true);
    const applied: string[] = [];
    const result = await applyCalico(recording(client, applied), prepared.objects, { timeouts });
    // The custom resource is first in the file; it was applied only after its CRD was Established.
    expect(applied).to.deep.equal([
      'CustomResourceDefinition standinpools.standin.netpol-e2e.io',
      'StandInPool default-ipv4-ippool',
      'DaemonSet calico-node',
      'Deployment calico-kube-controllers',
    ]);
    expect(result.crds).to.deep.equal(['standinpools.standin.netpol-e2e.io']);

    const pool = await client.get<KubeObject & { spec?: { cidr?: string; mode?: string } }>({ apiVersion: 'standin.netpol-e2e.io/v1', kind: 'StandInPool', name: 'default-ipv4-ippool' });
    // The schema default was applied by the server: the CRD went over the wire with its `default` intact.
    expect(pool?.spec).to.deep.equal({ cidr: '10.244.0.0/16', mode: 'Never' });

    const ds = await client.get<KubeObject & { spec: { template: { spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } } } }>({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      namespace: 'kube-system',
      name: 'calico-node',
    });
    expect(ds?.spec.template.spec.containers[0]?.env).to.deep.equal([
      { name: 'CALICO_IPV4POOL_IPIP', value: 'Always' },
      { name: 'CALICO_IPV4POOL_CIDR', value: POD_SUBNET },
    ]);

    const summary = await waitForCalicoReady(client, { timeouts });
    expect(summary).to.match(/^calico-node [\d.]+ s, calico-kube-controllers [\d.]+ s, coredns [\d.]+ s, nodes [\d.]+ s$/);
  });

  it('diagnoses a broken install: the pod, ErrImageNeverPull and the image', async () => {
    await removeStandIn(client);
    const text = readFileSync(BROKEN, 'utf8');
    const prepared = await prepareCalicoManifest({ kind: 'file', path: BROKEN, sha256: undefined }, POD_SUBNET, async () => expect.fail('no download'), { timeoutMs: 1000 });
    expect(prepared.images).to.deep.equal(['localhost/netpol-e2e/probe:k8s-v1.32.13', 'localhost/netpol-e2e/does-not-exist:v0']);
    expect(text).to.contain('does-not-exist');
    await applyCalico(client, prepared.objects, { timeouts });
    const error = await waitForCalicoReady(client, { timeouts: { ...timeouts, calicoControllersMs: 20_000 }, clusterName: 'netpol-e2e' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    const message = (error as ClusterError).message;
    expect(message).to.match(/^Deployment kube-system\/calico-kube-controllers not ready after 20 s \(0 of 1 replicas available\): pod calico-kube-controllers-[a-z0-9]+-[a-z0-9]+ on node \S+ is Pending: container calico-kube-controllers waiting \(ErrImageNeverPull/);
    expect(message).to.contain('image localhost/netpol-e2e/does-not-exist:v0');
    expect(message).to.contain('last events:');
    expect((error as ClusterError).hint).to.equal(
      'imagePullPolicy is Never and image localhost/netpol-e2e/does-not-exist:v0 is not on the node: load it into the nodes (kind load docker-image localhost/netpol-e2e/does-not-exist:v0 --name netpol-e2e) or fix the image name',
    );
    expect((error as ClusterError).cause).to.be.instanceOf(TimeoutError);
  });
});
