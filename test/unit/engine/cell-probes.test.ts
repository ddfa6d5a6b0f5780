/** planCellProbes: where a cell's probes run and which address of which family each goes to. */
import { expect } from 'chai';
import { planCellProbes, planSuite, type PlannedCell } from '../../../src/engine/index.js';
import type { FixtureAddresses } from '../../../src/deploy/index.js';
import { loadSuites, type Suite } from '../../../src/suite/index.js';

describe('planCellProbes', () => {
  let cell: PlannedCell;
  before(async () => {
    const [suite] = (await loadSuites(['test/fixtures/suites/external-sources/external-sources.yaml'])) as [Suite];
    const found = planSuite(suite)[0]?.cells.find((c) => c.cellId === 'partner-to-web');
    if (!found) throw new Error('the fixture has no cell partner-to-web');
    cell = found;
  });

  function addresses(webIps: string[]): FixtureAddresses {
    return {
      podIps: new Map([['npe2e-extsrc/web', webIps]]),
      serviceIps: new Map(),
      // probing workloads through a Service must not apply to external sources (a ClusterIP is inside the cluster)
      workloadServices: new Map([['npe2e-extsrc/web', 'npe2e-extsrc/web-svc']]),
      externalClients: new Map([['partner', 'netpol-e2e-run-partner']]),
    };
  }

  it('probes an external source in its client container, at the pod address of the client\'s family', () => {
    const plan = planCellProbes(cell, addresses(['fd00:10::5', '10.244.0.5']));
    if (!('probes' in plan)) throw new Error(`expected probes, got ${JSON.stringify(plan)}`);
    expect(plan.probes).to.have.length(1);
    expect(plan.probes[0]?.family).to.equal(undefined);
    expect(plan.probes[0]?.probe).to.include({ client: 'netpol-e2e-run-partner', namespace: 'external', target: '10.244.0.5:8080' });
  });

  it('skips an external source and a pod that share no family, instead of probing an address of another family', () => {
    const plan = planCellProbes(cell, addresses(['fd00:10::5']));
    expect(plan).to.have.property('skip').that.contains('external partner (198.19.77.10) and npe2e-extsrc/web (fd00:10::5) share no address family');
  });

  it('reports a named family an end has no address of as an error naming that end (never probed as another family)', () => {
    const plan = planCellProbes({ ...cell, family: 6 }, addresses(['10.244.0.5']));
    expect(plan).to.have.property('error').that.contains('cannot probe IPv6: external partner has no IPv6 address');
  });
});

describe('planCellProbes: an external source to a NodePort Service', () => {
  let suite: Suite;
  let cell: PlannedCell & { target: { kind: 'service' } };
  before(async () => {
    [suite] = (await loadSuites(['test/fixtures/suites/external-sources/nodeport.yaml'])) as [Suite];
    const found = planSuite(suite)[0]?.cells.find((c) => c.cellId === 'partner-to-web-nodeport');
    if (found?.target.kind !== 'service') throw new Error('the fixture has no cell partner-to-web-nodeport to a Service');
    cell = found as typeof cell;
  });

  function addresses(nodeIps: string[]): FixtureAddresses {
    return {
      podIps: new Map([['npe2e-extnp/web', ['10.244.0.5']]]),
      serviceIps: new Map([['npe2e-extnp/web', ['10.96.0.20']]]),
      podNodes: new Map([['npe2e-extnp/web', 'node-a']]),
      podHostIps: new Map([['npe2e-extnp/web', nodeIps]]),
      nodePorts: new Map([['npe2e-extnp/web', new Map([['80/TCP', 31080]])]]),
      externalClients: new Map([['partner', 'netpol-e2e-run-partner']]),
    };
  }

  it('probes <node IP>:<nodePort> of the node that runs a backend, at the node address of the client\'s family, from the client container', () => {
    const plan = planCellProbes(cell, addresses(['fd00:18::2', '172.18.0.2']));
    if (!('probes' in plan)) throw new Error(`expected probes, got ${JSON.stringify(plan)}`);
    expect(plan.probes.map((p) => p.probe)).to.have.length(1);
    expect(plan.probes[0]?.probe).to.include({ client: 'netpol-e2e-run-partner', namespace: 'external', target: '172.18.0.2:31080' });
  });

  it('a NodePort Service without a backend at the step is an error, never a probe whose drop would pass as a deny', () => {
    const plan = planCellProbes({ ...cell, target: { ...cell.target, backends: [] } }, addresses(['172.18.0.2']));
    expect(plan).to.have.property('error').that.contains('at this step it has no backend');
  });

  it('a backend whose node address the cluster did not report is an error naming it', () => {
    const plan = planCellProbes(cell, addresses([]));
    expect(plan).to.have.property('error').that.contains('no node address for any of its backends (npe2e-extnp/web');
  });

  it('an IPv4 client and an IPv6-only node share no family: skipped, not probed at another family', () => {
    const plan = planCellProbes(cell, addresses(['fd00:18::2']));
    expect(plan).to.have.property('skip').that.contains('share no address family');
  });
});
