import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { RunResult } from '../../../src/results/results.js';
import { countCells } from '../../../src/results/results.js';
import { formatJunitReport } from '../../../src/report/index.js';
import { FIXTURES, liveRun, setupFailedRun, staticVerifyRun } from './fixtures.js';
import { childElements, parseXml, textOf, type ParsedElement } from './parse-xml.js';
import { RECORDED_RUNS, recordedRun } from './recorded-runs.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

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

  it('names, places and times each testcase after its cell, the assertion id in the name', () => {
    const run = liveRun();
    const suite = childElements(parseXml(formatJunitReport(run)), 'testsuite')[0]!;
    const testcase = childElements(suite, 'testcase').find((t) => attr(t, 'line') === '37')!;
    expect(attr(testcase, 'classname')).to.equal('netpol-e2e.prod-api.prod');
    expect(attr(testcase, 'name')).to.equal('prod/batch -> prod/api:8080/TCP should be allowed (batch-to-api)');
    expect(attr(testcase, 'file')).to.equal('suites/prod-api.yaml');
    expect(attr(testcase, 'time')).to.equal('2.012');
    const failure = childElements(testcase, 'failure')[0]!;
    expect(attr(failure, 'type')).to.equal('WrongVerdict');
    expect(attr(failure, 'message')).to.equal('expected allow, observed timeout (deny), model deny');
    expect(textOf(failure)).to.include('spec: ingress: prod/api is selected by prod/api-ingress');
    expect(textOf(failure).split('\n').at(-1)).to.equal('at suites/prod-api.yaml:37');
  });

  it('keeps names unique within a classname when one connection is asserted twice in a step', () => {
    const run = liveRun();
    const cells = run.suites[0]!.cells;
    cells.push({ ...structuredClone(cells[0]!), assertionId: 'frontend-to-api-again', cellId: 'frontend-to-api-again' });
    // Even equal assertion ids (a hand-built result) do not produce equal names.
    cells.push(structuredClone(cells[0]!));
    const testcases = childElements(childElements(parseXml(formatJunitReport(run)), 'testsuite')[0]!, 'testcase');
    const keys = testcases.map((t) => `${attr(t, 'classname')}\u0000${attr(t, 'name')}`);
    expect(new Set(keys).size).to.equal(keys.length);
    const names = testcases.filter((t) => attr(t, 'line') === '31').map((t) => attr(t, 'name'));
    expect(names).to.deep.equal([
      'prod/frontend -> prod/api:8080/TCP should be allowed (frontend-to-api)',
      'prod/frontend -> prod/api:8080/TCP should be allowed (frontend-to-api-again)',
      'prod/frontend -> prod/api:8080/TCP should be allowed (frontend-to-api) #2',
    ]);
  });

  it('says flaky in a flaky cell\'s message, with every observation in order', () => {
    const suite = childElements(parseXml(formatJunitReport(liveRun())), 'testsuite')[0]!;
    const flaky = childElements(suite, 'testcase').find((t) => attr(t, 'line') === '82')!;
    const failure = childElements(flaky, 'failure')[0]!;
    expect(attr(failure, 'type')).to.equal('Flaky');
    expect(attr(failure, 'message')).to.equal('flaky: expected deny, observed timeout, connected, timeout (3 attempts), model deny');
  });

  it('writes a skipped cell\'s reason as the message and as the text', () => {
    const suite = childElements(parseXml(formatJunitReport(liveRun())), 'testsuite')[0]!;
    const skipped = childElements(childElements(suite, 'testcase').find((t) => attr(t, 'line') === '86')!, 'skipped')[0]!;
    expect(attr(skipped, 'message')).to.equal('SCTP is not enabled on this cluster (kind without the SCTP module)');
    expect(textOf(skipped)).to.equal('SCTP is not enabled on this cluster (kind without the SCTP module)');
  });

  it('reports a cell that could not be judged as an <error>, with the exec failure typed', () => {
    const suite = childElements(parseXml(formatJunitReport(liveRun())), 'testsuite')[0]!;
    const exec = childElements(suite, 'testcase').find((t) => attr(t, 'line') === '76')!;
    const error = childElements(exec, 'error')[0]!;
    expect(attr(error, 'type')).to.equal('ExecError');
    expect(attr(error, 'message')).to.include('the exec transport failed');
  });

  it('places setup errors at the suite file\'s fixture: line, in the suite\'s group, with the time spent', () => {
    const root = parseXml(formatJunitReport(setupFailedRun()));
    const [runSuite, prodApi] = childElements(root, 'testsuite');
    expect(attr(runSuite!, 'name')).to.equal('netpol-e2e');
    const runSetup = childElements(runSuite!, 'testcase')[0]!;
    expect(attr(runSetup, 'classname')).to.equal('netpol-e2e.run.setup');
    expect(attr(runSetup, 'name')).to.equal('setup');
    // At a file that exists: the run's first suite, never a made-up `netpol-e2e`.
    expect(attr(runSetup, 'file')).to.equal('suites/prod-api.yaml');
    expect(attr(runSetup, 'line')).to.equal('6');
    expect(attr(runSetup, 'time')).to.equal('61.900');
    expect(attr(childElements(runSetup, 'error')[0]!, 'type')).to.equal('NOT_ENFORCING');
    const suiteSetup = childElements(prodApi!, 'testcase')[0]!;
    expect(attr(suiteSetup, 'classname')).to.equal('netpol-e2e.prod-api.setup');
    expect(attr(suiteSetup, 'classname').startsWith(`netpol-e2e.${attr(prodApi!, 'name')}.`)).to.equal(true);
    expect(attr(suiteSetup, 'name')).to.equal('setup');
    expect(attr(suiteSetup, 'file')).to.equal('suites/prod-api.yaml');
    expect(attr(suiteSetup, 'line')).to.equal('6');
    expect(attr(suiteSetup, 'time')).to.equal('120.400');
    expect(textOf(childElements(suiteSetup, 'error')[0]!)).to.include('hint: preload the probe image');
  });

  it('places errors that stopped the run before any suite at the first suite the run was given', () => {
    const run = setupFailedRun();
    run.suites = [];
    run.plannedSuites = [
      { name: 'web', file: './suites/web.yaml', fixtureLine: 9 },
      { name: 'prod-api', file: 'suites/prod-api.yaml', fixtureLine: 6 },
    ];
    const runSetup = childElements(childElements(parseXml(formatJunitReport(run)), 'testsuite')[0]!, 'testcase')[0]!;
    expect(attr(runSetup, 'file')).to.equal('suites/web.yaml');
    expect(attr(runSetup, 'line')).to.equal('9');
  });

  it('numbers several setup errors of one suite', () => {
    const run = setupFailedRun();
    run.suites[0]!.errors.push({ code: 'KUBE_API', message: 'deleting namespace prod-q3m9v: 403 forbidden' });
    const prodApi = childElements(parseXml(formatJunitReport(run)), 'testsuite')[1]!;
    expect(childElements(prodApi, 'testcase').map((t) => attr(t, 'name'))).to.deep.equal(['setup', 'setup (2)']);
  });

  it('writes <properties> once, in the first testsuite (xunitparser rejects repeated property names)', () => {
    const run = staticVerifyRun();
    const suites = childElements(parseXml(formatJunitReport(run)), 'testsuite');
    expect(suites).to.have.length(2);
    expect(suites.map((s) => childElements(s, 'properties').length)).to.deep.equal([1, 0]);
  });

  it('strict schema: no testcase file/line and no root skipped (Jenkins junit-10.xsd), the location kept in the text', () => {
    const xml = formatJunitReport(liveRun(), { schema: 'strict' });
    const root = parseXml(xml);
    expect(root.attributes.has('skipped')).to.equal(false);
    const testcases = childElements(childElements(root, 'testsuite')[0]!, 'testcase');
    for (const testcase of testcases) {
      expect([...testcase.attributes.keys()].sort()).to.deep.equal(['classname', 'name', 'time']);
    }
    const failed = testcases.find((t) => attr(t, 'name').includes('(batch-to-api)'))!;
    expect(textOf(childElements(failed, 'failure')[0]!)).to.include('at suites/prod-api.yaml:37');
  });

  it('writes file paths relative to the repository root, with forward slashes and no ./', () => {
    const run = liveRun();
    const paths = { cwd: '/repo/deploy', root: '/repo' };
    run.suites[0]!.file = './suites/prod-api.yaml';
    const relative = childElements(parseXml(formatJunitReport(run, { paths })), 'testsuite')[0]!;
    expect(attr(childElements(relative, 'testcase')[0]!, 'file')).to.equal('deploy/suites/prod-api.yaml');
    run.suites[0]!.file = '/repo/suites/prod-api.yaml';
    const absolute = childElements(parseXml(formatJunitReport(run, { paths })), 'testsuite')[0]!;
    expect(attr(absolute, 'file')).to.equal('suites/prod-api.yaml');
    expect(attr(childElements(absolute, 'testcase')[0]!, 'file')).to.equal('suites/prod-api.yaml');
  });

  for (const name of RECORDED_RUNS) {
    it(`recorded ${name} run: unique names, the step said once, every testcase at an existing repository file and line`, () => {
      const root = parseXml(formatJunitReport(recordedRun(name), { paths: { cwd: REPO, root: REPO } }));
      const testcases = childElements(root, 'testsuite').flatMap((suite) => childElements(suite, 'testcase'));
      expect(testcases.length).to.be.greaterThan(0);
      const keys = testcases.map((t) => `${attr(t, 'classname')}\u0000${attr(t, 'name')}`);
      expect(new Set(keys).size).to.equal(keys.length);
      for (const testcase of testcases) {
        const testName = attr(testcase, 'name');
        expect(testName, 'a step named twice').not.to.match(/step (\d+)\b.*step \1\b/);
        const file = attr(testcase, 'file');
        expect(file, testName).not.to.match(/^(\.\/|\/)/);
        expect(existsSync(join(REPO, file)), `${file} exists`).to.equal(true);
        expect(Number(attr(testcase, 'line')), testName).to.be.greaterThan(0);
      }
    });
  }

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
    expect(attr(testcase, 'name')).to.equal(`a <b> & "c" 'd' bell nul (batch-to-api)`);
    expect(attr(testcase, 'classname')).to.equal('netpol-e2e.suite<&>"\'.prod');
    expect(textOf(childElements(testcase, 'failure')[0]!)).to.include('line one\nline </failure> two ]]> [31mred[0m');
    const properties = childElements(childElements(suite, 'properties')[0]!, 'property');
    const odd = properties.find((p) => attr(p, 'name') === 'environment.odd\tkey')!;
    expect(attr(odd, 'value')).to.equal('tab\there\nnewline');
  });
});
