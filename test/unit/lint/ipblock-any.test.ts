/** lint's ipblock-any: 0.0.0.0/0 is a finding unless its excepts keep out the pod network the suite declares. */
import path from 'node:path';
import { expect } from 'chai';
import { lintSuite } from '../../../src/lint/lint-suite.js';
import { loadSuite } from '../../../src/suite/index.js';
import { REPO_ROOT } from '../suite/helpers.js';

describe('lint: ipblock-any', () => {
  it('finds nothing in the shipped egress-guardrails example (its excepts cover the declared pod network)', async () => {
    const suite = await loadSuite(path.join(REPO_ROOT, 'suites/egress-guardrails.yaml'));
    expect(lintSuite(suite)).to.deep.equal([]);
  });

  it('still flags the same block when the suite declares no pod network, or one the excepts do not cover', async () => {
    const suite = await loadSuite(path.join(REPO_ROOT, 'suites/egress-guardrails.yaml'));
    const without = { ...suite, fixture: { ...suite.fixture } };
    delete without.fixture.podNetwork;
    expect(lintSuite(without).map((f) => f.rule)).to.deep.equal(['ipblock-any']);
    const uncovered = { ...suite, fixture: { ...suite.fixture, podNetwork: ['100.64.0.0/10'] } };
    expect(lintSuite(uncovered).map((f) => f.rule)).to.deep.equal(['ipblock-any']);
    expect(lintSuite(uncovered)[0]?.message).to.contain('declare fixture.podNetwork');
  });
});
