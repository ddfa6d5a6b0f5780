import { expect } from 'chai';
import type { CellResult, Expectation, ModelVerdict, Outcome } from '../../../src/results/results.js';
import { diagnoseCell } from '../../../src/report/index.js';

function cell(expected: Expectation | 'table', model?: ModelVerdict, observed?: [Outcome, Expectation | undefined], status: CellResult['status'] = 'failed'): CellResult {
  return {
    assertionId: 'a',
    cellId: 'a',
    name: 'a',
    kind: expected === 'resolves' || expected === 'nxdomain' || expected === 'blocked' ? 'dns' : 'connect',
    step: { index: 0, name: 'initial' },
    position: { file: 's.yaml', line: 1, column: 1 },
    source: 'ns/a',
    sourceNamespace: 'ns',
    target: 'ns/b',
    expected,
    status,
    ...(model ? { model: { verdict: model, explanation: [] } } : {}),
    ...(observed ? { observed: { outcome: observed[0], verdict: observed[1], detail: '', attempts: 1, durationMs: 1 } } : {}),
  };
}

describe('diagnoseCell', () => {
  it('says nothing when expectation, spec and CNI agree, or when there is no model', () => {
    expect(diagnoseCell(cell('allow', 'allow', ['connected', 'allow'], 'passed'))).to.equal(undefined);
    expect(diagnoseCell(cell('blocked', 'deny', ['dns-unreachable', 'blocked'], 'passed'))).to.equal(undefined);
    expect(diagnoseCell(cell('nxdomain', 'allow', ['dns-nxdomain', 'nxdomain'], 'passed'))).to.equal(undefined);
    expect(diagnoseCell(cell('allow', undefined, ['timeout', 'deny']))).to.equal(undefined);
    expect(diagnoseCell(cell('table', 'allow'))).to.equal(undefined);
  });

  it('static: blames the policies when the spec disagrees with the suite', () => {
    expect(diagnoseCell(cell('allow', 'deny'))).to.equal('the policies do not do what the suite expects: by the spec this connection is denied');
    expect(diagnoseCell(cell('blocked', 'allow'))).to.match(/by the spec this connection is allowed/);
    expect(diagnoseCell(cell('allow', 'mixed'))).to.match(/different verdicts \(mixed\)/);
    expect(diagnoseCell(cell('deny', 'deny', undefined, 'passed'))).to.equal(undefined);
  });

  it('live: names the odd one out of expectation, spec and CNI', () => {
    expect(diagnoseCell(cell('allow', 'deny', ['timeout', 'deny']))).to.match(/^the CNI followed the spec; the suite's expectation disagrees/);
    expect(diagnoseCell(cell('deny', 'deny', ['connected', 'allow']))).to.match(/^the spec agrees with the suite, but the CNI did not/);
    expect(diagnoseCell(cell('allow', 'deny', ['connected', 'allow'], 'passed'))).to.match(/^the CNI did what the suite expects, but by the spec this is deny/);
    expect(diagnoseCell(cell('resolves', 'allow', ['dns-unreachable', 'blocked']))).to.match(/^the spec agrees with the suite, but the CNI did not/);
    expect(diagnoseCell(cell('allow', 'mixed', ['timeout', 'deny']))).to.match(/outcome depends on which backend answered/);
  });

  it('live: calls out instability for a flaky cell, and stays silent when the probe could not run', () => {
    expect(diagnoseCell(cell('deny', 'deny', ['timeout', 'deny'], 'flaky'))).to.match(/different outcomes on repeated attempts/);
    expect(diagnoseCell(cell('allow', 'allow', ['exec-error', undefined], 'error'))).to.equal(undefined);
  });

  describe('DNS cells expecting NXDOMAIN (the judge and the diagnosis share one agreement)', () => {
    const dns = (model: ModelVerdict, dnsAnswer: 'resolves' | 'nxdomain' | undefined, observed?: [Outcome, Expectation | undefined]): CellResult => {
      const c = cell('nxdomain', model, observed);
      if (dnsAnswer && c.model) c.model.dnsAnswer = dnsAnswer;
      return c;
    };

    it('static: a failed cell (the name is a Service, so it resolves) gets a line naming the spec\'s answer', () => {
      expect(diagnoseCell(dns('allow', 'resolves'))).to.equal(
        "the suite's expectation disagrees with the spec: by the spec the lookup is allowed and the name resolves",
      );
      expect(diagnoseCell(dns('allow', 'nxdomain', undefined))).to.equal(undefined);
    });

    it('live: the name resolved although the spec says NXDOMAIN: the spec sides with the suite', () => {
      expect(diagnoseCell(dns('allow', 'nxdomain', ['resolved', 'resolves']))).to.match(/^the spec agrees with the suite, but the CNI did not/);
    });

    it('live: a name outside the cluster resolved: the spec cannot say whether it exists, and says so', () => {
      expect(diagnoseCell(dns('allow', undefined, ['resolved', 'resolves']))).to.match(/whether the name exists is not modelled.*answered resolved where the suite expects nxdomain/);
    });

    it('live: the spec denies the lookup but it resolved: neither the suite nor the CNI agrees with the spec', () => {
      expect(diagnoseCell(dns('deny', undefined, ['resolved', 'resolves']))).to.equal(
        'neither the suite nor the CNI agrees with the spec: by the spec this connection is denied',
      );
      expect(diagnoseCell(dns('deny', undefined, ['dns-unreachable', 'blocked']))).to.match(/^the CNI followed the spec/);
    });
  });
});
