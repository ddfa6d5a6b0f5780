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
