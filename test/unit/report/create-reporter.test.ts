import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { InputError } from '../../../src/util/errors.js';
import { createReporter, REPORTER_NAMES } from '../../../src/report/index.js';
import { CollectStream } from './collect-stream.js';
import { liveRun } from './fixtures.js';

describe('createReporter', () => {
  it('knows the built-in reporters by name', () => {
    expect(REPORTER_NAMES).to.deep.equal(['console', 'junit', 'json', 'markdown', 'github', 'html']);
    for (const name of REPORTER_NAMES) expect(createReporter(name, { stream: new CollectStream() }).onEnd).to.be.a('function');
  });

  it('rejects an unknown name with an InputError listing the known ones', () => {
    expect(() => createReporter('pdf', { stream: new CollectStream() }))
      .to.throw(InputError)
      .with.property('message', 'unknown reporter "pdf": expected one of console, junit, json, markdown, github, html');
  });

  it('never colors a console summary written to a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netpol-console-'));
    try {
      const file = join(dir, 'out/console.txt');
      await createReporter('console', { file, color: true, progress: true }).onEnd(liveRun());
      const text = await readFile(file, 'utf8');
      expect(text).not.to.include('\u001b');
      expect(text.startsWith('netpol-e2e 0.1.0 run')).to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('console progress', () => {
    function drive(options: { progress?: boolean; verbose?: boolean; quiet?: boolean }): string {
      const stream = new CollectStream();
      const reporter = createReporter('console', { stream, ...options });
      const run = liveRun();
      reporter.onBegin?.({ command: 'run', runId: run.runId, suites: ['prod-api'] });
      reporter.onStepBegin?.('prod-api', { index: 0, name: 'initial' });
      for (const cell of run.suites[0]!.cells) reporter.onCell?.('prod-api', cell);
      return stream.text();
    }

    it('prints a line per step and per cell that failed, errored or was flaky', () => {
      expect(drive({ progress: true }).split('\n')).to.deep.equal([
        'run (run id r7k2x): 1 suite',
        'prod-api: step 0 initial',
        '  ✗ prod/batch -> prod/api:8080/TCP should be allowed (expected allow, observed timeout (deny), model deny)',
        '  ✗ dev/tools -> prod/api:8080/TCP should be denied (expected deny, observed connected (allow), model deny)',
        '  ! prod/frontend resolves partner.example: should resolve (expected resolves, observed dns-error (not judged), model allow)',
        '  ! prod/frontend -> external partner (203.0.113.10):443/TCP should be allowed (expected allow, observed exec-error (not judged), model allow)',
        '  ~ prod/batch -> prod/frontend:80/TCP should be denied (flaky: expected deny, observed timeout, connected, timeout (3 attempts), model deny)',
        '',
      ]);
    });

    it('adds passed and skipped cells when verbose, and prints nothing without progress or when quiet', () => {
      const verbose = drive({ progress: true, verbose: true });
      expect(verbose).to.include('  ✓ prod/frontend -> prod/api:8080/TCP should be allowed\n');
      expect(verbose).to.include('  - prod/frontend -> prod/api:3868/SCTP should be allowed (skipped: SCTP is not enabled');
      expect(drive({})).to.equal('');
      expect(drive({ progress: true, quiet: true })).to.equal('');
    });

    it('reports a progress write that failed once the run ends, after still writing the summary', async () => {
      let calls = 0;
      const written: string[] = [];
      const stream = {
        write(chunk: string): boolean {
          calls += 1;
          if (calls === 1) throw new Error('EAGAIN');
          written.push(chunk);
          return true;
        },
      };
      const reporter = createReporter('console', { stream, progress: true });
      reporter.onBegin?.({ command: 'run', suites: [] });
      let error: unknown;
      try {
        await reporter.onEnd(liveRun());
      } catch (thrown) {
        error = thrown;
      }
      expect((error as Error).message).to.equal('the console progress could not be written: EAGAIN');
      expect(written.join('')).to.include('FAILED: 5 passed');
    });
  });
});
