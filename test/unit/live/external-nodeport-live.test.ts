/**
 * External sources to NodePort Services (externalTrafficPolicy Local): plan, static verify and a live run on
 * the in-memory cluster and Docker, whose node answers `<node IP>:<nodePort>` as kube-proxy would (Local: only
 * to a backend on that node, with the client's address; Cluster: SNATed to the node's address).
 */
import { expect } from 'chai';
import { runLive } from '../../../src/run/index.js';
import { planSuite, verifySuites } from '../../../src/engine/index.js';
import { countRun } from '../../../src/results/results.js';
import { loadSuites, type Suite, type SuiteStep } from '../../../src/suite/index.js';
import { fakeClusterWithClients, fakeKindWithClients, type FakeDocker } from './fake-docker.js';

const FIXTURE = 'test/fixtures/suites/external-sources/nodeport.yaml';

describe('external sources to NodePort Services: plan, static verify and a live run (in-memory cluster and Docker)', () => {
  let suite: Suite;
  before(async () => {
    [suite] = (await loadSuites([FIXTURE])) as [Suite];
  });

  /** The targets (`host:port`) of every probe a client container ran. */
  function probedTargets(docker: FakeDocker): Set<string> {
    const targets = new Set<string>();
    for (const { argv } of docker.execs) for (const arg of argv) if (/^[\d.]+:\d+$/.test(arg)) targets.add(arg);
    return targets;
  }

  it('plans cells from the external to the Service via its NodePort; the model judges each backend with the client\'s IP', async () => {
    const cell = planSuite(suite)[0]?.cells.find((c) => c.assertionId === 'scanner-to-web-nodeport');
    expect(cell?.name).to.equal('external scanner (198.19.78.11) -> service npe2e-extnp/web via NodePort:http(80)/TCP should be denied');
    const result = await verifySuites([suite]);
    const cells = result.suites[0]?.cells ?? [];
    expect(cells.map((c) => `${c.assertionId}:${c.status}:${c.model?.verdict}`)).to.deep.equal([
      'partner-to-web-nodeport:passed:allow',
      'scanner-to-web-nodeport:passed:deny',
      'partner-to-admin-nodeport:passed:deny',
      'scanner-to-web-nodeport-after:passed:allow',
    ]);
    const explanation = cells[1]?.model?.explanation ?? [];
    expect(explanation[0]).to.contain('externalTrafficPolicy Local keeps the client\'s address, so each backend sees 198.19.78.11');
    expect(explanation.join('\n')).to.contain('backend npe2e-extnp/web (port 8080): deny');
  });

  it('static verify fails a wrong expectation to a NodePort (the ipBlock except decides it)', async () => {
    const wrong = structuredClone(suite);
    const assertion = wrong.steps[0]?.assertions.find((a) => a.id === 'scanner-to-web-nodeport');
    if (assertion?.kind === 'connect') assertion.expect = 'allow';
    const result = await verifySuites([wrong]);
    expect(result.suites[0]?.cells.find((c) => c.assertionId === 'scanner-to-web-nodeport')?.status).to.equal('failed');
  });

  it('deploys NodePort Services with externalTrafficPolicy Local and probes <node IP>:<nodePort> from the client containers', async () => {
    const { clock, cluster, docker } = fakeClusterWithClients();
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xnp1', externals: { enabled: true, docker } });
    const counts = countRun(result);
    expect(counts.failed + counts.errors + counts.flaky, JSON.stringify(result.suites[0]?.cells)).to.equal(0);
    expect(counts.passed).to.equal(4);
    const cells = result.suites[0]?.cells ?? [];
    expect(cells.find((c) => c.assertionId === 'partner-to-web-nodeport')?.observed?.outcome).to.equal('connected');
    expect(cells.find((c) => c.assertionId === 'scanner-to-web-nodeport')?.observed?.outcome).to.equal('timeout');
    const services = cluster.applies.filter((o) => o.kind === 'Service').map((o) => o['spec'] as Record<string, unknown>);
    expect(services.map((s) => `${String(s['type'])}/${String(s['externalTrafficPolicy'])}`)).to.deep.equal(['NodePort/Local', 'NodePort/Local']);
    // the node ports the fake API server allocated (web: 30000, admin: 30001) at the node's address, nothing else
    expect([...probedTargets(docker)].sort()).to.deep.equal(['172.18.0.2:30000', '172.18.0.2:30001']);
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('why the loader refuses externalTrafficPolicy Cluster: SNATed to the node, the partner is denied and the scanner\'s deny passes for the wrong reason', async () => {
    const { clock, cluster, docker } = fakeClusterWithClients();
    const snat = structuredClone(suite);
    for (const service of snat.fixture.services) service.externalTrafficPolicy = 'Cluster';
    const result = await runLive([snat], { kube: cluster, clock, runId: 'xnp2', externals: { enabled: true, docker } });
    const status = (id: string): string | undefined => result.suites[0]?.cells.find((c) => c.assertionId === id)?.status;
    // the pod sees the node's address (172.18.0.2), which the ipBlock does not admit, whoever the client is
    expect(status('partner-to-web-nodeport')).to.equal('failed');
    expect(status('scanner-to-web-nodeport')).to.equal('passed');
  });

  it('a NodePort Service without a backend at a step is a cell error, never a deny that passes', async () => {
    const { clock, cluster, docker } = fakeClusterWithClients();
    const relabeled = structuredClone(suite);
    const last = relabeled.steps[relabeled.steps.length - 1] as SuiteStep;
    const deny = relabeled.steps[0]?.assertions.find((a) => a.id === 'partner-to-admin-nodeport');
    relabeled.steps.push({
      index: last.index + 1,
      name: 'admin leaves its Service',
      apply: [],
      delete: [],
      labels: { namespaces: {}, workloads: { 'npe2e-extnp/admin': { app: 'gone' } } },
      assertions: [{ ...(deny as NonNullable<typeof deny>), id: 'partner-to-admin-nodeport-gone' }],
      position: last.position,
    });
    const result = await runLive([relabeled], { kube: cluster, clock, runId: 'xnp3', externals: { enabled: true, docker } });
    const gone = result.suites[0]?.cells.find((c) => c.assertionId === 'partner-to-admin-nodeport-gone');
    expect(gone?.status).to.equal('error');
    expect(gone?.message).to.contain('at this step it has no backend');
    expect(countRun(result).passed).to.equal(4);
  });

  it('on kind, probes the NodePort at the InternalIP of the node that runs the backend, which the client routes through that node', async () => {
    const { clock, cluster, docker, routes } = fakeKindWithClients();
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xnp4', externals: { enabled: true, docker, attachContainers: ['kind-worker', 'kind-worker2'] } });
    expect(countRun(result).passed, JSON.stringify(result.suites[0]?.cells.map((c) => [c.name, c.status, c.message]))).to.equal(4);
    // web runs on kind-worker (172.18.0.3), admin on kind-worker2 (172.18.0.4): pods are placed round-robin
    expect([...probedTargets(docker)].sort()).to.deep.equal(['172.18.0.3:30000', '172.18.0.4:30001']);
    expect(routes.get('198.19.78.10')).to.contain('ip route replace 172.18.0.3/32 via 198.19.78.200');
    expect(routes.get('198.19.78.10')).to.contain('ip route replace 172.18.0.4/32 via 198.19.78.201');
  });
});
