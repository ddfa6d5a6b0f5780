import { expect } from 'chai';
import { planConnection, planSuite, workloadSource } from '../../../src/engine/index.js';
import { loadSuites, type Suite } from '../../../src/suite/index.js';

describe('planConnection (explain plans through the planner)', () => {
  let rollout: Suite;
  before(async () => {
    [rollout] = (await loadSuites(['suites/rollout.yaml'])) as [Suite];
  });

  it('plans a connection exactly as the suite\'s connect assertion of the same connection is planned', () => {
    const plans = planSuite(rollout);
    let compared = 0;
    for (const plan of plans) {
      for (const assertion of plan.step.assertions) {
        if (assertion.kind !== 'connect' || assertion.expect !== 'allow') continue;
        const fromSuite = plan.cells.find((c) => c.assertionId === assertion.id);
        const planned = planConnection(rollout, plan, { from: assertion.from, to: assertion.to, port: assertion.port, protocol: assertion.protocol });
        expect({ ...planned, assertionId: assertion.id, cellId: fromSuite?.cellId, position: fromSuite?.position }).to.deep.equal(fromSuite);
        compared += 1;
      }
    }
    expect(compared).to.be.greaterThan(2);
  });

  it('uses the labels in force at the step (a relabelled workload is a Service backend or not)', () => {
    const plans = planSuite(rollout);
    const relabel = plans.find((p) => p.step.name === 'relabel legacy-ui');
    expect(relabel, 'rollout has a relabel step').not.to.equal(undefined);
    const cell = planConnection(rollout, relabel!, { from: { namespace: 'checkout', name: 'legacy-ui' }, to: { kind: 'workload', namespace: 'checkout', name: 'api' }, port: 'http', protocol: 'TCP' });
    expect(workloadSource(cell.source)?.labels).to.deep.equal({ app: 'legacy-ui', role: 'frontend' });
    expect(cell.name).to.equal('checkout/legacy-ui -> checkout/api:http(8080)/TCP should be allowed');
  });
});
