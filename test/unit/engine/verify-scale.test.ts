/**
 * Static verify at cluster scale: a generated 300-pod suite with full matrices (180,000 cells; above about 90k
 * cells a spread into push() used to overflow the stack) is judged as bulk tables, reported as aggregates, and
 * agrees cell by cell with the per-cell judgement of the same cells.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeGeneratedSuite, type GeneratedSuite } from '../../../bench/generate-suite.js';
import { judgeCell, modelResultFor } from '../../../src/engine/judge.js';
import { modelStateFor, planMatrixCell, planSuite } from '../../../src/engine/plan.js';
import { countRun, SYMBOL_CODE, SYMBOL_CODES, type RunResult } from '../../../src/results/index.js';
import { verifySuites } from '../../../src/engine/verify.js';
import { compileModel } from '../../../src/model/index.js';
import { formatJsonReport } from '../../../src/report/format-json-report.js';
import { buildJunitTree } from '../../../src/report/format-junit-report.js';
import { formatConsoleReport } from '../../../src/report/format-console-report.js';
import { loadSuite } from '../../../src/suite/index.js';
import type { Suite } from '../../../src/suite/types.js';
import { createRandom } from '../../support/seeded-random.js';

describe('verify at scale (300-pod generated suite, full matrices)', function () {
  this.timeout(120_000);
  let dir: string;
  let generated: GeneratedSuite;
  let suite: Suite;
  let run: RunResult;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'netpol-e2e-scale-'));
    generated = writeGeneratedSuite(dir, { pods: 300, policies: 100, seed: 42, flip: 0.0001 });
    suite = await loadSuite(generated.suiteFile);
    run = verifySuites([suite], { now: () => 0 });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies, each matrix an aggregate whose counts cover every asserted cell', () => {
    const [result] = run.suites;
    expect(result?.matrices).to.have.length(2);
    for (const matrix of result?.matrices ?? []) {
      expect(matrix.aggregate, matrix.assertionId).to.not.equal(undefined);
      expect(matrix.aggregate?.counts.total).to.equal(300 * 299);
      expect(matrix.aggregate?.expected).to.be.instanceOf(Uint8Array);
    }
    // no cell object per cell: only those that did not pass, and at most the detail limit
    expect(result?.cells).to.have.length(0);
    const counts = countRun(run);
    expect(counts.total).to.equal(2 * 300 * 299);
    expect(counts.failed, 'the flipped cells, and only they, fail').to.equal(generated.flipped);
    expect(counts.failed).to.be.greaterThan(0);
    expect(counts.skipped, 'cells undecided without pod IPs').to.be.greaterThan(0);
  });

  it('agrees cell by cell with the per-cell judgement, and explains the cells that did not pass', () => {
    const [plan] = planSuite(suite, { matrixCells: false });
    if (!plan) throw new Error('no plan');
    const model = compileModel(modelStateFor(suite, plan));
    const random = createRandom(7);
    const step = { index: plan.step.index, name: plan.step.name };
    for (const [m, matrix] of plan.matrices.entries()) {
      const aggregate = run.suites[0]?.matrices[m]?.aggregate;
      if (!aggregate) throw new Error('no aggregate');
      const width = matrix.columns.length;
      let compared = 0;
      while (compared < 400) {
        const r = Math.floor(random() * matrix.rows.length);
        const c = Math.floor(random() * width);
        if (matrix.expected[r]?.[c] === 'skip') continue;
        const cell = planMatrixCell(suite, plan.workloads, matrix, r, c, step);
        const single = judgeCell(cell, modelResultFor(cell, model, suite), undefined);
        const observed = SYMBOL_CODES[aggregate.observed[r * width + c] as number];
        const expected = SYMBOL_CODES[aggregate.expected[r * width + c] as number];
        const status = observed === 'skip' ? 'skipped' : observed === expected ? 'passed' : 'failed';
        expect(status, cell.cellId).to.equal(single.status);
        compared += 1;
      }
      for (const detail of aggregate.details) {
        expect(detail.status).to.be.oneOf(['failed', 'skipped']);
        expect(detail.model?.explanation.length, detail.cellId).to.be.greaterThan(0);
      }
      const failedDetails = aggregate.details.filter((d) => d.status === 'failed').length;
      expect(failedDetails).to.equal(aggregate.counts.failed);
    }
  });

  it('reports at scale: JUnit one testcase per matrix row, JSON tables as row strings, console the mismatches', () => {
    const junit = buildJunitTree(run);
    const testsuite = junit.children?.find((child) => typeof child !== 'string' && child.name === 'testsuite');
    if (testsuite === undefined || typeof testsuite === 'string') throw new Error('no testsuite');
    const testcases = (testsuite.children ?? []).filter((child) => typeof child !== 'string' && child.name === 'testcase');
    expect(testcases).to.have.length(2 * 300);
    const lines = testcases.map((t) => (typeof t === 'string' ? 0 : Number(t.attributes?.['line'])));
    expect(new Set(lines).size, 'each row testcase points at its row line').to.equal(2 * 300);
    expect(Number(testsuite.attributes?.['failures'])).to.be.greaterThan(0).and.at.most(generated.flipped);

    const json = JSON.parse(formatJsonReport(run)) as { counts: { total: number }; suites: { matrices: { aggregate: { expectedRows: string[]; observedRows: string[] } }[] }[] };
    expect(json.counts.total).to.equal(2 * 300 * 299);
    const table = json.suites[0]?.matrices[0]?.aggregate;
    expect(table?.expectedRows).to.have.length(300);
    expect(table?.observedRows[0]).to.have.length(300);
    expect(table?.expectedRows[0]?.[0], 'the diagonal is not asserted').to.equal('?');

    const console = formatConsoleReport(run, { color: false, verbose: false, quiet: false });
    expect(console).to.match(/matrix full-matrix-80, port 80\/TCP: .* \(of 89,700 cells\)/);
    expect(console).to.contain('expected');
    expect(console.split('\n').length, 'a readable console report').to.be.lessThan(400);
    expect(SYMBOL_CODE.skip).to.equal(0);
  });
});
