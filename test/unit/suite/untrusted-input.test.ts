/**
 * Suites arrive in pull requests: what they may read is confined to a root, every file is read as untrusted input,
 * no message quotes a file that is not what it should be, and every input ends in an InputError, never a crash.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadSuite, loadSuites } from '../../../src/suite/index.js';
import type { InputIssue } from '../../../src/util/errors.js';
import { at, inputIssues, issueWith } from './helpers.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.PLANTED-SECRET-TOKEN';

const SUITE_HEAD = `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces: [{name: prod}]
  workloads:
    - {name: a, namespace: prod, labels: {app: a}, ports: [{port: 80}]}
    - {name: b, namespace: prod, labels: {app: b}, ports: [{port: 80, name: http}]}
assertions:
  - {from: prod/a, to: prod/b, port: 80, expect: allow}
`;

const policy = (spec: string, name = 'p'): string =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: prod}\nspec:\n${spec}`;

function everyText(issues: readonly InputIssue[]): string {
  return issues.map((i) => `${i.position?.file ?? ''} ${i.field ?? ''} ${i.message}`).join('\n');
}

describe('suite: untrusted input', () => {
  /** <tmp>/repo (a git repository: has .git) with suites/ inside; <tmp>/secret/token outside it. */
  let tmp = '';
  let repo = '';
  let suites = '';
  let secretDir = '';
  const writeSuite = async (name: string, policies: string[] | string): Promise<string> => {
    const list = typeof policies === 'string' ? policies : `policies:\n${policies.map((p) => `  - ${p}\n`).join('')}`;
    const file = path.join(suites, name);
    await writeFile(file, `${SUITE_HEAD}${list}`);
    return file;
  };

  before(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'netpol-untrusted-'));
    repo = path.join(tmp, 'repo');
    suites = path.join(repo, 'suites');
    secretDir = path.join(tmp, 'secret');
    await mkdir(path.join(repo, '.git'), { recursive: true });
    await mkdir(path.join(suites, 'netpol'), { recursive: true });
    await mkdir(secretDir);
    await writeFile(path.join(secretDir, 'token'), `${TOKEN}\n`);
    await writeFile(path.join(secretDir, 'policy.yaml'), policy('  podSelector: {}\n', 'outside'));
    await writeFile(path.join(repo, 'shared.yaml'), policy('  podSelector: {}\n', 'shared'));
    await writeFile(path.join(suites, 'netpol', 'ok.yaml'), policy('  podSelector: {}\n', 'ok'));
    await symlink(path.join(secretDir, 'token'), path.join(suites, 'netpol', 'token.yaml'));
    await symlink(secretDir, path.join(suites, 'secret-dir'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  describe('files a suite names stay inside its root (the git repository, after symlinks)', () => {
    it('refuses an absolute path outside the root, with file:line and what to do', async () => {
      const issues = await inputIssues(loadSuite(await writeSuite('abs.yaml', ['/etc/passwd'])));
      const issue = issueWith(issues, 'lies outside the git repository');
      expect(at(issue)).to.equal('11:5');
      expect(issue.message).to.contain(`policy file "/etc/passwd" lies outside the git repository ${repo}`);
      expect(issue.message).to.contain('--root <dir>');
    });

    it('refuses .. that leaves the root, but allows .. inside it (the repository, not only the suite directory)', async () => {
      const issues = await inputIssues(loadSuite(await writeSuite('dotdot.yaml', ['../../secret/token'])));
      expect(issueWith(issues, 'lies outside').message).to.contain('policy file "../../secret/token"');
      const suite = await loadSuite(await writeSuite('dotdot-inside.yaml', ['../shared.yaml']));
      expect(suite.steps[0]?.apply.map((p) => p.policy.metadata.name)).to.deep.equal(['shared']);
    });

    it('follows symlinks: a link inside the root to a file outside is refused, naming where it leads', async () => {
      const issues = await inputIssues(loadSuite(await writeSuite('link.yaml', ['netpol/token.yaml'])));
      expect(issueWith(issues, 'lies outside').message).to.contain(`(it resolves to ${path.join(secretDir, 'token')})`);
      const viaDir = await inputIssues(loadSuite(await writeSuite('link-dir.yaml', ['secret-dir/policy.yaml'])));
      issueWith(viaDir, 'lies outside');
    });

    it('confines globs: /** and ../** are refused before any walk; a match that links outside is refused', async () => {
      for (const pattern of ["'/**/*.yaml'", "'../../**/*.yaml'", "'/etc/*'"]) {
        const issues = await inputIssues(loadSuite(await writeSuite('glob.yaml', [pattern])));
        expect(issueWith(issues, 'starts in').message, pattern).to.contain('which lies outside the git repository');
      }
      const issues = await inputIssues(loadSuite(await writeSuite('glob-link.yaml', ["'netpol/*.yaml'"])));
      expect(issueWith(issues, 'matches').message).to.contain('token.yaml, which lies outside');
      // A symlinked directory is not walked by **: only the file inside the repository is found.
      const walked = await loadSuite(await writeSuite('glob-walk.yaml', ["'**/ok.yaml'"]));
      expect(walked.steps[0]?.apply.map((p) => p.policy.metadata.name)).to.deep.equal(['ok']);
    });

    it('refuses {a,b} alternatives that multiply beyond the bound', async () => {
      const bomb = `'${'{a,b}'.repeat(12)}.yaml'`;
      const issues = await inputIssues(loadSuite(await writeSuite('braces.yaml', [bomb])));
      expect(issueWith(issues, 'is refused').message).to.contain('expand to more than 256 patterns');
    });

    it('--root widens the root: a file outside is then read (and its text still never quoted)', async () => {
      const file = await writeSuite('widened.yaml', ['../../secret/policy.yaml']);
      const suite = await loadSuite(file, { roots: [secretDir] });
      expect(suite.steps[0]?.apply.map((p) => p.policy.metadata.name)).to.deep.equal(['outside']);
      const token = await inputIssues(loadSuite(await writeSuite('widened-token.yaml', ['../../secret/token']), { roots: [secretDir] }));
      expect(issueWith(token, 'only networking.k8s.io/v1 NetworkPolicy objects are accepted').message).to.contain(`is not an object but a string of ${TOKEN.length} characters (not a map)`);
      expect(everyText(token)).not.to.contain('PLANTED');
      expect(everyText(token)).not.to.contain('eyJhbGci');
    });

    it('outside a git repository the root is the suite directory', async () => {
      const plain = await mkdtemp(path.join(tmpdir(), 'netpol-norepo-'));
      try {
        await mkdir(path.join(plain, 's'));
        await writeFile(path.join(plain, 'up.yaml'), policy('  podSelector: {}\n'));
        await writeFile(path.join(plain, 's', 'suite.yaml'), `${SUITE_HEAD}policies: [../up.yaml]\n`);
        const issues = await inputIssues(loadSuite(path.join(plain, 's', 'suite.yaml')));
        expect(issueWith(issues, 'lies outside').message).to.contain(`lies outside the directory ${path.join(plain, 's')}`);
      } finally {
        await rm(plain, { recursive: true, force: true });
      }
    });
  });

  describe('only regular files, within the size limit', () => {
    it('refuses a FIFO and a device as policy file or suite (no hang, no read)', async () => {
      execFileSync('mkfifo', [path.join(suites, 'netpol', 'fifo.yaml')]);
      const fifo = await inputIssues(loadSuite(await writeSuite('fifo.yaml', ['netpol/fifo.yaml'])));
      expect(issueWith(fifo, 'FIFO').message).to.contain('is a FIFO (named pipe), not a regular file');
      const device = await inputIssues(loadSuite(await writeSuite('dev.yaml', ['/dev/zero']), { roots: ['/dev'] }));
      expect(issueWith(device, 'character device').message).to.contain('policy file "/dev/zero" is a character device');
      expect((await inputIssues(loadSuite('/dev/zero')))[0]?.message).to.equal('suite file /dev/zero is a character device, not a regular file; only regular files are read');
      expect((await inputIssues(loadSuite(path.join(suites, 'netpol', 'fifo.yaml'))))[0]?.message).to.contain('is a FIFO');
    });

    it('refuses a file over --max-file-size before reading it', async () => {
      await writeFile(path.join(suites, 'netpol', 'big.yaml'), `# ${'x'.repeat(4096)}\n${policy('  podSelector: {}\n', 'big')}`);
      const file = await writeSuite('big-suite.yaml', ['netpol/big.yaml']);
      const issues = await inputIssues(loadSuite(file, { maxFileSize: 2048 }));
      expect(issueWith(issues, 'over the limit').message).to.match(/policy file .*big\.yaml is 4\.\d KiB, over the limit of 2 KiB/);
      expect((await inputIssues(loadSuite(file, { maxFileSize: 100 })))[0]?.message).to.contain('suite file');
      expect((await loadSuite(file)).steps[0]?.apply).to.have.length(1);
    });
  });

  describe('suite directories', () => {
    it('report a broken symlink and a link that leaves the root instead of skipping them silently', async () => {
      const dir = path.join(repo, 'dir-suites');
      await mkdir(dir);
      await writeFile(path.join(dir, 'good.yaml'), SUITE_HEAD);
      await symlink(path.join(dir, 'gone.yaml'), path.join(dir, 'broken.yaml'));
      await symlink(path.join(secretDir, 'token'), path.join(dir, 'leak.yaml'));
      const issues = await inputIssues(loadSuites([dir]));
      expect(issueWith(issues, 'broken.yaml').message).to.contain('is a broken symbolic link (its target does not exist)');
      expect(issueWith(issues, 'leak.yaml').message).to.contain('lies outside the git repository');
      expect(everyText(issues)).not.to.contain('PLANTED');
    });
  });

  describe('never quoting a file that is not what it should be', () => {
    it('a token given as suite or policy is described by its shape, never by its text', async () => {
      const asSuite = await inputIssues(loadSuite(path.join(secretDir, 'token')));
      expect(asSuite[0]?.message).to.contain(`is not a suite: its YAML document is a string of ${TOKEN.length} characters (not a map)`);
      expect(everyText(asSuite)).not.to.contain('eyJhbGci');
    });

    it('YAML syntax errors do not echo the source they complain about', async () => {
      await writeFile(path.join(suites, 'netpol', 'tag.yaml'), 'apiVersion: !<tag:secret-value-123> x\n"bad \\q escape-secret": 1\n');
      const issues = await inputIssues(loadSuite(await writeSuite('syntax.yaml', ['netpol/tag.yaml'])));
      expect(everyText(issues)).to.contain('YAML syntax error');
      expect(everyText(issues)).not.to.contain('secret-value-123');
      expect(everyText(issues)).not.to.contain('escape-secret');
    });
  });

  describe('policy files read as kubectl reads them', () => {
    it('port: 010 is port 8 (octal in YAML 1.1), as kubectl sends it', async () => {
      await writeFile(path.join(suites, 'netpol', 'octal.yaml'), policy('  podSelector: {}\n  ingress:\n    - ports: [{port: 010}]\n'));
      const suite = await loadSuite(await writeSuite('octal-suite.yaml', ['netpol/octal.yaml']));
      expect(suite.steps[0]?.apply[0]?.policy.spec.ingress?.[0]?.ports?.[0]?.port).to.equal(8);
    });

    it('a label value yes is a boolean, refused with its position and the quoting to write', async () => {
      await writeFile(path.join(suites, 'netpol', 'bool.yaml'), policy('  podSelector: {matchLabels: {team: yes}}\n'));
      const issues = await inputIssues(loadSuite(await writeSuite('bool-suite.yaml', ['netpol/bool.yaml'])));
      const issue = issueWith(issues, 'to be a string');
      expect(`${issue.position?.file}:${at(issue)} ${issue.field}`).to.equal(`${path.join(suites, 'netpol/bool.yaml')}:5:37 spec.podSelector.matchLabels.team`);
      expect(issue.message).to.contain('found a boolean (true) (YAML reads the unquoted yes as true); quote it: "yes"');
    });

    it('!!set in a selector is a map of nulls (an unknown field), never an empty selector that selects every pod', async () => {
      await writeFile(path.join(suites, 'netpol', 'set.yaml'), policy('  podSelector: !!set {app}\n'));
      const issues = await inputIssues(loadSuite(await writeSuite('set-suite.yaml', ['netpol/set.yaml'])));
      expect(issueWith(issues, 'unknown field "app"').field).to.equal('spec.podSelector.app');
    });

    it('inline policies are read the same way; the suite itself keeps YAML 1.2 (a fixture label yes is "yes")', async () => {
      const inline = `policies:\n  - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: i, namespace: prod}, spec: {podSelector: {matchLabels: {on: yes}}}}\n`;
      const issues = await inputIssues(loadSuite(await writeSuite('inline.yaml', inline)));
      expect(issueWith(issues, 'to be a string').field).to.equal('policies[0].spec.podSelector.matchLabels.true');
      const suiteLabels = SUITE_HEAD.replace('labels: {app: a}', 'labels: {app: a, team: yes}');
      await writeFile(path.join(suites, 'suite-yes.yaml'), suiteLabels);
      const suite = await loadSuite(path.join(suites, 'suite-yes.yaml'));
      expect(suite.fixture.workloads[0]?.labels).to.deep.equal({ app: 'a', team: 'yes' });
    });
  });

  describe('every input ends in an answer', () => {
    it('nesting deeper than any real input is refused with its line and column, before parsing', async () => {
      const flow = path.join(suites, 'deep-flow.yaml');
      await writeFile(flow, `${SUITE_HEAD}description: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
      const issue = (await inputIssues(loadSuite(flow)))[0];
      expect(`${at(issue as InputIssue)} ${issue?.message}`).to.match(/^10:\d+ the YAML nests more than 100 levels deep here \(flow collections/);
      const block = path.join(suites, 'deep-block.yaml');
      await writeFile(block, `${SUITE_HEAD}steps:\n  ${'- '.repeat(5000)}x\n`);
      expect((await inputIssues(loadSuite(block)))[0]?.message).to.contain('block collections');
      await writeFile(path.join(suites, 'netpol', 'deep.yaml'), `a: ${'{b: '.repeat(3000)}1${'}'.repeat(3000)}\n`);
      const inPolicy = await inputIssues(loadSuite(await writeSuite('deep-policy.yaml', ['netpol/deep.yaml'])));
      expect(issueWith(inPolicy, 'nests more than').position?.file).to.contain('deep.yaml');
    });

    it('control characters in a suite are refused (they would act on the terminal or CI log)', async () => {
      const file = path.join(suites, 'escape.yaml');
      await writeFile(file, `${SUITE_HEAD}description: "ok\\e[2J\\rPASSED"\n`);
      const issue = issueWith(await inputIssues(loadSuite(file)), 'control character');
      expect(issue.field).to.equal('description');
      expect(issue.message).to.contain('(\\x1b at character 3)');
      expect(issue.message).not.to.contain('\u001b');
    });

    it('a file name with control characters is shown escaped', async () => {
      const file = path.join(suites, 'evil\u001b[2J.yaml');
      await writeFile(file, `${SUITE_HEAD}policies: [nope.yaml]\n`);
      const issue = (await inputIssues(loadSuite(file)))[0] as InputIssue;
      expect(issue.position?.file).to.equal(path.join(suites, 'evil\\x1b[2J.yaml'));
    });
  });
});
