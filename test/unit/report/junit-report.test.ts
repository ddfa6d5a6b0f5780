import { expect } from 'chai';
import type { RunResult } from '../../../src/results/results.js';
import { countCells } from '../../../src/results/results.js';
import { formatJunitReport } from '../../../src/report/index.js';
import { FIXTURES, liveRun, setupFailedRun } from './fixtures.js';
import { childElements, parseXml, textOf, type ParsedElement } from './parse-xml.js';

function attr(element: ParsedElement, name: string): string {
  const value = element.attributes.get(name);
  if (value === undefined) throw new Error(`<${element.name}> has no ${name} attribute`);
  return value;
}

function countChildren(testcases: ParsedElement[], name: string): number {
  return testcases.filter((testcase) => childElements(testcase, name).length > 0).length;
}

describe('JUnit report', () => {
  for (const [fixture, build] of Object.entries(FIXTURES)) {
    it(`is well-formed XML with consistent counts (${fixture})`, () => {
      const run = build();
      const root = parseXml(formatJunitReport(run));
      expect(root.name).to.equal('testsuites');
      const suites = childElements(root, 'testsuite');
      const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
      for (const suite of suites) {
        const testcases = childElements(suite, 'testcase');
        const counts = {
          tests: testcases.length,
          failures: countChildren(testcases, 'failure'),
          errors: countChildren(testcases, 'error'),
          skipped: countChildren(testcases, 'skipped'),
        };
        expect(attr(suite, 'tests'), `tests of ${attr(suite, 'name')}`).to.equal(String(counts.tests));
        expect(attr(suite, 'failures')).to.equal(String(counts.failures));
        expect(attr(suite, 'errors')).to.equal(String(counts.errors));
        expect(attr(suite, 'skipped')).to.equal(String(counts.skipped));
        totals.tests += counts.tests;
        totals.failures += counts.failures;
        totals.errors += counts.errors;
        totals.skipped += counts.skipped;
      }
      expect(attr(root, 'tests')).to.equal(String(totals.tests));
      expect(attr(root, 'failures')).to.equal(String(totals.failures));
      expect(attr(root, 'errors')).to.equal(String(totals.errors));
      expect(attr(root, 'skipped')).to.equal(String(totals.skipped));

      // And the totals agree with the run: failures = failed + flaky, errors = error cells + stopped suites/run.
      const cells = countCells(run.suites.flatMap((s) => s.cells));
      const stopped = run.errors.length + run.suites.reduce((sum, s) => sum + s.errors.length, 0);
      expect(totals).to.deep.equal({
        tests: cells.total + stopped,
        failures: cells.failed + cells.flaky,
        errors: cells.errors + stopped,
        skipped: cells.skipped,
      });
    });
  }

  it('names, places and times each testcase after its cell', () => {
    const run = liveRun();
    const suite = childElements(parseXml(formatJunitReport(run)), 'testsuite')[0]!;
    const testcase = childElements(suite, 'testcase').find((t) => attr(t, 'line') === '37')!;
    expect(attr(testcase, 'classname')).to.equal('netpol-e2e.prod-api.prod');
    expect(attr(testcase, 'name')).to.equal('prod/batch -> prod/api:8080/TCP should be allowed');
    expect(attr(testcase, 'file')).to.equal('suites/prod-api.yaml');
    expect(attr(testcase, 'time')).to.equal('2.012');
    const failure = childElements(testcase, 'failure')[0]!;
    expect(attr(failure, 'type')).to.equal('WrongVerdict');
    expect(attr(failure, 'message')).to.equal('expected allow, observed timeout (deny), model deny');
    expect(textOf(failure)).to.include('spec: ingress: prod/api is selected by prod/api-ingress');
  });

  it('reports a flaky cell as a Flaky failure with its attempt history', () => {
    const suite = childElements(parseXml(formatJunitReport(liveRun())), 'testsuite')[0]!;
    const flaky = childElements(suite, 'testcase').find((t) => attr(t, 'line') === '82')!;
    const failure = childElements(flaky, 'failure')[0]!;
    expect(attr(failure, 'type')).to.equal('Flaky');
    expect(textOf(failure)).to.include('3 attempts: timeout, connected, timeout');
  });

  it('reports a cell that could not be judged as an <error>, with the exec failure typed', () => {
    const suite = childElements(parseXml(formatJunitReport(liveRun())), 'testsuite')[0]!;
    const exec = childElements(suite, 'testcase').find((t) => attr(t, 'line') === '76')!;
    const error = childElements(exec, 'error')[0]!;
    expect(attr(error, 'type')).to.equal('ExecError');
    expect(attr(error, 'message')).to.include('the exec transport failed');
  });

  it('turns setup failures into `setup` testcases so a run without cells still reports why', () => {
    const root = parseXml(formatJunitReport(setupFailedRun()));
    const [runSuite, prodApi] = childElements(root, 'testsuite');
    expect(attr(runSuite!, 'name')).to.equal('netpol-e2e');
    const runSetup = childElements(runSuite!, 'testcase')[0]!;
    expect(attr(runSetup, 'classname')).to.equal('netpol-e2e');
    expect(attr(runSetup, 'name')).to.equal('setup');
    expect(attr(childElements(runSetup, 'error')[0]!, 'type')).to.equal('NOT_ENFORCING');
    const suiteSetup = childElements(prodApi!, 'testcase')[0]!;
    expect(attr(suiteSetup, 'classname')).to.equal('netpol-e2e.prod-api');
    expect(attr(suiteSetup, 'name')).to.equal('setup');
    expect(textOf(childElements(suiteSetup, 'error')[0]!)).to.include('hint: preload the probe image');
  });

  it('numbers several setup errors of one suite', () => {
    const run = setupFailedRun();
    run.suites[0]!.errors.push({ code: 'KUBE_API', message: 'deleting namespace prod-q3m9v: 403 forbidden' });
    const prodApi = childElements(parseXml(formatJunitReport(run)), 'testsuite')[1]!;
    expect(childElements(prodApi, 'testcase').map((t) => attr(t, 'name'))).to.deep.equal(['setup', 'setup (2)']);
  });

  it('records run id, command and environment as properties', () => {
    const suite = childElements(parseXml(formatJunitReport(liveRun())), 'testsuite')[0]!;
    const properties = childElements(childElements(suite, 'properties')[0]!, 'property');
    const byName = new Map(properties.map((p) => [attr(p, 'name'), attr(p, 'value')]));
    expect(byName.get('run-id')).to.equal('r7k2x');
    expect(byName.get('command')).to.equal('run');
    expect(byName.get('environment.cni')).to.equal('calico v3.29.1');
  });

  it('escapes markup and drops characters XML cannot carry, so the document still parses back to the same text', () => {
    const run: RunResult = liveRun();
    const cell = run.suites[0]!.cells[1]!;
    cell.name = `a <b> & "c" 'd' \u0007bell \u0000nul`;
    cell.message = 'line one\nline </failure> two ]]> \u001b[31mred\u001b[0m';
    run.suites[0]!.name = 'suite<&>"\'';
    run.environment['odd\tkey'] = 'tab\there\nnewline';
    const xml = formatJunitReport(run);
    expect(xml).not.to.include('\u0007');
    expect(xml).not.to.include('\u0000');
    expect(xml).not.to.include('\u001b');
    const root = parseXml(xml);
    const suite = childElements(root, 'testsuite')[0]!;
    expect(attr(suite, 'name')).to.equal('suite<&>"\'');
    const testcase = childElements(suite, 'testcase')[1]!;
    expect(attr(testcase, 'name')).to.equal(`a <b> & "c" 'd' bell nul`);
    expect(attr(testcase, 'classname')).to.equal('netpol-e2e.suite<&>"\'.prod');
    expect(textOf(childElements(testcase, 'failure')[0]!)).to.include('line one\nline </failure> two ]]> [31mred[0m');
    const properties = childElements(childElements(suite, 'properties')[0]!, 'property');
    const odd = properties.find((p) => attr(p, 'name') === 'environment.odd\tkey')!;
    expect(attr(odd, 'value')).to.equal('tab\there\nnewline');
  });
});
