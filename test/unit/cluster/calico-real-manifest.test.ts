/**
 * Calico's install logic against Calico's real manifest: manifests/calico.yaml (v3.28.5) of the release-v3.28
 * commit the Go module proxy serves as github.com/projectcalico/calico@v1.11.0-cni-plugin.0.20250813170300-a0db560f0520.
 * Fetched in set-up with `go mod download` (never committed). Needs `go` and the module proxy: without them the
 * test is skipped, except under NETPOL_E2E_REQUIRE_LIVE=1 (CI), where it fails.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepareCalicoManifest, sha256Of } from '../../../src/cluster/calico/calico-manifest.js';
import { applyCalico } from '../../../src/cluster/calico/install-calico.js';
import { prepareCni } from '../../../src/cluster/cni/cni-choice.js';
import { orderForInstall } from '../../../src/cluster/install/install-manifest.js';
import { KindProvider } from '../../../src/cluster/kind/kind-provider.js';
import { ClusterError } from '../../../src/util/errors.js';
import { fakeClock, FakeKubeClient, healthyMachine, readyStatus, RecordingRunner } from './fakes.js';

const CALICO_MODULE = 'github.com/projectcalico/calico@v1.11.0-cni-plugin.0.20250813170300-a0db560f0520';
const CALICO_RELEASE = 'v3.28.5';

/** manifests/calico.yaml of the module, from Go's module cache (downloaded from the proxy when missing). */
function fetchCalicoManifest(): string {
  const env = { ...process.env, GOFLAGS: '', GOSUMDB: 'off', GOTOOLCHAIN: 'local' };
  const out = execFileSync('go', ['mod', 'download', '-json', CALICO_MODULE], { cwd: tmpdir(), env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${CALICO_MODULE}: ${info.Error ?? 'no Dir in its answer'}`);
  return path.join(info.Dir, 'manifests', 'calico.yaml');
}

interface NodeSpec {
  spec: { template: { spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } } };
}

describe('Calico install against the real v3.28.5 manifest (from the Go module proxy)', function () {
  this.timeout(300_000);
  let manifest: string;
  let bytes: Buffer;
  let sha: string;
  let dir: string;

  before(function () {
    try {
      manifest = fetchCalicoManifest();
    } catch (error) {
      if (process.env['NETPOL_E2E_REQUIRE_LIVE'] === '1') throw error;
      console.warn(`    (skipped: cannot fetch Calico's manifest with go mod download: ${(error as Error).message.split('\n')[0]})`);
      this.skip();
    }
    bytes = readFileSync(manifest);
    sha = sha256Of(bytes);
    dir = mkdtempSync(path.join(tmpdir(), 'netpol-calico-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is the v3.28.5 manifest (the module version is the commit we think it is)', () => {
    expect(bytes.toString('utf8')).to.contain(`image: docker.io/calico/node:${CALICO_RELEASE}`);
  });

  it('sets the IPv4 pool on calico-node (commented out upstream) and lists exactly its images for preloading', async () => {
    const prepared = await prepareCalicoManifest({ kind: 'file', path: manifest, sha256: sha }, '10.250.0.0/16', async () => expect.fail('no download for a file'), { timeoutMs: 1000 });
    expect(prepared.verified).to.equal(true);
    expect(prepared.sha256).to.equal(sha);
    const node = prepared.objects.find((o) => o.object.kind === 'DaemonSet' && o.object.metadata.name === 'calico-node');
    const env = (node!.object as unknown as NodeSpec).spec.template.spec.containers.find((c) => c.name === 'calico-node')!.env!;
    expect(env.filter((e) => e.name === 'CALICO_IPV4POOL_CIDR')).to.deep.equal([{ name: 'CALICO_IPV4POOL_CIDR', value: '10.250.0.0/16' }]);
    // the other settings of the container are kept
    expect(env.find((e) => e.name === 'CALICO_IPV4POOL_IPIP')).to.deep.equal({ name: 'CALICO_IPV4POOL_IPIP', value: 'Always' });
    expect(prepared.images).to.deep.equal([`docker.io/calico/cni:${CALICO_RELEASE}`, `docker.io/calico/node:${CALICO_RELEASE}`, `docker.io/calico/kube-controllers:${CALICO_RELEASE}`]);
  });

  it('a checksum that does not match stops before anything is parsed or applied', async () => {
    const wrong = 'f'.repeat(64);
    const error = await prepareCalicoManifest({ kind: 'file', path: manifest, sha256: wrong }, '10.250.0.0/16', async () => new Uint8Array(), { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as ClusterError).message).to.equal(`the Calico manifest ${manifest} has SHA-256 ${sha}, expected ${wrong}; it was not applied`);
    // one changed byte is a different manifest
    const tampered = path.join(dir, 'calico-tampered.yaml');
    writeFileSync(tampered, Buffer.from(bytes.toString('utf8').replace('v3.28.5', 'v3.28.6')));
    const error2 = await prepareCalicoManifest({ kind: 'file', path: tampered, sha256: sha }, '10.250.0.0/16', async () => new Uint8Array(), { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect((error2 as Error).message).to.contain(`expected ${sha}; it was not applied`);
  });

  it('applies its 18 CRDs first and waits for each to be Established, then the rest in document order', async () => {
    const prepared = await prepareCalicoManifest({ kind: 'file', path: manifest, sha256: sha }, '10.250.0.0/16', async () => new Uint8Array(), { timeoutMs: 1000 });
    const client = new FakeKubeClient();
    const result = await applyCalico(client, prepared.objects, { timeouts: { crdEstablishedMs: 5000, calicoNodeMs: 1, calicoControllersMs: 1, coreDnsMs: 1, nodesReadyMs: 1, pollIntervalMs: 100 }, clock: fakeClock() });
    expect(result.crds).to.have.length(18);
    expect(client.applied.slice(0, 18).every((a) => a.startsWith('CustomResourceDefinition '))).to.equal(true);
    expect(client.applied.slice(18).some((a) => a.startsWith('CustomResourceDefinition '))).to.equal(false);
    expect(client.applied).to.have.length(prepared.objects.length);
    const crdGets = client.gets.filter((g) => g.startsWith('CustomResourceDefinition '));
    expect(new Set(crdGets).size).to.equal(18);
    const rest = orderForInstall(prepared.objects).slice(18).map((o) => `${o.object.kind} ${o.object.metadata.namespace ? `${o.object.metadata.namespace}/` : ''}${o.object.metadata.name}`);
    expect(client.applied.slice(18)).to.deep.equal(rest);
    expect(client.applied).to.include.members(['DaemonSet kube-system/calico-node', 'Deployment kube-system/calico-kube-controllers', 'ConfigMap kube-system/calico-config']);
  });

  it('the readiness wait covers the calico-node DaemonSet and the calico-kube-controllers Deployment the manifest creates', async () => {
    const prepared = await prepareCni({ name: 'calico', version: CALICO_RELEASE, source: { kind: 'file', path: manifest, sha256: sha } }, '10.250.0.0/16', async () => new Uint8Array(), { timeoutMs: 1000 });
    const names = new Set(prepared.objects.map((o) => `${o.object.kind} ${o.object.metadata.namespace}/${o.object.metadata.name}`));
    for (const w of prepared.workloads) expect(names.has(`${w.kind} ${w.namespace}/${w.name}`), `${w.kind} ${w.namespace}/${w.name} is in the manifest`).to.equal(true);
    expect(prepared.workloads.map((w) => w.name)).to.deep.equal(['calico-node', 'calico-kube-controllers']);
  });

  it('a kind run with --calico-manifest: installs it, waits for calico-node, controllers, CoreDNS and nodes; a calico-node never ready deletes the cluster', async () => {
    for (const healthy of [true, false]) {
      const runDir = mkdtempSync(path.join(dir, 'run-'));
      const client = new FakeKubeClient();
      client.objects.set('Deployment kube-system/coredns', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { replicas: 2 } });
      client.status = (object) =>
        object.kind === 'Deployment' && object.metadata.name === 'coredns'
          ? { availableReplicas: 2, updatedReplicas: 2 }
          : !healthy && object.kind === 'DaemonSet'
            ? { desiredNumberScheduled: 3, numberReady: 0, updatedNumberScheduled: 3 }
            : readyStatus(object);
      const runner = new RecordingRunner(healthyMachine());
      const finished: string[] = [];
      const provider = new KindProvider(
        { calicoManifest: manifest, calicoManifestSha256: sha, timeouts: { calicoNodeMs: 10_000, pollIntervalMs: 1000 } },
        { runner, download: async () => expect.fail('a local manifest is never downloaded'), createClient: async () => client },
      );
      const outcome = await provider.provision({ runDir, clock: fakeClock(), progress: { phaseFinished: (p, _ms, d) => finished.push(`${p}: ${d ?? ''}`) } }).catch((e: unknown) => e);
      if (healthy) {
        expect(finished.find((f) => f.startsWith('wait for CNI'))).to.match(/calico-node [\d.]+ s, calico-kube-controllers [\d.]+ s, coredns [\d.]+ s, nodes/);
        expect(runner.lines().filter((l) => l.startsWith('docker image inspect'))).to.deep.equal([
          `docker image inspect --format {{.Id}} docker.io/calico/cni:${CALICO_RELEASE}`,
          `docker image inspect --format {{.Id}} docker.io/calico/node:${CALICO_RELEASE}`,
          `docker image inspect --format {{.Id}} docker.io/calico/kube-controllers:${CALICO_RELEASE}`,
        ]);
      } else {
        expect((outcome as Error).message).to.match(/^DaemonSet kube-system\/calico-node not ready after 10 s \(0 of 3 pods ready\)/);
        expect(runner.lines().at(-2)).to.match(/^kind delete cluster --name netpol-e2e /);
      }
    }
  });
});
