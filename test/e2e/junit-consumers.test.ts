/**
 * The JUnit report as CI consumers read it: the CLI (dist/) runs `verify` started from the repository root, from
 * a subdirectory, with `./` and with an absolute suite path, and two independent parsers from the registries
 * read each report: junit2json (npm) here, junitparser and xunitparser (PyPI) through
 * test/support/junit-consumers.py. They must agree on the counts, see unique names, the skip reasons as text
 * and repository-relative file paths. The strict dialect is validated against Jenkins' junit-10.xsd (lxml).
 *
 * Python: $NETPOL_E2E_PYTHON, else .venv/bin/python (.ci/run installs test/support/requirements-ci.txt there),
 * else python3. Without the packages the Python half is skipped with the reason, unless NETPOL_E2E_REQUIRE_LIVE=1
 * or NETPOL_E2E_REQUIRE_PARSERS=1 (as in CI), where that is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseJunit2json, type TestCase } from 'junit2json';
import { REPO_ROOT, runCli } from './cli-process.js';

const SHOP = 'test/fixtures/reports/suites/shop.yaml';
const IP_DEPENDENT = 'test/fixtures/cli/ip-dependent.yaml';
const CONSUMERS_PY = join(REPO_ROOT, 'test/support/junit-consumers.py');
const JENKINS_XSD = join(REPO_ROOT, 'test/fixtures/reports/jenkins-junit-10.xsd');

/** Expected from the two suites: shop (10 cells, 2 wrong) and ip-dependent (3 cells, 2 undecided statically). */
const EXPECTED = { tests: 13, failures: 2, errors: 0, skipped: 2 };

function findPython(): { python?: string; reason?: string } {
  const candidates = [process.env.NETPOL_E2E_PYTHON, join(REPO_ROOT, '.venv/bin/python'), 'python3'].filter(
    (c): c is string => c !== undefined && c !== '' && (c === 'python3' || existsSync(c)),
  );
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import junitparser, xunitparser, lxml'], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
  }
  return { reason: `no Python with junitparser, xunitparser and lxml (tried ${candidates.join(', ')}): pip install -r test/support/requirements-ci.txt` };
}

interface PythonView {
  junitparser: {
    tests: number;
    failures: number;
    errors: number;
    skipped: number;
    testcases: { classname: string; name: string; file: string | null; line: string | null; outcome: string; skipText: string | null }[];
  };
  xunitparser: { tests: number; failures: number; errors: number; skipped: number; names: string[] };
  xsd?: { valid: boolean; errors: string[] };
}

function readWithPython(python: string, report: string, xsd?: string): PythonView {
  const args = [CONSUMERS_PY, report, ...(xsd ? ['--xsd', xsd] : [])];
  return JSON.parse(execFileSync(python, args, { encoding: 'utf8' })) as PythonView;
}

interface Started {
  label: string;
  cwd: string;
  args: (dir: string) => string[];
}

/** The same two suites, named four ways. */
const STARTS: Started[] = [
  { label: 'from the repository root', cwd: REPO_ROOT, args: () => [SHOP, IP_DEPENDENT] },
  { label: 'with ./ paths', cwd: REPO_ROOT, args: () => [`./${SHOP}`, `./${IP_DEPENDENT}`] },
  { label: 'with absolute paths', cwd: REPO_ROOT, args: () => [join(REPO_ROOT, SHOP), join(REPO_ROOT, IP_DEPENDENT)] },
  { label: 'from a subdirectory', cwd: join(REPO_ROOT, 'test/fixtures'), args: () => ['reports/suites/shop.yaml', 'cli/ip-dependent.yaml'] },
];

describe('JUnit report read by CI parsers from the registries', function () {
  this.timeout(120_000);
  let dir: string;
  let python: string | undefined;
  let pythonMissing: string | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netpol-junit-consumers-'));
    const found = findPython();
    python = found.python;
    pythonMissing = found.reason;
    const required = process.env.NETPOL_E2E_REQUIRE_LIVE === '1' || process.env.NETPOL_E2E_REQUIRE_PARSERS === '1';
    if (python === undefined && required) throw new Error(`the Python JUnit parsers are required here: ${pythonMissing}`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [index, start] of STARTS.entries()) {
    describe(start.label, () => {
      let report: string;
      let xml: string;
      before(async () => {
        report = join(dir, `junit-${index}.xml`);
        const run = await runCli(['verify', ...start.args(dir), '--junit', report], { cwd: start.cwd });
        expect(run.code, run.stderr).to.equal(1);
        xml = await readFile(report, 'utf8');
      });

      it('junit2json (npm): counts, unique names, skip text, repository-relative files', async () => {
        const parsed = await parseJunit2json(xml);
        if (parsed === undefined || parsed === null || !('testsuite' in parsed)) throw new Error('junit2json read no <testsuites>');
        expect({ tests: parsed.tests, failures: parsed.failures, errors: parsed.errors }).to.deep.equal({
          tests: EXPECTED.tests,
          failures: EXPECTED.failures,
          errors: EXPECTED.errors,
        });
        const testcases: (TestCase & { file?: string; line?: number })[] = (parsed.testsuite ?? []).flatMap((s) => s.testcase ?? []);
        expect(testcases).to.have.length(EXPECTED.tests);
        const keys = testcases.map((t) => `${t.classname}\u0000${t.name}`);
        expect(new Set(keys).size, 'names unique within their classname').to.equal(keys.length);
        const skipped = testcases.filter((t) => t.skipped !== undefined);
        expect(skipped).to.have.length(EXPECTED.skipped);
        for (const t of skipped) {
          const [skip] = t.skipped ?? [];
          expect((skip as { inner?: string } | undefined)?.inner, 'the reason as the element text').to.be.a('string').and.match(/^undecided/);
        }
        expect([...new Set(testcases.map((t) => t.file))].sort()).to.deep.equal([IP_DEPENDENT, SHOP]);
        const wrong = testcases.find((t) => t.name?.endsWith('(batch-to-api)'));
        expect(wrong?.line, 'the multi-line assertion at its expect: line').to.equal(35);
        expect((parsed.testsuite ?? []).map((s) => s.properties?.length ?? 0)).to.deep.equal([4, 0]);
      });

      it('junitparser and xunitparser (PyPI): the same counts, names, skip text and files', function () {
        if (python === undefined) this.skip();
        const view = readWithPython(python, report);
        const { junitparser, xunitparser } = view;
        expect({ tests: junitparser.tests, failures: junitparser.failures, errors: junitparser.errors, skipped: junitparser.skipped }).to.deep.equal(EXPECTED);
        expect({ tests: xunitparser.tests, failures: xunitparser.failures, errors: xunitparser.errors, skipped: xunitparser.skipped }).to.deep.equal(EXPECTED);
        const keys = junitparser.testcases.map((t) => `${t.classname}\u0000${t.name}`);
        expect(new Set(keys).size).to.equal(keys.length);
        expect(new Set(xunitparser.names).size).to.equal(xunitparser.names.length);
        for (const t of junitparser.testcases.filter((c) => c.outcome === 'skipped')) expect(t.skipText).to.match(/^undecided/);
        expect([...new Set(junitparser.testcases.map((t) => t.file))].sort()).to.deep.equal([IP_DEPENDENT, SHOP]);
      });
    });
  }

  it('GitHub workflow commands (::error) carry the same repository-relative path, also from a subdirectory', async () => {
    const run = await runCli(['verify', 'reports/suites/shop.yaml'], { cwd: join(REPO_ROOT, 'test/fixtures'), env: { GITHUB_ACTIONS: 'true' } });
    expect(run.code).to.equal(1);
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error '));
    expect(errors).to.have.length(2);
    expect(errors[0]).to.match(/^::error file=test\/fixtures\/reports\/suites\/shop\.yaml,line=35,title=/);
  });

  describe('--junit-schema strict', () => {
    let strict: string;
    let loose: string;
    before(async () => {
      strict = join(dir, 'strict.xml');
      loose = join(dir, 'default.xml');
      expect((await runCli(['verify', SHOP, IP_DEPENDENT, '--junit', strict, '--junit-schema', 'strict'])).code).to.equal(1);
      expect((await runCli(['verify', SHOP, IP_DEPENDENT, '--junit', loose])).code).to.equal(1);
    });

    it('is valid against Jenkins\' junit-10.xsd, and the default dialect is not (testcase file/line)', function () {
      if (python === undefined) this.skip();
      const strictView = readWithPython(python, strict, JENKINS_XSD);
      expect(strictView.xsd, JSON.stringify(strictView.xsd?.errors)).to.deep.include({ valid: true });
      expect(strictView.junitparser.tests).to.equal(EXPECTED.tests);
      const looseView = readWithPython(python, loose, JENKINS_XSD);
      expect(looseView.xsd?.valid).to.equal(false);
      expect(looseView.xsd?.errors.join('\n')).to.match(/attribute 'file'/);
    });

    it('rejects an unknown schema name as bad input', async () => {
      const run = await runCli(['verify', SHOP, '--junit', join(dir, 'x.xml'), '--junit-schema', 'jenkins']);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include("--junit-schema must be one of default, strict, got 'jenkins'");
    });
  });
});
