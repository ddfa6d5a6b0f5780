/**
 * External sources on the local test cluster (or $KUBECONFIG): clients in containers beside the cluster, at
 * exactly their declared IPs, probe workloads through an ingress ipBlock. The allowed partner (198.19.77.10)
 * connects while the excepted scanner (198.19.77.11) times out in the same step: that split is only possible when
 * the pod sees each client's own address (with Docker's masquerading both would arrive as the host's address and
 * get the same verdict). A client whose probes break after the positive control is an error, never a deny. The same
 * split through NodePort Services with externalTrafficPolicy Local (198.19.78.10 / .11): the clients probe
 * `<node InternalIP>:<nodePort>` and the node keeps their addresses.
 */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestcontainersDockerGateway, type DockerGateway } from '../../src/external/index.js';
import type { KubeClient } from '../../src/kube/types.js';
import { runLive } from '../../src/run/index.js';
import { countRun } from '../../src/results/results.js';
import { loadSuites, type Suite } from '../../src/suite/index.js';
import { requireLiveCluster } from './live-env.js';
import { dockerObjectsOfRun, kubeFor, namespacesOfRun, problemsOf, PROBE_IMAGE, PULL_POLICY } from './run-live-helpers.js';

describe('live run: external sources (clients outside the cluster)', function () {
  this.timeout(10 * 60_000);
  let kube: KubeClient;
  let suite: Suite;
  let nodePortSuite: Suite;
  before(async function () {
    kube = await kubeFor(requireLiveCluster(this));
    [suite, nodePortSuite] = (await loadSuites([
      'test/fixtures/suites/external-sources/external-sources.yaml',
      'test/fixtures/suites/external-sources/nodeport.yaml',
    ])) as [Suite, Suite];
  });

  it('a client in the ipBlock connects, one the rule excepts times out, and nothing is left behind', async () => {
    const runId = `xs${Date.now().toString(36)}`;
    const artifacts = await mkdtemp(join(tmpdir(), 'npe2e-live-'));
    const result = await runLive([suite], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: artifacts });
    expect(result.errors).to.deep.equal([]);
    expect(problemsOf(result), `see ${artifacts}`).to.deep.equal([]);
    expect(countRun(result).passed).to.equal(4);
    const outcome = (id: string): string | undefined => result.suites[0]?.cells.find((c) => c.assertionId === id)?.observed?.outcome;
    expect(outcome('partner-to-web')).to.equal('connected');
    expect(outcome('scanner-to-web')).to.equal('timeout');
    expect(outcome('partner-to-admin')).to.equal('timeout');
    expect(outcome('scanner-to-web-after')).to.equal('connected');
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(runId)).to.deep.equal([]);
  });

  it('a deny never passes on a broken probe: the scanner\'s exec failing after the positive control is an error', async () => {
    const real = await createTestcontainersDockerGateway();
    let scannerExecs = 0;
    const docker: DockerGateway = Object.assign(Object.create(real) as DockerGateway, {
      exec: async (container: string, argv: string[], timeoutMs: number) => {
        if (container.endsWith('-scanner') && (scannerExecs += 1) > 1) throw new Error('injected: the Docker daemon stopped answering');
        return real.exec(container, argv, timeoutMs);
      },
    });
    const runId = `xb${Date.now().toString(36)}`;
    const result = await runLive([suite], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, externals: { enabled: true, docker } });
    const scanner = result.suites[0]?.cells.find((c) => c.assertionId === 'scanner-to-web');
    expect(scannerExecs, 'the scanner probed in the positive control, then broke').to.be.greaterThan(1);
    expect(scanner?.status).to.equal('error');
    expect(scanner?.observed?.outcome).to.equal('exec-error');
    expect(result.suites[0]?.cells.find((c) => c.assertionId === 'partner-to-web')?.status).to.equal('passed');
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(runId)).to.deep.equal([]);
  });

  it('through NodePort Services (externalTrafficPolicy Local): the partner connects at <node IP>:<nodePort>, the excepted scanner times out', async () => {
    const real = await createTestcontainersDockerGateway();
    const targets = new Set<string>();
    const docker: DockerGateway = Object.assign(Object.create(real) as DockerGateway, {
      exec: async (container: string, argv: string[], timeoutMs: number) => {
        for (const arg of argv) if (/^[\d.]+:\d+$/.test(arg)) targets.add(arg);
        return real.exec(container, argv, timeoutMs);
      },
    });
    const runId = `xn${Date.now().toString(36)}`;
    const artifacts = await mkdtemp(join(tmpdir(), 'npe2e-live-'));
    const result = await runLive([nodePortSuite], { kube, runId, probeImage: PROBE_IMAGE, imagePullPolicy: PULL_POLICY, artifactsDir: artifacts, externals: { enabled: true, docker } });
    expect(result.errors).to.deep.equal([]);
    expect(problemsOf(result), `see ${artifacts}`).to.deep.equal([]);
    expect(countRun(result).passed).to.equal(4);
    const outcome = (id: string): string | undefined => result.suites[0]?.cells.find((c) => c.assertionId === id)?.observed?.outcome;
    expect(outcome('partner-to-web-nodeport')).to.equal('connected');
    expect(outcome('scanner-to-web-nodeport')).to.equal('timeout');
    expect(outcome('partner-to-admin-nodeport')).to.equal('timeout');
    expect(outcome('scanner-to-web-nodeport-after')).to.equal('connected');
    // every probe went to a node's InternalIP at a port of the NodePort range, two Services: two node ports
    const nodes = await kube.list<{ apiVersion: string; kind: string; metadata: { name: string }; status?: { addresses?: { type: string; address: string }[] } }>('v1', 'Node');
    const internal = new Set(nodes.flatMap((n) => (n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address)));
    expect(targets.size, [...targets].join(', ')).to.equal(2);
    for (const target of targets) {
      const [ip, port] = target.split(':') as [string, string];
      expect(internal.has(ip), `${target}: ${ip} is not a node InternalIP (${[...internal].join(', ')})`).to.equal(true);
      expect(Number(port)).to.be.within(30000, 32767);
    }
    expect(await namespacesOfRun(kube, runId)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(runId)).to.deep.equal([]);
  });
});
