/**
 * README.md's examples, run as written: every `console` block's commands run in order in a git copy of the
 * repository's suites and docs (as a user types them at the repository root, `npx netpol-e2e` being the built
 * CLI), each must end with the exit code it says and print what the README shows; the suite shown under "Suite
 * format" is docs/examples/shop.yaml verbatim, and it verifies; the main job in the first `sh` blocks is the command
 * `npm start` runs (scripts/start.sh, which `.ci/run` runs from a clean clone).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { consoleCommands, fencedBlocks, outputMismatch, type FencedBlock } from '../support/readme-examples.js';
import { CLI, REPO_ROOT, runCli } from './cli-process.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const BLOCKS = fencedBlocks(README);
const SHOP_SUITE = 'docs/examples/shop.yaml';
const LOCAL_KUBECONFIG = '/var/lib/netpol-e2e/cluster/kubeconfig/admin.kubeconfig';

/** A command line with its continuations joined and its whitespace collapsed. */
function oneLine(command: string): string {
  return command.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'readme', GIT_AUTHOR_EMAIL: 'readme@example.invalid', GIT_COMMITTER_NAME: 'readme', GIT_COMMITTER_EMAIL: 'readme@example.invalid' },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr}`);
}

describe('README.md examples, run as written', function () {
  this.timeout(120_000);
  let workspace = '';

  before(() => {
    // What the examples name: the example suites and the documentation's examples, in a git repository of their own
    // (diff --base reads git objects; a suite's files must lie inside its repository).
    workspace = mkdtempSync(join(tmpdir(), 'netpol-e2e-readme-'));
    for (const dir of ['suites', 'docs']) cpSync(join(REPO_ROOT, dir), join(workspace, dir), { recursive: true });
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'the repository as README.md describes it');
  });

  after(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const consoleBlocks = BLOCKS.filter((block) => block.language === 'console');

  it('has console examples to run', () => {
    expect(consoleBlocks.map((block) => consoleCommands(block).length).reduce((a, b) => a + b, 0)).to.be.at.least(5);
  });

  // One test per block: a block's commands build on each other (an edit, then a diff, then its undo).
  for (const block of consoleBlocks) {
    it(`README.md:${block.line}: ${consoleCommands(block).map((c) => c.command.replace(/^npx netpol-e2e /, '').split(' ')[0]).join(', ')}`, () => {
      for (const step of consoleCommands(block)) {
        const script = step.command.replace(/\bnpx netpol-e2e\b/g, `node ${JSON.stringify(CLI)}`);
        const result = spawnSync('bash', ['-o', 'pipefail', '-c', `exec 2>&1\n${script}`], {
          cwd: workspace,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', CI: '' },
          timeout: 60_000,
        });
        const where = `README.md:${step.line}: $ ${step.command}`;
        expect(result.status, `${where}\nexit code (expected ${step.expectedExit}); output:\n${result.stdout}`).to.equal(step.expectedExit);
        const mismatch = outputMismatch(step.output, result.stdout);
        expect(mismatch, `${where}\n${mismatch}\nREADME shows:\n${step.output.join('\n')}\noutput:\n${result.stdout}`).to.equal(undefined);
      }
    });
  }

  describe('the suite under "Suite format"', () => {
    const block = (): FencedBlock => {
      const found = BLOCKS.find((candidate) => candidate.language === 'yaml' && candidate.text.includes('kind: Suite'));
      if (!found) throw new Error('README.md has no yaml block with a suite');
      return found;
    };

    it(`is ${SHOP_SUITE}, verbatim`, () => {
      expect(block().text).to.equal(readFileSync(join(REPO_ROOT, SHOP_SUITE), 'utf8'));
    });

    it('verifies and lints clean', async () => {
      const verify = await runCli(['verify', SHOP_SUITE]);
      expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
      expect(verify.stdout).to.match(/shop \(docs\/examples\/shop\.yaml\): 6 passed, 0 failed/);
      const lint = await runCli(['lint', SHOP_SUITE]);
      expect(lint.code, lint.stdout + lint.stderr).to.equal(0);
    });
  });

  describe('the main job', () => {
    const runBlock = (): string => {
      const found = BLOCKS.find((candidate) => candidate.language === 'sh' && candidate.text.includes('netpol-e2e run'));
      if (!found) throw new Error('README.md has no sh block with the main job (netpol-e2e run)');
      return oneLine(found.text);
    };

    it('is what `npm start` runs (scripts/start.sh), with its kubeconfig and report directory', () => {
      const start = oneLine(readFileSync(join(REPO_ROOT, 'scripts/start.sh'), 'utf8'));
      const run = /node dist\/cli\/main\.js (run .*?) \|\|/.exec(start);
      expect(run, 'scripts/start.sh runs no `node dist/cli/main.js run …`').to.not.equal(null);
      const asStartRunsIt = run![1]!.replaceAll('"${kubeconfig}"', LOCAL_KUBECONFIG).replaceAll('"${REPORTS_DIR}', 'reports').replaceAll('${REPORTS_DIR}', 'reports').replaceAll('"', '');
      expect(runBlock()).to.equal(`npx netpol-e2e ${asStartRunsIt}`);
    });

    it('is accepted by the argument parser as written', async () => {
      // --help after the arguments: the parser still refuses unknown options and values, but nothing runs.
      const args = runBlock().replace(/^npx netpol-e2e /, '').split(' ');
      const result = await runCli([...args, '--help']);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.match(/netpol-e2e run/);
    });
  });
});

describe('README example matcher', () => {
  const block = (text: string): FencedBlock => ({ language: 'console', line: 10, text });

  it('splits commands, their output and the exit code they say', () => {
    const commands = consoleCommands(block('$ a --x\none\n\n$ b   # exit 1: breaks\n$ c # exits 3\n'));
    expect(commands.map((c) => [c.command, c.line, c.expectedExit, c.output])).to.deep.equal([
      ['a --x', 11, 0, ['one']],
      ['b   # exit 1: breaks', 14, 1, []],
      ['c # exits 3', 15, 3, []],
    ]);
  });

  it('matches whole output, `…` lines and `…` in a line, and any time or duration', () => {
    expect(outputMismatch(['x in 5ms', '…', 'end (…)'], 'x in 1.5s\na\nb\nend (abc)\n')).to.equal(undefined);
    expect(outputMismatch(['…', 'end'], 'end')).to.equal(undefined);
    expect(outputMismatch(['started 2026-12-05T18:40:31.815Z'], 'started 2027-01-01T00:00:00Z')).to.equal(undefined);
  });

  it('reports a changed line, a missing line and an unshown extra line', () => {
    expect(outputMismatch(['a', 'b'], 'a\nc')).to.match(/shown line 2 matches no output line/);
    expect(outputMismatch(['a', 'b'], 'a')).to.match(/shown line 2/);
    expect(outputMismatch(['a'], 'a\nb')).to.match(/lines the README does not show/);
    expect(outputMismatch(['a …'], 'a x\ny')).to.match(/lines the README does not show/);
    expect(outputMismatch(['14 passed'], '13 passed')).to.match(/shown line 1/);
  });
});
