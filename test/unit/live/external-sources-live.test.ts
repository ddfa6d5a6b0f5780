import { expect } from 'chai';
import { runLive } from '../../../src/run/index.js';
import { planSuite, verifySuites } from '../../../src/engine/index.js';
import { countRun } from '../../../src/results/results.js';
import { loadSuites, type Suite } from '../../../src/suite/index.js';
import { fakeClusterWithClients, fakeKindWithClients } from './fake-docker.js';

const FIXTURE = 'test/fixtures/suites/external-sources/external-sources.yaml';

describe('external sources: plan, static verify and a live run (in-memory cluster and Docker)', () => {
  let suite: Suite;
  before(async () => {
    [suite] = (await loadSuites([FIXTURE])) as [Suite];
  });

  it('plans cells that start at the external, named after it; the model judges them by its IP', async () => {
    const cell = planSuite(suite)[0]?.cells.find((c) => c.assertionId === 'scanner-to-web');
    expect(cell?.name).to.equal('external scanner (198.19.77.11) -> npe2e-extsrc/web:http(8080)/TCP should be denied');
    const result = await verifySuites([suite]);
    const cells = result.suites[0]?.cells ?? [];
    expect(cells.map((c) => `${c.assertionId}:${c.status}:${c.model?.verdict}`)).to.deep.equal([
      'partner-to-web:passed:allow',
      'scanner-to-web:passed:deny',
      'partner-to-admin:passed:deny',
      'scanner-to-web-after:passed:allow',
    ]);
    expect(cells[0]?.source).to.equal('external partner (198.19.77.10)');
    expect(cells[0]?.sourceNamespace).to.equal('external');
  });

  it('static verify fails a wrong expectation from an external (the ipBlock except decides it)', async () => {
    const wrong = structuredClone(suite);
    const assertion = wrong.steps[0]?.assertions.find((a) => a.id === 'scanner-to-web');
    if (assertion?.kind === 'connect') assertion.expect = 'allow';
    const result = await verifySuites([wrong]);
    expect(result.suites[0]?.cells.find((c) => c.assertionId === 'scanner-to-web')?.status).to.equal('failed');
  });

  it('starts a client container at each declared IP on a network without masquerading, probes from it, and removes it', async () => {
    const { clock, cluster, docker } = fakeClusterWithClients();
    const started: { ip: string; command: string[] }[] = [];
    const start = docker.startContainer.bind(docker);
    docker.startContainer = async (spec) => {
      started.push({ ip: spec.ip, command: spec.command });
      return start(spec);
    };
    const masquerade: (string | undefined)[] = [];
    const create = docker.createNetwork.bind(docker);
    docker.createNetwork = async (spec) => {
      masquerade.push(spec.options?.['com.docker.network.bridge.enable_ip_masquerade']);
      return create(spec);
    };
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xsrc1', externals: { enabled: true, docker } });
    const counts = countRun(result);
    expect(counts.failed + counts.errors + counts.flaky, JSON.stringify(result.suites[0]?.cells)).to.equal(0);
    expect(counts.passed).to.equal(4);
    const cells = result.suites[0]?.cells ?? [];
    expect(cells.find((c) => c.assertionId === 'partner-to-web')?.observed?.outcome).to.equal('connected');
    expect(cells.find((c) => c.assertionId === 'scanner-to-web')?.observed?.outcome).to.equal('timeout');
    expect(started.map((s) => s.ip).sort()).to.deep.equal(['198.19.77.10', '198.19.77.11']);
    expect(started.every((s) => s.command.join(' ') === 'no'), 'clients serve nothing').to.equal(true);
    expect(masquerade).to.deep.equal(['false']);
    // the probes ran in the client containers (the pods' execs carry none of them)
    expect(docker.execs.length).to.be.greaterThan(0);
    expect(new Set(docker.execs.map((e) => e.container))).to.deep.equal(new Set(['netpol-e2e-xsrc1-s1-partner', 'netpol-e2e-xsrc1-s1-scanner']));
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('a deny never passes on a broken probe: a client exec that fails after the positive control is an error, not a block', async () => {
    const { clock, cluster, docker } = fakeClusterWithClients();
    const exec = docker.onExec;
    let calls = 0;
    docker.onExec = async (ip, argv) => {
      if (ip === '198.19.77.11' && (calls += 1) > 1) throw new Error('connection to the Docker daemon lost');
      return (exec as NonNullable<typeof exec>)(ip, argv);
    };
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xsrc2', externals: { enabled: true, docker } });
    const scanner = result.suites[0]?.cells.find((c) => c.assertionId === 'scanner-to-web');
    expect(scanner?.status).to.equal('error');
    expect(scanner?.observed?.outcome).to.equal('exec-error');
    expect(scanner?.message).to.contain('client container netpol-e2e-xsrc2-s1-scanner');
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('with externals disabled, cells from external sources are skipped with the reason', async () => {
    const { clock, cluster } = fakeClusterWithClients();
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xsrc3', externals: { enabled: false } });
    const cells = result.suites[0]?.cells ?? [];
    expect(cells.map((c) => c.status)).to.deep.equal(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(cells[0]?.message).to.match(/--no-externals/);
  });

  it('on kind, each external routes every pod and node address through the node that holds it (NET_ADMIN in its own namespace)', async () => {
    const { clock, cluster, docker, routes } = fakeKindWithClients();
    const capabilities: (string[] | undefined)[] = [];
    const start = docker.startContainer.bind(docker);
    docker.startContainer = async (spec) => {
      capabilities.push(spec.capabilities);
      return start(spec);
    };
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xsrc4', externals: { enabled: true, docker, attachContainers: ['kind-worker', 'kind-worker2'] } });
    expect(countRun(result).passed, JSON.stringify(result.suites[0]?.cells.map((c) => [c.name, c.status, c.message]))).to.equal(4);
    expect(capabilities).to.deep.equal([['NET_ADMIN'], ['NET_ADMIN']]);
    expect([...routes.keys()].sort()).to.deep.equal(['198.19.77.10', '198.19.77.11']);
    // the nodes joined the external network at .200 and .201 (the fake's addresses); the two pods were placed
    // round-robin, one on each
    const lines = (routes.get('198.19.77.10') ?? '').split('\n').slice(1).sort();
    expect(lines).to.have.length(4);
    expect(lines).to.include('ip route replace 172.18.0.3/32 via 198.19.77.200');
    expect(lines).to.include('ip route replace 172.18.0.4/32 via 198.19.77.201');
    const podVias = lines.filter((l) => /^ip route replace 10\.\d+\.\d+\.\d+\/32 via /.test(l)).map((l) => l.split(' via ')[1]).sort();
    expect(podVias).to.deep.equal(['198.19.77.200', '198.19.77.201']);
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('on kind, routes that cannot be set stop the suite as an infrastructure error naming the external, and nothing is left', async () => {
    const { clock, cluster, docker } = fakeKindWithClients(2);
    const result = await runLive([suite], { kube: cluster, clock, runId: 'xsrc5', externals: { enabled: true, docker, attachContainers: ['kind-worker', 'kind-worker2'] } });
    const text = JSON.stringify(result.errors) + JSON.stringify(result.suites.map((s) => s.errors ?? ''));
    expect(text).to.match(/external (partner|scanner): the routes to the cluster's pods could not be set/);
    expect(text).to.contain('Operation not permitted');
    expect(countRun(result).passed).to.equal(0);
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });
});
