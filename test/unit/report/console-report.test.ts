import { expect } from 'chai';
import { formatConsoleReport } from '../../../src/report/index.js';
import { FIXTURES, liveRun, setupFailedRun, staticVerifyRun } from './fixtures.js';

const PLAIN = { color: false, verbose: false, quiet: false };

describe('console report', () => {
  for (const [fixture, build] of Object.entries(FIXTURES)) {
    it(`has no ANSI codes without color, and no line over 120 characters but unbreakable names (${fixture})`, () => {
      const run = build();
      for (const options of [PLAIN, { ...PLAIN, verbose: true }]) {
        const text = formatConsoleReport(run, options);
        expect(text).not.to.include('\u001b');
        const names = run.suites.flatMap((s) => s.cells.map((c) => c.name));
        const long = text.split('\n').filter((line) => line.length > 120 && !names.some((name) => line.includes(name)));
        expect(long).to.deep.equal([]);
      }
    });
  }

  it('ends with the totals: passed and failed always, the rest only when non-zero', () => {
    const lines = (run: ReturnType<typeof liveRun>): string[] => formatConsoleReport(run, PLAIN).trimEnd().split('\n');
    expect(lines(liveRun()).at(-2)).to.equal('FAILED: 5 passed, 2 failed, 2 errors, 1 flaky, 1 skipped in 1m 35s');
    expect(lines(staticVerifyRun()).at(-2)).to.equal('FAILED: 8 passed, 4 failed in 61ms');
    const passing = staticVerifyRun();
    passing.suites = [passing.suites[1]!];
    expect(lines(passing).at(-2)).to.equal('PASSED: 1 passed, 0 failed in 61ms');
  });

  it('never reads a run whose setup failed as a pass', () => {
    const text = formatConsoleReport(setupFailedRun(), PLAIN);
    expect(text).to.include('FAILED: 0 passed, 0 failed, 2 run errors');
    expect(text).to.include('[NOT_ENFORCING]');
    expect(text).to.include('hint: preload the probe image');
  });

  it('lists passed cells only when verbose', () => {
    const passedName = 'prod/frontend -> prod/api:9090/TCP should be denied';
    expect(formatConsoleReport(liveRun(), PLAIN)).not.to.include(passedName);
    expect(formatConsoleReport(liveRun(), { ...PLAIN, verbose: true })).to.include(`✓ ${passedName}`);
  });

  it('shows why cells were skipped without --verbose: grouped by reason, the first three cells, then a count', () => {
    const run = liveRun();
    const suite = run.suites[0]!;
    const skipped = suite.cells.find((cell) => cell.status === 'skipped')!;
    for (let i = 1; i <= 4; i += 1) suite.cells.push({ ...skipped, name: `copy ${i} of the SCTP cell` });
    suite.cells.push({ ...skipped, name: 'the other reason', message: 'skipped: no externals (--no-externals)' });
    const text = formatConsoleReport(run, PLAIN);
    expect(text).to.include('  - 5 skipped: SCTP is not enabled on this cluster (kind without the SCTP module)\n');
    expect(text).to.include('copy 2 of the SCTP cell');
    expect(text).not.to.include('copy 3 of the SCTP cell');
    expect(text).to.include('      … and 2 more (--verbose lists every skipped cell)\n');
    expect(text).to.include('  - 1 skipped: no externals (--no-externals)\n      the other reason  suites/prod-api.yaml:86\n');
    const verbose = formatConsoleReport(run, { ...PLAIN, verbose: true });
    expect(verbose).not.to.include('5 skipped:');
    expect(verbose).to.include('copy 4 of the SCTP cell (SCTP is not enabled');
    expect(formatConsoleReport(run, { ...PLAIN, quiet: true })).not.to.include('skipped:');
  });

  it('quiet leaves out the header, passing suites and timings', () => {
    const text = formatConsoleReport(staticVerifyRun(), { ...PLAIN, quiet: true, verbose: true });
    expect(text).not.to.include('dev-tools');
    expect(text).not.to.include('timings');
    expect(text).not.to.include('✓');
    expect(text.split('\n')[0]).to.match(/^prod-api /);
  });

  it('shows the three-way diagnosis of a live failure', () => {
    const text = formatConsoleReport(liveRun(), PLAIN);
    expect(text).to.include('the spec agrees with the suite, but the CNI did not');
    expect(text).to.include("the CNI followed the spec; the suite's expectation disagrees with the spec");
  });

  it('aligns matrix columns and marks mismatches with both symbols', () => {
    const lines = formatConsoleReport(staticVerifyRun(), PLAIN).split('\n');
    const header = lines.findIndex((line) => line.includes('from \\ to'));
    const table = lines.slice(header, header + 4);
    expect(table).to.deep.equal([
      '    from \\ to      prod/frontend  prod/api  dev/tools',
      '    prod/frontend  -              .         .',
      '    prod/api       .              -         .',
      '    dev/tools      .              X≠.       -',
    ]);
    expect(lines[header + 4]).to.include('.≠X expected allowed, model denied');
  });
});
