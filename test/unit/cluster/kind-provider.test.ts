/**
 * The kind provider end to end with every boundary faked: the exact command lines it runs (recording runner),
 * what it applies and waits for (in-memory API), what it downloads, and what it cleans up.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindProvider } from '../../../src/cluster/kind/kind-provider.js';
import { sha256Of, type Downloader } from '../../../src/cluster/calico/calico-manifest.js';
import type { ClusterProgress } from '../../../src/cluster/types.js';
import type { KindProviderOptions } from '../../../src/cluster/kind/kind-options.js';
import { ClusterError, PreflightError } from '../../../src/util/errors.js';
import { fakeClock, FakeKubeClient, healthyMachine, readyStatus, RecordingRunner } from './fakes.js';

const MINI = readFileSync(fileURLToPath(new URL('./fixtures/mini-calico.yaml', import.meta.url)));
const MINI_SHA = sha256Of(MINI);
const PROBE = 'localhost/netpol-e2e/probe:dev';

function clusterWithCoreDns(): FakeKubeClient {
  const client = new FakeKubeClient();
  client.objects.set('Deployment kube-system/coredns', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { replicas: 2 } });
  client.status = (object, gets) => (object.kind === 'Deployment' && object.metadata.name === 'coredns' ? { availableReplicas: 2, updatedReplicas: 2 } : readyStatus(object));
  return client;
}

interface Harness {
  runDir: string;
  runner: RecordingRunner;
  client: FakeKubeClient;
  downloads: string[];
  clientSelections: unknown[];
  events: string[];
  progress: ClusterProgress;
  provider: (options?: KindProviderOptions) => KindProvider;
}

function harness(machine = healthyMachine({ localImages: [PROBE] }), client = clusterWithCoreDns(), bytes: Uint8Array = MINI): Harness {
  const runDir = mkdtempSync(path.join(tmpdir(), 'netpol-kind-'));
  const runner = new RecordingRunner(machine);
  const downloads: string[] = [];
  const clientSelections: unknown[] = [];
  const events: string[] = [];
  const download: Downloader = async (url) => {
    downloads.push(url);
    return bytes;
  };
  return {
    runDir,
    runner,
    client,
    downloads,
    clientSelections,
    events,
    progress: {
      phaseStarted: (p) => events.push(`start ${p}`),
      phaseFinished: (p) => events.push(`done ${p}`),
      phaseFailed: (p, e) => events.push(`failed ${p}: ${(e as Error).message.split('\n')[0]}`),
      note: (m) => events.push(`note ${m}`),
    },
    provider: (options = {}) =>
      new KindProvider(
        { calicoManifestSha256: MINI_SHA, preloadImages: [PROBE], timeouts: { calicoNodeMs: 10_000, pollIntervalMs: 1000 }, ...options },
        {
          runner,
          download,
          createClient: async (selection) => {
            clientSelections.push(selection);
            return client;
          },
        },
      ),
  };
}

describe('KindProvider', () => {
  let h: Harness;
  afterEach(() => rmSync(h.runDir, { recursive: true, force: true }));

  it('creates: runs exactly these commands, installs Calico in order, waits, and deletes on release', async () => {
    h = harness();
    const cluster = await h.provider().provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock() });
    const kindConfig = path.join(h.runDir, 'kind-config.yaml');
    const kubeconfig = path.join(h.runDir, 'kubeconfig');
    expect(h.runner.lines()).to.deep.equal([
      'docker version --format {{.Server.Version}}',
      'kind version',
      'kind get clusters',
      `kind create cluster --name netpol-e2e --config ${kindConfig} --kubeconfig ${kubeconfig} --wait 0s`,
      `docker image inspect --format {{.Id}} ${PROBE}`,
      `kind load docker-image ${PROBE} --name netpol-e2e`,
      'docker image inspect --format {{.Id}} quay.io/calico/cni:v3.33.0',
      'docker image inspect --format {{.Id}} quay.io/calico/node:v3.33.0',
      'docker image inspect --format {{.Id}} quay.io/calico/kube-controllers:v3.33.0',
    ]);
    expect(readFileSync(kindConfig, 'utf8')).to.equal(readFileSync(fileURLToPath(new URL('./golden/kind-config-default.yaml', import.meta.url)), 'utf8'));
    expect(h.downloads).to.deep.equal(['https://raw.githubusercontent.com/projectcalico/calico/v3.33.0/manifests/calico.yaml']);
    expect(h.clientSelections).to.deep.equal([{ kubeconfig }]);
    expect(h.client.applied).to.deep.equal([
      'CustomResourceDefinition ippools.crd.projectcalico.org',
      'ConfigMap kube-system/calico-config',
      'ServiceAccount kube-system/calico-node',
      'DaemonSet kube-system/calico-node',
      'Deployment kube-system/calico-kube-controllers',
    ]);
    const ds = h.client.objects.get('DaemonSet kube-system/calico-node') as unknown as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } };
    expect(ds.spec.template.spec.containers[0]!.env).to.deep.include({ name: 'CALICO_IPV4POOL_CIDR', value: '192.168.0.0/16' });
    expect(h.events.filter((e) => e.startsWith('done ')).map((e) => e.slice(5))).to.deep.equal([
      'preflight',
      'kind config',
      'Calico manifest',
      'create cluster',
      'load images',
      'connect',
      'install Calico',
      'wait for Calico, CoreDNS and nodes',
    ]);
    expect(cluster.kubeconfigPath).to.equal(kubeconfig);
    expect(cluster.dockerNetwork).to.equal('kind');
    expect(cluster.environment).to.deep.include({
      provider: 'kind',
      kindCluster: 'netpol-e2e',
      kind: 'v0.33.0',
      docker: '28.2.2',
      kubernetesVersion: 'v1.37.0',
      calico: 'v3.33.0',
      calicoManifestSha256: MINI_SHA,
      cni: 'calico',
      podSubnet: '192.168.0.0/16',
      nodes: '3',
    });
    expect(cluster.timings.map((t) => t.name)).to.have.length(8);

    expect(await cluster.release()).to.deep.equal({ deleted: true, detail: 'deleted kind cluster netpol-e2e' });
    expect(await cluster.release()).to.deep.equal({ deleted: true, detail: 'deleted kind cluster netpol-e2e' });
    expect(h.runner.lines().filter((l) => l.startsWith('kind delete'))).to.deep.equal([`kind delete cluster --name netpol-e2e --kubeconfig ${kubeconfig}`]);
  });

  it('--keep retains the nodes on failure and never deletes', async () => {
    h = harness();
    const cluster = await h.provider({ keep: true, clusterName: 'np-dev' }).provision({ runDir: h.runDir, clock: fakeClock() });
    expect(h.runner.lines()[3]).to.match(/^kind create cluster --name np-dev .* --wait 0s --retain$/);
    expect((await cluster.release()).deleted).to.equal(false);
    expect(h.runner.lines().some((l) => l.startsWith('kind delete'))).to.equal(false);
  });

  it('a failure after the cluster exists deletes it, and the original error is what is thrown', async () => {
    const client = clusterWithCoreDns();
    client.status = (object) => (object.kind === 'DaemonSet' ? { desiredNumberScheduled: 3, numberReady: 1, updatedNumberScheduled: 3 } : readyStatus(object));
    h = harness(undefined, client);
    const error = await h.provider().provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock() }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as ClusterError).message).to.match(/^DaemonSet kube-system\/calico-node not ready after 10 s \(1 of 3 pods ready\)/);
    expect(h.runner.lines().at(-1)).to.equal(`kind delete cluster --name netpol-e2e --kubeconfig ${path.join(h.runDir, 'kubeconfig')}`);
    expect(h.events).to.include('done delete cluster (after the failure)');
  });

  it('with --keep, a failure keeps the cluster and says how to delete it', async () => {
    const client = clusterWithCoreDns();
    client.applyError = () => new Error('boom');
    h = harness(undefined, client);
    await h.provider({ keep: true }).provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock() }).catch((e: unknown) => e);
    expect(h.runner.lines().some((l) => l.startsWith('kind delete'))).to.equal(false);
    expect(h.events).to.include('note kept kind cluster netpol-e2e for inspection (--keep); delete it with: kind delete cluster --name netpol-e2e');
  });

  it('a manifest with the wrong checksum stops the run before any cluster is created', async () => {
    h = harness(undefined, undefined, Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tampered}\n'));
    const error = await h.provider().provision({ runDir: h.runDir, clock: fakeClock() }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as ClusterError).message).to.contain(`expected ${MINI_SHA}; it was not applied`);
    expect(h.runner.lines().some((l) => l.startsWith('kind create') || l.startsWith('kind delete'))).to.equal(false);
  });

  it('refuses to create over an existing cluster of the same name', async () => {
    h = harness(healthyMachine({ clusters: ['netpol-e2e'] }));
    const error = await h.provider().provision({ runDir: h.runDir }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PreflightError);
    expect((error as PreflightError).message).to.equal('a kind cluster named "netpol-e2e" already exists');
    expect((error as PreflightError).hint).to.equal('run against it with --reuse netpol-e2e, or delete it first: kind delete cluster --name netpol-e2e');
    expect(h.runner.lines()).to.have.length(3);
  });

  it('notes a kind version other than the pinned one', async () => {
    h = harness(healthyMachine({ kindVersion: 'v0.31.0' }));
    await h.provider().provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock() });
    expect(h.events.some((e) => e.startsWith('note kind v0.31.0 is installed; the pinned node image was built for kind v0.33.0'))).to.equal(true);
  });

  it('--reuse with Calico running: exports the kubeconfig, installs nothing, and never deletes', async () => {
    const client = clusterWithCoreDns();
    client.objects.set('DaemonSet kube-system/calico-node', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-node', namespace: 'kube-system' } });
    client.objects.set('Deployment kube-system/calico-kube-controllers', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'calico-kube-controllers', namespace: 'kube-system' } });
    h = harness(healthyMachine({ clusters: ['dev'] }), client);
    const cluster = await h.provider({ reuse: 'dev', preloadImages: [] }).provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock() });
    expect(h.runner.lines()).to.deep.equal(['docker version --format {{.Server.Version}}', 'kind version', 'kind get clusters', 'kind get kubeconfig --name dev']);
    expect(readFileSync(path.join(h.runDir, 'kubeconfig'), 'utf8')).to.equal('apiVersion: v1\nkind: Config\n');
    expect(h.client.applied).to.deep.equal([]);
    expect(h.downloads).to.deep.equal([]);
    expect(await cluster.release()).to.deep.equal({ deleted: false, detail: 'left kind cluster dev as it was (--reuse)' });
  });

  it('--reuse without Calico installs it with the pool from kubeadm\'s podSubnet', async () => {
    const client = clusterWithCoreDns();
    client.objects.set('ConfigMap kube-system/kubeadm-config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
      data: { ClusterConfiguration: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n' },
    });
    h = harness(healthyMachine({ clusters: ['dev'] }), client);
    await h.provider({ reuse: 'dev' }).provision({ runDir: h.runDir, clock: fakeClock() });
    const ds = h.client.objects.get('DaemonSet kube-system/calico-node') as unknown as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } };
    expect(ds.spec.template.spec.containers[0]!.env).to.deep.include({ name: 'CALICO_IPV4POOL_CIDR', value: '10.244.0.0/16' });
  });

  it('--reuse of a cluster that does not exist lists the ones that do', async () => {
    h = harness(healthyMachine({ clusters: ['a', 'b'] }));
    const error = (await h.provider({ reuse: 'dev' }).provision({ runDir: h.runDir }).catch((e: unknown) => e)) as PreflightError;
    expect(error.message).to.equal('--reuse dev: there is no kind cluster of that name (existing: a, b)');
  });

  it('--kind-config: uses the user\'s file as is and its podSubnet as the pool', async () => {
    h = harness();
    const userConfig = path.join(h.runDir, 'mine.yaml');
    const text = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  disableDefaultCNI: true\n  podSubnet: 172.30.0.0/16\nnodes:\n- role: control-plane\n';
    writeFileSync(userConfig, text);
    const cluster = await h.provider({ kindConfigFile: userConfig }).provision({ runDir: h.runDir, clock: fakeClock() });
    expect(readFileSync(path.join(h.runDir, 'kind-config.yaml'), 'utf8')).to.equal(text);
    expect(cluster.environment['podSubnet']).to.equal('172.30.0.0/16');
  });
});
