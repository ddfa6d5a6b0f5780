/**
 * README's first command (`npm start`) on a fresh machine: .ci/run runs it from a clean clone before `npm test`
 * and points NETPOL_E2E_FIRST_COMMAND_REPORTS at its reports/ directory; this checks what that run wrote. The
 * command itself is checked always: it is the first command of README.md and it is wired to scripts/start.sh.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LIVE_DEFAULTS } from '../../src/deploy/index.js';
import { childElements, parseXml } from '../unit/report/parse-xml.js';
import { REPO_ROOT } from './run-live-helpers.js';

/** The first command line of README.md's first ```sh block, without its comment. */
function readmeFirstCommand(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n');
  const open = readme.indexOf('```sh');
  return (readme[open + 1] ?? '').replace(/\s*#.*$/, '');
}

function exampleSuiteNames(): string[] {
  const dir = join(REPO_ROOT, 'suites');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => (parse(readFileSync(join(dir, f), 'utf8')) as { name: string }).name)
    .sort();
}

describe("README's first command", function () {
  it('is `npm start`, which runs scripts/start.sh: install, local cluster, run on suites/ with reports', () => {
    expect(readmeFirstCommand()).to.equal('npm start');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).to.equal('bash scripts/start.sh');
    const script = readFileSync(join(REPO_ROOT, 'scripts/start.sh'), 'utf8');
    for (const part of ['npm ci', 'cluster:up', 'run suites/', '--junit', '--json', '--markdown']) expect(script).to.contain(part);
    expect(script).not.to.contain('--probe-image');
  });

  it('the local cluster carries the probe image under the default name the run uses', () => {
    const versions = readFileSync(join(REPO_ROOT, 'test/cluster/versions.env'), 'utf8');
    expect(/^DEFAULT_PROBE_IMAGE=(\S+)/m.exec(versions)?.[1]).to.equal(LIVE_DEFAULTS.probeImage);
  });

  describe('its run on the example suites (reports written by .ci/run)', () => {
    let dir: string;
    before(function () {
      const given = process.env.NETPOL_E2E_FIRST_COMMAND_REPORTS;
      if (given) {
        dir = given;
        return;
      }
      if (process.env.CI === 'true' && process.env.NETPOL_E2E_REQUIRE_LIVE === '1') {
        throw new Error(".ci/run must run README's first command and set NETPOL_E2E_FIRST_COMMAND_REPORTS to its reports directory");
      }
      this.skip(); // outside CI: run `npm start`, then NETPOL_E2E_FIRST_COMMAND_REPORTS=$PWD/reports
    });

    it('ran exactly the first command of README.md', function () {
      if (process.env.NETPOL_E2E_FIRST_COMMAND === undefined) this.skip();
      expect(process.env.NETPOL_E2E_FIRST_COMMAND).to.equal(readmeFirstCommand());
    });

    it('wrote a JSON report: a passed run of every example suite, with the default probe image', () => {
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
        command: string;
        passed: boolean;
        counts: { total: number; failed: number; errors: number };
        environment: Record<string, string>;
        suites: { name: string }[];
      };
      expect(report.command).to.equal('run');
      expect(report.suites.map((s) => s.name).sort()).to.deep.equal(exampleSuiteNames());
      expect(report.counts.failed, JSON.stringify(report.counts)).to.equal(0);
      expect(report.counts.errors, JSON.stringify(report.counts)).to.equal(0);
      expect(report.counts.total).to.be.greaterThan(50);
      expect(report.passed).to.equal(true);
      expect(Object.values(report.environment)).to.include(LIVE_DEFAULTS.probeImage);
    });

    it('wrote JUnit: one testsuite per example suite, no failure, no error', () => {
      const root = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
      const suites = childElements(root, 'testsuite');
      expect(suites.map((s) => s.attributes.get('name')).sort()).to.deep.equal(exampleSuiteNames());
      for (const suite of suites) {
        const name = suite.attributes.get('name');
        expect(Number(suite.attributes.get('tests')), `${name} tests`).to.be.greaterThan(0);
        expect(suite.attributes.get('failures'), `${name} failures`).to.equal('0');
        expect(suite.attributes.get('errors'), `${name} errors`).to.equal('0');
        expect(childElements(suite, 'testcase').length, `${name} testcases`).to.equal(Number(suite.attributes.get('tests')));
      }
    });

    it('wrote the Markdown summary naming every example suite', () => {
      expect(existsSync(join(dir, 'summary.md'))).to.equal(true);
      const markdown = readFileSync(join(dir, 'summary.md'), 'utf8');
      for (const name of exampleSuiteNames()) expect(markdown).to.contain(name);
    });
  });
});
