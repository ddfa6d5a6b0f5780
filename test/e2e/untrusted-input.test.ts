/**
 * The CLI as a process against hostile and careless input: a planted secret never reaches stdout, stderr or any
 * report; every bad input ends in a clear exit (2, 130), never a hang, a crash or a raw escape sequence.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CLI, REPO_ROOT, runCli } from './cli-process.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.PLANTED-TOKEN-7f3a9c';

const HEAD = `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces: [{name: prod}]
  workloads:
    - {name: a, namespace: prod, labels: {app: a}, ports: [{port: 80}]}
    - {name: b, namespace: prod, labels: {app: b}, ports: [{port: 80}]}
assertions:
  - {from: prod/a, to: prod/b, port: 80, expect: allow}
`;

describe('CLI (as a process): untrusted input', function () {
  this.timeout(120_000);
  let tmp = '';
  let repo = '';
  let reports = '';

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-e2e-untrusted-'));
    repo = join(tmp, 'repo');
    reports = join(tmp, 'reports');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(reports);
    writeFileSync(join(tmp, 'token'), `${TOKEN}\n`);
    symlinkSync(join(tmp, 'token'), join(repo, 'token-link.yaml'));
    writeFileSync(join(repo, 'ok.yaml'), HEAD);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const suite = (name: string, tail: string): string => {
    const file = join(repo, name);
    writeFileSync(file, `${HEAD}${tail}`);
    return file;
  };

  it('a planted token is in no output and no report, however the suite names it (exit 2)', async () => {
    const attempts: [string, string[]][] = [
      ['absolute', [`policies: [${join(tmp, 'token')}]\n`]],
      ['dotdot', ['policies: [../token]\n']],
      ['symlink', ['policies: [token-link.yaml]\n']],
      ['glob', ["policies: ['../*']\n"]],
      ['widened', [`policies: [../token]\n`, '--root', tmp]],
    ];
    for (const [name, [tail, ...extra]] of attempts) {
      const file = suite(`${name}.yaml`, tail as string);
      const out = join(reports, name);
      const r = await runCli(['verify', file, '--junit', `${out}.xml`, '--json', `${out}.json`, '--markdown', `${out}.md`, ...extra], {
        env: { GITHUB_ACTIONS: 'true' },
      });
      expect(r.code, `${name}: ${r.stderr}`).to.equal(2);
      expect(r.stdout + r.stderr, name).not.to.contain('PLANTED');
      expect(r.stdout + r.stderr, name).not.to.contain('eyJhbGci');
      expect(r.stdout, name).to.match(/^::error file=.*title=netpol-e2e%3A bad input::/m);
    }
    for (const file of readdirSync(reports)) expect(readFileSync(join(reports, file), 'utf8')).not.to.contain('PLANTED');
  });

  it('removes a stale passing JUnit report when the input is bad, so CI cannot publish an old pass', async () => {
    const junit = join(reports, 'stale.xml');
    const good = await runCli(['verify', join(repo, 'ok.yaml'), '--junit', junit]);
    expect(good.code).to.equal(0);
    expect(existsSync(junit)).to.equal(true);
    const bad = await runCli(['verify', suite('bad.yaml', 'policies: [/etc/passwd]\n'), '--junit', junit]);
    expect(bad.code).to.equal(2);
    expect(existsSync(junit)).to.equal(false);
  });

  it('a suite path that is a device or FIFO, or a file over --max-file-size, is exit 2 without hanging', async () => {
    expect((await runCli(['verify', '/dev/zero'], { timeoutMs: 20_000 })).stderr).to.contain('is a character device');
    const big = suite('big.yaml', `description: ${'x'.repeat(3000)}\n`);
    const r = await runCli(['verify', big, '--max-file-size', '2KiB']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('over the limit of 2 KiB');
  });

  it('nesting 100,000 deep is exit 2 with a line and column, not a crash', async () => {
    const deep = suite('deep.yaml', `description: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const r = await runCli(['verify', deep]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/deep\.yaml:10:\d+: the YAML nests more than 100 levels deep/);
  });

  it('escapes control characters from input on the terminal (no cleared screen, no fake PASSED line)', async () => {
    const name = join(repo, 'x\u001b[2J\rPASSED.yaml');
    writeFileSync(name, `${HEAD}policies: [nope.yaml]\n`);
    const r = await runCli(['verify', name, '--from', '\u001b]0;title\u0007']);
    expect(r.code).to.equal(2);
    const r2 = await runCli(['verify', name]);
    expect(r2.code).to.equal(2);
    for (const text of [r.stdout, r.stderr, r2.stdout, r2.stderr]) {
      expect(text).not.to.match(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
    expect(r2.stderr).to.contain('x\\x1b[2J\\rPASSED.yaml');
  });

  describe('report paths and flags', () => {
    const ok = (): string => join(repo, 'ok.yaml');

    it('/proc/nope/j.xml, an empty path and a path under a file are usage errors (exit 2), at once', async () => {
      for (const [flag, value, words] of [
        ['--junit', '/proc/nope/j.xml', 'cannot be created'],
        ['--junit', '', 'needs a file path'],
        ['--markdown', join(repo, 'ok.yaml', 'x.md'), 'is a file, not a directory'],
      ] as const) {
        const r = await runCli(['verify', ok(), flag, value], { timeoutMs: 20_000 });
        expect(r.code, `${flag} ${value}: ${r.stderr}`).to.equal(2);
        expect(r.stderr).to.contain(words);
      }
    });

    it('--json X --junit X is refused: one report would be lost', async () => {
      const r = await runCli(['verify', ok(), '--json', join(reports, 'same'), '--junit', join(reports, 'same')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('--junit and --json both write');
    });

    it('cluster and live flags on conformance without --live are refused', async () => {
      const r = await runCli(['conformance', 'test/fixtures/netpol-corpus', '--kubeconfig', '/nope', '--workers', '3']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('--kubeconfig, --workers only apply with --live');
    });

    it('a negative option value gets the option\'s own message, not "argument is ambiguous"', async () => {
      const r = await runCli(['explain', ok(), '--from', 'prod/a', '--to', 'prod/b', '--port', '-5']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('--port -5: a port number must be from 1 to 65535');
      expect(r.stderr).not.to.contain('ambiguous');
    });
  });

  it('EPIPE (verify … | head -1) ends quietly with the verdict\'s exit code', async () => {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'verify', 'suites/', '-v'], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (exit) => {
        if (stderr !== '') reject(new Error(`stderr was not quiet: ${stderr}`));
        else resolve(exit);
      });
    });
    expect(code).to.equal(0);
  });

  it('SIGINT or SIGTERM during verify stops it with exit 130', async () => {
    const lines = [HEAD];
    for (let i = 0; i < 40_000; i += 1) lines.push(`  - {from: prod/a, to: prod/b, port: 80, expect: allow}\n`);
    const big = join(repo, 'long.yaml');
    writeFileSync(big, lines.join(''));
    const interrupt = (signal: NodeJS.Signals, delayMs: number): Promise<{ code: number | null; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, 'verify', big, '--junit', join(reports, 'interrupted.xml')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const timer = setTimeout(() => child.kill(signal), delayMs);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // Node needs a moment to start: a signal before the CLI installed its handlers ends the process by the
      // signal (code null), so that attempt is repeated a little later. The suite takes seconds to load.
      let result = { code: null as number | null, stderr: '' };
      for (const delay of [800, 1600, 3200]) {
        result = await interrupt(signal, delay);
        if (result.code !== null) break;
      }
      expect(result.code, `${signal}: ${result.stderr}`).to.equal(130);
      expect(result.stderr).to.contain(`interrupted by ${signal}`);
      expect(existsSync(join(reports, 'interrupted.xml'))).to.equal(false);
    }
  });

  it('explain to a workload that serves no port says so (exit 2) instead of printing nothing', async () => {
    const file = join(repo, 'noports.yaml');
    writeFileSync(file, HEAD.replace("{name: b, namespace: prod, labels: {app: b}, ports: [{port: 80}]}", '{name: b, namespace: prod, labels: {app: b}}').replace('to: prod/b', 'to: prod/a').replace('from: prod/a', 'from: prod/b'));
    const r = await runCli(['explain', file, '--from', 'prod/a', '--to', 'prod/b']);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.contain('prod/b serves no port, so there is no connection to explain; give --port <number>');
  });

  it('lint exits 0 on the shipped example suites (no false positive on egress-guardrails)', async () => {
    const r = await runCli(['lint', 'suites/']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('no findings in 7 suites');
  });
});
