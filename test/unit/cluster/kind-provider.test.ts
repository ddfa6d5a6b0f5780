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
import { ClusterError, InterruptedError, PreflightError } from '../../../src/util/errors.js';
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
      'docker network inspect --format {{.Name}} kind',
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
      'CNI manifest',
      'create cluster',
      'load images',
      'connect',
      'install CNI',
      'wait for CNI, CoreDNS and nodes',
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
    expect(h.runner.lines()[4]).to.match(/^kind create cluster --name np-dev .* --wait 0s --retain$/);
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
    expect(h.runner.lines().slice(-2)).to.deep.equal([`kind delete cluster --name netpol-e2e --kubeconfig ${path.join(h.runDir, 'kubeconfig')}`, 'docker ps -aq --filter label=io.x-k8s.kind.cluster=netpol-e2e']);
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

  describe('leaves nothing behind', () => {
    it('removes kind\'s docker network on release when this run created it and nothing else uses it', async () => {
      const machine = healthyMachine({ localImages: [PROBE] });
      h = harness((command, args) => {
        const line = [command, ...args].join(' ');
        if (line === 'docker network inspect --format {{.Name}} kind') return { exitCode: 1, stderr: 'Error: No such network: kind' };
        if (line === 'docker network inspect --format {{len .Containers}} kind') return { stdout: '0' };
        return machine(command, args);
      });
      const cluster = await h.provider().provision({ runDir: h.runDir, clock: fakeClock() });
      expect(await cluster.release()).to.deep.equal({ deleted: true, detail: 'deleted kind cluster netpol-e2e; removed docker network kind' });
      expect(h.runner.lines().slice(-3)).to.deep.equal(['docker ps -aq --filter label=io.x-k8s.kind.cluster=netpol-e2e', 'docker network inspect --format {{len .Containers}} kind', 'docker network rm kind']);
    });

    it('leaves a network it did not create, and one that other containers still use', async () => {
      h = harness();
      const cluster = await h.provider().provision({ runDir: h.runDir, clock: fakeClock() });
      await cluster.release();
      expect(h.runner.lines().some((l) => l.startsWith('docker network rm'))).to.equal(false);
      const machine = healthyMachine({ localImages: [PROBE] });
      h = harness((command, args) => {
        const line = [command, ...args].join(' ');
        if (line === 'docker network inspect --format {{.Name}} kind') return { exitCode: 1, stderr: 'Error: No such network: kind' };
        if (line === 'docker network inspect --format {{len .Containers}} kind') return { stdout: '3' };
        return machine(command, args);
      });
      const second = await h.provider().provision({ runDir: h.runDir, clock: fakeClock() });
      expect((await second.release()).detail).to.equal('deleted kind cluster netpol-e2e; left docker network kind: other containers use it');
      expect(h.runner.lines().some((l) => l.startsWith('docker network rm'))).to.equal(false);
    });

    it('an interrupted create: the cluster is deleted, and node containers that appear late are removed too', async () => {
      const machine = healthyMachine({ localImages: [PROBE] });
      let looks = 0;
      h = harness((command, args) => {
        const line = [command, ...args].join(' ');
        if (line.startsWith('kind create cluster')) return { exitCode: undefined, interrupted: 'aborted' };
        // the `docker run` of a worker node that kind had started lands after kind delete
        if (line.startsWith('docker ps -aq')) return { stdout: ++looks === 3 ? 'f00dcafe' : '' };
        return machine(command, args);
      });
      const provider = new KindProvider({ calicoManifestSha256: MINI_SHA, preloadImages: [PROBE] }, { runner: h.runner, download: async () => MINI, createClient: async () => h.client, sleep: async () => undefined });
      const controller = new AbortController();
      controller.abort('SIGINT');
      const error = await provider.provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock(), signal: controller.signal }).catch((e: unknown) => e);
      // Ctrl-C is reported as the interruption it is (exit 130), not as kind failing
      expect(error).to.be.instanceOf(InterruptedError);
      expect(h.events.some((e) => e.startsWith('failed create cluster: creating kind cluster netpol-e2e failed:') && e.includes('was interrupted'))).to.equal(true);
      const after = h.runner.lines().slice(h.runner.lines().findIndex((l) => l.startsWith('kind delete')));
      expect(after[0]).to.match(/^kind delete cluster --name netpol-e2e /);
      expect(after.filter((l) => l.startsWith('docker ps -aq'))).to.have.length(6);
      expect(after).to.include('docker rm -f -v f00dcafe');
      expect(h.events).to.include('done delete cluster (after the failure)');
    });
  });

  describe('--cni', () => {
    const KR = 'localhost/netpol-e2e/kube-router:v2.1.0-drop';

    function clusterWithKubeRouter(): FakeKubeClient {
      const client = clusterWithCoreDns();
      return client;
    }

    it('kube-router: applies the packaged DaemonSet with the given image, loads that image, waits for it; no Calico download', async () => {
      h = harness(healthyMachine({ localImages: [PROBE, KR] }), clusterWithKubeRouter());
      const cluster = await h
        .provider({ cni: 'kube-router', kubeRouterImage: KR, calicoManifestSha256: undefined })
        .provision({ runDir: h.runDir, progress: h.progress, clock: fakeClock() });
      expect(h.downloads).to.deep.equal([]);
      expect(h.runner.lines().filter((l) => l.startsWith('kind load'))).to.deep.equal([`kind load docker-image ${PROBE} --name netpol-e2e`, `kind load docker-image ${KR} --name netpol-e2e`]);
      expect(h.client.applied).to.deep.equal([
        'ConfigMap kube-system/kube-router-cfg',
        'DaemonSet kube-system/kube-router',
        'ServiceAccount kube-system/kube-router',
        'ClusterRole kube-router',
        'ClusterRoleBinding kube-router',
      ]);
      const ds = h.client.objects.get('DaemonSet kube-system/kube-router') as unknown as {
        spec: { template: { spec: { containers: { image: string; args: string[] }[]; initContainers: { image: string }[] } } };
      };
      expect(ds.spec.template.spec.containers.map((c) => c.image)).to.deep.equal([KR]);
      expect(ds.spec.template.spec.initContainers.map((c) => c.image)).to.deep.equal([KR]);
      expect(ds.spec.template.spec.containers[0]!.args).to.include.members(['--run-router=true', '--run-firewall=true', '--run-service-proxy=false']);
      expect(h.events.find((e) => e.startsWith('done wait for CNI'))).to.equal('done wait for CNI, CoreDNS and nodes');
      expect(cluster.environment).to.deep.include({ cni: 'kube-router', kubeRouterImage: KR });
      expect(cluster.environment).to.not.have.property('calico');
    });

    it('kube-router: a DaemonSet that never gets ready is diagnosed as such and the cluster is deleted', async () => {
      const client = clusterWithKubeRouter();
      client.status = (object) => (object.kind === 'DaemonSet' ? { desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3 } : readyStatus(object));
      h = harness(undefined, client);
      const error = await h.provider({ cni: 'kube-router', calicoManifestSha256: undefined }).provision({ runDir: h.runDir, clock: fakeClock() }).catch((e: unknown) => e);
      expect((error as ClusterError).message).to.match(/^DaemonSet kube-system\/kube-router not ready after 10 s \(2 of 3 pods ready\)/);
      expect(h.runner.lines().at(-2)).to.match(/^kind delete cluster --name netpol-e2e /);
    });

    it('--cni-manifest: applies the file, waits for its DaemonSets then Deployments, checks its checksum', async () => {
      h = harness();
      const file = path.join(h.runDir, 'cni.yaml');
      const text = [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cni-operator, namespace: cni-system}\nspec: {replicas: 1}',
        'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: cni-agent, namespace: cni-system}\nspec: {template: {spec: {containers: [{name: a, image: example.org/cni/agent:1}]}}}',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: cni-system}',
      ].join('\n---\n');
      writeFileSync(file, text);
      const sha = sha256Of(Buffer.from(text));
      const progress: string[] = [];
      const cluster = await h
        .provider({ cniManifest: file, cniManifestSha256: sha, calicoManifestSha256: undefined })
        .provision({ runDir: h.runDir, progress: { ...h.progress, phaseFinished: (p, _ms, d) => progress.push(`${p}: ${d ?? ''}`) }, clock: fakeClock() });
      expect(h.client.applied).to.deep.equal(['Namespace cni-system', 'Deployment cni-system/cni-operator', 'DaemonSet cni-system/cni-agent']);
      expect(progress.find((p) => p.startsWith('wait for CNI'))).to.match(/^wait for CNI, CoreDNS and nodes: cni-agent [\d.]+ s, cni-operator [\d.]+ s, coredns/);
      expect(progress.find((p) => p.startsWith('CNI manifest'))).to.contain(`sha256 ${sha.slice(0, 12)}… verified`);
      expect(cluster.environment).to.deep.include({ cni: `manifest ${file}`, cniManifestSha256: sha });
      expect(h.runner.lines()).to.include('docker image inspect --format {{.Id}} example.org/cni/agent:1');
    });

    it('--cni-manifest with the wrong checksum stops before any cluster is created', async () => {
      h = harness();
      const file = path.join(h.runDir, 'cni.yaml');
      writeFileSync(file, 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x, namespace: kube-system}\n');
      const error = await h.provider({ cniManifest: file, cniManifestSha256: 'a'.repeat(64), calicoManifestSha256: undefined }).provision({ runDir: h.runDir }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ClusterError);
      expect((error as ClusterError).message).to.equal(`the CNI manifest ${file} has SHA-256 ${sha256Of(readFileSync(file))}, expected ${'a'.repeat(64)}; it was not applied`);
      expect(h.runner.lines().some((l) => l.startsWith('kind create'))).to.equal(false);
    });

    it('--cni-manifest without a DaemonSet or Deployment is refused before any cluster is created', async () => {
      h = harness();
      const file = path.join(h.runDir, 'cni.yaml');
      writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: kube-system}\n');
      const error = await h.provider({ cniManifest: file, calicoManifestSha256: undefined }).provision({ runDir: h.runDir }).catch((e: unknown) => e);
      expect((error as Error).message).to.contain('has no DaemonSet or Deployment: nothing would run the CNI on the nodes');
      expect(h.runner.lines().some((l) => l.startsWith('kind create'))).to.equal(false);
    });

    it('--reuse with kube-router running installs nothing', async () => {
      const client = clusterWithKubeRouter();
      client.objects.set('DaemonSet kube-system/kube-router', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-router', namespace: 'kube-system' } });
      h = harness(healthyMachine({ clusters: ['dev'] }), client);
      const cluster = await h.provider({ reuse: 'dev', cni: 'kube-router', preloadImages: [], calicoManifestSha256: undefined }).provision({ runDir: h.runDir, clock: fakeClock() });
      expect(h.client.applied).to.deep.equal([]);
      expect(cluster.environment['cni']).to.equal('kube-router already installed (reused cluster)');
    });
  });
});
