import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RunResult } from '../../../src/results/results.js';
import { createReporter, formatGithubAnnotations, MultiplexReporter, type ReporterOptions, type ReportPaths } from '../../../src/report/index.js';
import { CollectStream } from './collect-stream.js';
import { FIXTURES } from './fixtures.js';
import { expectGolden } from './golden.js';
import { RECORDED_RUNS, recordedRun } from './recorded-runs.js';

/** Golden output must not depend on where the repository is checked out. */
const PATHS: ReportPaths = { cwd: '/repo', root: '/repo' };

async function render(name: string, run: RunResult, options: Omit<ReporterOptions, 'file' | 'stream' | 'append'> = {}): Promise<string> {
  const stream = new CollectStream();
  const reporter = createReporter(name, { stream, paths: PATHS, ...options });
  await reporter.onEnd(run);
  return stream.text();
}

describe('reporters against golden files', () => {
  for (const [fixture, build] of Object.entries(FIXTURES)) {
    describe(fixture, () => {
      it('console', async () => expectGolden(`${fixture}.console.txt`, await render('console', build())));
      it('console --verbose', async () => expectGolden(`${fixture}.console-verbose.txt`, await render('console', build(), { verbose: true })));
      it('console --quiet', async () => expectGolden(`${fixture}.console-quiet.txt`, await render('console', build(), { quiet: true })));
      it('junit', async () => expectGolden(`${fixture}.junit.xml`, await render('junit', build())));
      it('json', async () => expectGolden(`${fixture}.json`, await render('json', build())));
      it('markdown', async () => expectGolden(`${fixture}.md`, await render('markdown', build())));
      it('github annotations', async () => {
        const lines = formatGithubAnnotations(build(), { paths: PATHS });
        expect(await render('github', build())).to.equal(lines.map((line) => `${line}\n`).join(''));
        await expectGolden(`${fixture}.annotations.txt`, lines.map((line) => `${line}\n`).join(''));
      });
    });
  }

  describe('recorded runs', () => {
    for (const name of RECORDED_RUNS) {
      describe(name, () => {
        it('junit', async () => expectGolden(`runs/${name}.junit.xml`, await render('junit', recordedRun(name))));
        it('junit --junit-schema strict', async () =>
          expectGolden(`runs/${name}.strict.junit.xml`, await render('junit', recordedRun(name), { junitSchema: 'strict' })));
        it('console', async () => expectGolden(`runs/${name}.console.txt`, await render('console', recordedRun(name))));
        it('markdown', async () => expectGolden(`runs/${name}.md`, await render('markdown', recordedRun(name))));
        it('github annotations', async () => expectGolden(`runs/${name}.annotations.txt`, await render('github', recordedRun(name))));
        it('html', async () => expectGolden(`runs/${name}.html`, await render('html', recordedRun(name))));
      });
    }
  });

  it('console with color (live run)', async () => {
    const text = await render('console', FIXTURES.live(), { color: true });
    expect(text).to.include('\u001b[31m');
    await expectGolden('live.console-color.txt', text);
  });

  it('writes every file report through the multiplexer, creating parent directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netpol-report-'));
    try {
      const run = FIXTURES.live();
      const console = new CollectStream();
      const files = { junit: join(dir, 'a/b/junit.xml'), json: join(dir, 'c/report.json'), markdown: join(dir, 'summary.md') };
      const multiplexer = new MultiplexReporter([
        { name: 'console', reporter: createReporter('console', { stream: console }) },
        ...Object.entries(files).map(([name, file]) => ({ name, reporter: createReporter(name, { file, paths: PATHS }) })),
      ]);
      multiplexer.onBegin({ command: 'run', runId: run.runId, suites: run.suites.map((s) => s.name) });
      for (const suite of run.suites) multiplexer.onSuiteEnd(suite);
      await multiplexer.onEnd(run);
      expect(multiplexer.failures()).to.deep.equal([]);
      expect(console.text()).to.equal(await render('console', run));
      expect(await readFile(files.junit, 'utf8')).to.equal(await render('junit', run));
      expect(await readFile(files.json, 'utf8')).to.equal(await render('json', run));
      expect(await readFile(files.markdown, 'utf8')).to.equal(await render('markdown', run));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
