import { expect } from 'chai';
import { planExternalNetworks, removeExternals, startExternalTargets, startedBeforeFailure, sweepExternals } from '../../../src/external/index.js';
import { CommandError } from '../../../src/util/errors.js';
import { FakeDocker } from './fake-docker.js';

const labels = { 'app.kubernetes.io/managed-by': 'netpol-e2e', 'netpol-e2e.io/run-id': 'e1' };

describe('external targets', () => {
  it('plans one network per /24, with a gateway no target claims', () => {
    const plans = planExternalNetworks([
      { name: 'a', ip: '203.0.113.1', ports: [{ port: 80, protocol: 'TCP' }] },
      { name: 'b', ip: '203.0.113.20', ports: [{ port: 80, protocol: 'TCP' }] },
      { name: 'meta', ip: '169.254.169.254', ports: [{ port: 80, protocol: 'TCP' }] },
    ]);
    expect(plans.map((p) => [p.subnet, p.gateway, p.members.map((m) => m.name)])).to.deep.equal([
      ['203.0.113.0/24', '203.0.113.254', ['a', 'b']],
      ['169.254.169.0/24', '169.254.169.1', ['meta']],
    ]);
    expect(() => planExternalNetworks([{ name: 'v6', ip: '2001:db8::1', ports: [] }])).to.throw(/IPv4 only/);
    expect(() => planExternalNetworks([{ name: 'bcast', ip: '10.1.2.255', ports: [] }])).to.throw(/broadcast/);
  });

  it('starts each target at exactly its IP, serving its ports, labelled with the run, then attaches the nodes', async () => {
    const docker = new FakeDocker();
    const started = await startExternalTargets(
      docker,
      [{ name: 'partner', ip: '198.51.100.7', ports: [{ port: 443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 9, protocol: 'SCTP' }] }],
      { runId: 'e1', image: 'probe:1', labels, attachContainers: ['kind-control-plane'] },
    );
    const container = [...docker.containers.values()][0];
    expect(container).to.include({ name: 'netpol-e2e-e1-partner', ip: '198.51.100.7', image: 'probe:1' });
    expect(container?.env).to.deep.equal({ SERVE_PORT_443: 'external partner', SERVE_SCTP_PORT_9: 'external partner' });
    expect(container?.command).to.deep.equal(['yes', '53']);
    expect(container?.labels).to.deep.equal(labels);
    const network = [...docker.networks.values()][0];
    expect(network).to.include({ subnet: '198.51.100.0/24', gateway: '198.51.100.1' });
    expect(network?.attached).to.deep.equal(['kind-control-plane']);
    expect(await removeExternals(docker, started)).to.deep.equal(['docker container netpol-e2e-e1-partner', 'docker network netpol-e2e-e1-ext1']);
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('a failed start says what to do and carries what did start, for cleanup', async () => {
    const docker = new FakeDocker();
    docker.failStartOf = 'second';
    const error = await startExternalTargets(
      docker,
      [
        { name: 'first', ip: '192.0.2.10', ports: [{ port: 80, protocol: 'TCP' }] },
        { name: 'second', ip: '192.0.2.11', ports: [{ port: 80, protocol: 'TCP' }] },
      ],
      { runId: 'e1', image: 'missing:1', labels },
    ).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CommandError);
    expect((error as CommandError).message).to.contain('No such image: missing:1');
    expect((error as CommandError).hint).to.contain('--no-externals');
    const partial = startedBeforeFailure(error);
    expect(partial?.containers.map((c) => c.name)).to.deep.equal(['netpol-e2e-e1-first']);
    await removeExternals(docker, partial as NonNullable<typeof partial>);
    expect(docker.containers.size + docker.networks.size).to.equal(0);
  });

  it('sweeps by label only', async () => {
    const docker = new FakeDocker();
    await startExternalTargets(docker, [{ name: 'x', ip: '192.0.2.10', ports: [] }], { runId: 'e1', image: 'i', labels });
    await docker.createNetwork({ name: 'someone-elses', subnet: '10.9.9.0/24', gateway: '10.9.9.1', labels: {} });
    const removed = await sweepExternals(docker, { 'app.kubernetes.io/managed-by': 'netpol-e2e', 'netpol-e2e.io/run-id': undefined });
    expect(removed).to.have.length(2);
    expect([...docker.networks.values()].map((n) => n.name)).to.deep.equal(['someone-elses']);
  });
});
