import { expect } from 'chai';
import { countCells, countRun, runPassed } from '../../../src/results/results.js';
import { formatJsonReport, JSON_REPORT_SCHEMA_VERSION } from '../../../src/report/index.js';
import { FIXTURES, liveRun } from './fixtures.js';

describe('JSON report', () => {
  for (const [fixture, build] of Object.entries(FIXTURES)) {
    it(`is the RunResult plus schemaVersion, passed and counts (${fixture})`, () => {
      const run = build();
      const parsed = JSON.parse(formatJsonReport(run)) as Record<string, unknown> & { suites: Record<string, unknown>[] };
      const { schemaVersion, passed, counts, suites, ...rest } = parsed;
      expect(schemaVersion).to.equal(JSON_REPORT_SCHEMA_VERSION);
      expect(passed).to.equal(runPassed(run));
      expect(counts).to.deep.equal(countRun(run));
      const { suites: runSuites, ...runRest } = run;
      expect(rest).to.deep.equal(JSON.parse(JSON.stringify(runRest)));
      expect(suites.map(({ counts: c, ...s }) => [s, c])).to.deep.equal(
        runSuites.map((s) => [JSON.parse(JSON.stringify(s)), countCells(s.cells)]),
      );
    });
  }

  it('orders keys the same way whatever order the input has', () => {
    const run = liveRun();
    const shuffled = JSON.parse(JSON.stringify(run), (_key, value: unknown) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value).reverse());
    }) as typeof run;
    expect(Object.keys(shuffled.suites[0]!.cells[0]!)[0]).not.to.equal('assertionId');
    expect(formatJsonReport(shuffled)).to.equal(formatJsonReport(run));
    expect(Object.keys(JSON.parse(formatJsonReport(run)) as object).slice(0, 3)).to.deep.equal(['schemaVersion', 'tool', 'command']);
  });

  it('keeps fields it does not know, sorted after the known ones', () => {
    const run = liveRun() as ReturnType<typeof liveRun> & { zeta?: number; alpha?: string };
    run.zeta = 1;
    run.alpha = 'a';
    const keys = Object.keys(JSON.parse(formatJsonReport(run)) as object);
    expect(keys.slice(-2)).to.deep.equal(['alpha', 'zeta']);
  });

  it('puts short scalar arrays (matrix rows) on one line', () => {
    expect(formatJsonReport(liveRun())).to.include('["skip", "allow", "error"]');
  });
});
