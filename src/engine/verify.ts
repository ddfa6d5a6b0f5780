/**
 * Static verify: every assertion of every suite judged against the model. No cluster.
 */
import { CELL, compileModel, type PolicyModel } from '../model/index.js';
import type { Suite } from '../suite/index.js';
import { appendAll } from '../util/index.js';
import { TOOL } from '../version.js';
import { judgeCell, modelResultFor } from './judge.js';
import { modelStateFor, planMatrixCell, planSuite, refKey, type PlannedMatrix, type StepPlan } from './plan.js';
import {
  AGGREGATE_CELLS,
  DETAIL_CELLS,
  SYMBOL_CODE,
  type CellResult,
  type CellStatus,
  type Counts,
  type MatrixResult,
  type MatrixSymbol,
  type RunResult,
  type SuiteResult,
} from '../results/index.js';

export interface VerifyOptions {
  /** Injectable clock for deterministic reports in tests. */
  now?: () => number;
}

export function verifySuites(suites: readonly Suite[], options: VerifyOptions = {}): RunResult {
  const now = options.now ?? Date.now;
  const started = now();
  const results = suites.map((suite) => verifySuite(suite, now));
  return {
    tool: { ...TOOL },
    command: 'verify',
    startedAt: new Date(started).toISOString(),
    durationMs: now() - started,
    suites: results,
    errors: [],
    timings: [],
    environment: { mode: 'static (model only, no cluster)' },
  };
}

export function verifySuite(suite: Suite, now: () => number = Date.now): SuiteResult {
  const started = now();
  const cells: CellResult[] = [];
  const matrices: MatrixResult[] = [];
  for (const plan of planSuite(suite, { matrixCells: false })) {
    const model = compileModel(modelStateFor(suite, plan));
    const stepRef = { index: plan.step.index, name: plan.step.name };
    appendAll(cells, plan.cells.map((cell) => judgeCell(cell, modelResultFor(cell, model, suite), undefined)));
    for (const matrix of plan.matrices) {
      if (assertedCells(matrix) <= AGGREGATE_CELLS) {
        // small: every cell judged and reported on its own, explanations included
        const matrixCells = [];
        for (let r = 0; r < matrix.rows.length; r += 1) {
          for (let c = 0; c < matrix.columns.length; c += 1) {
            if (matrix.expected[r]?.[c] === 'skip') continue;
            const cell = planMatrixCell(suite, plan.workloads, matrix, r, c, stepRef);
            matrixCells.push({ cell, result: judgeCell(cell, modelResultFor(cell, model, suite), undefined) });
          }
        }
        appendAll(cells, matrixCells.map((c) => c.result));
        matrices.push(matrixResult(matrix, plan.step, matrixCells));
      } else {
        matrices.push(aggregateMatrixResult(suite, plan, matrix, model));
      }
    }
  }
  return {
    name: suite.name,
    file: suite.displayFile,
    ...(suite.fixturePosition ? { fixtureLine: suite.fixturePosition.line } : {}),
    cells,
    matrices,
    errors: [],
    durationMs: now() - started,
    timings: [],
  };
}

/**
 * The truth table of a matrix assertion: expected from the suite, observed from each cell's observation
 * (live) or model verdict (static).
 */
export function matrixResult(
  matrix: PlannedMatrix,
  step: { index: number; name: string },
  cells: readonly { cell: { matrix?: { assertionId: string; row: number; column: number } }; result: CellResult }[],
): MatrixResult {
  const observed: MatrixSymbol[][] = matrix.expected.map((row) => row.map((): MatrixSymbol => 'skip'));
  for (const { cell, result } of cells) {
    if (!cell.matrix || cell.matrix.assertionId !== matrix.assertionId) continue;
    const row = observed[cell.matrix.row];
    if (row) row[cell.matrix.column] = observedSymbol(result);
  }
  return {
    assertionId: matrix.assertionId,
    step: { index: step.index, name: step.name },
    position: matrix.position,
    port: matrix.port,
    protocol: matrix.protocol,
    rows: matrix.rows,
    columns: matrix.columns,
    expected: matrix.expected,
    observed,
  };
}

function observedSymbol(result: CellResult): MatrixSymbol {
  if (result.status === 'error') return 'error';
  if (result.status === 'flaky') return 'flaky';
  if (result.status === 'skipped') return 'skip';
  const verdict = result.observed ? result.observed.verdict : result.model?.verdict;
  if (verdict === 'allow') return 'allow';
  if (verdict === 'deny') return 'deny';
  return 'error';
}

function assertedCells(matrix: PlannedMatrix): number {
  let count = 0;
  for (const row of matrix.expected) for (const symbol of row) if (symbol !== 'skip') count += 1;
  return count;
}

/**
 * A big matrix judged as a table: the model's bulk truth table (one byte per cell) against the expected one, with
 * counts; only the first cells that did not pass are planned and explained (DETAIL_CELLS failed, a few skipped).
 */
function aggregateMatrixResult(suite: Suite, plan: StepPlan, matrix: PlannedMatrix, model: PolicyModel): MatrixResult {
  const width = matrix.columns.length;
  const expected = new Uint8Array(matrix.rows.length * width);
  const observed = new Uint8Array(matrix.rows.length * width);
  const counts: Counts = { total: 0, passed: 0, failed: 0, errors: 0, flaky: 0, skipped: 0 };
  const failed: CellResult[] = [];
  const skipped: CellResult[] = [];
  const stepRef = { index: plan.step.index, name: plan.step.name };
  // a port name resolves per column workload: one bulk table per port number
  for (const { port, columns } of columnsByPort(plan, matrix)) {
    const table = model.evaluateMatrix({ sources: matrix.rows, destinations: columns.map((c) => matrix.columns[c] as string), port, protocol: matrix.protocol, ...(matrix.family !== undefined ? { family: matrix.family } : {}) });
    for (let r = 0; r < matrix.rows.length; r += 1) {
      const expectedRow = matrix.expected[r] as MatrixSymbol[];
      for (let j = 0; j < columns.length; j += 1) {
        const c = columns[j] as number;
        const want = expectedRow[c] as MatrixSymbol;
        expected[r * width + c] = SYMBOL_CODE[want];
        if (want === 'skip') continue;
        const code = table.cells[r * columns.length + j];
        const symbol: MatrixSymbol = code === CELL.ALLOW ? 'allow' : code === CELL.DENY ? 'deny' : code === CELL.MIXED ? 'error' : 'skip';
        observed[r * width + c] = SYMBOL_CODE[symbol];
        const status: CellStatus = symbol === 'skip' ? 'skipped' : symbol === want ? 'passed' : 'failed';
        counts.total += 1;
        if (status === 'passed') {
          counts.passed += 1;
          continue;
        }
        if (status === 'failed') counts.failed += 1;
        else counts.skipped += 1;
        const details = status === 'failed' ? failed : skipped;
        if (details.length >= (status === 'failed' ? DETAIL_CELLS : SKIPPED_DETAIL_CELLS)) continue;
        // explained only now, for a cell that did not pass
        const cell = planMatrixCell(suite, plan.workloads, matrix, r, c, stepRef);
        const result = judgeCell(cell, modelResultFor(cell, model, suite), undefined);
        if (result.status !== status) {
          throw new Error(`internal error: matrix ${matrix.assertionId} cell ${cell.cellId}: the bulk table says ${status}, the per-pair verdict ${result.status} (please report it)`);
        }
        details.push(result);
      }
    }
  }
  return {
    assertionId: matrix.assertionId,
    step: stepRef,
    position: matrix.position,
    port: matrix.port,
    protocol: matrix.protocol,
    rows: matrix.rows,
    columns: matrix.columns,
    expected: [],
    observed: [],
    aggregate: { expected, observed, counts, details: appendAll(failed, skipped), rowLines: matrix.assertion.rowPositions.map((p) => p.line) },
  };
}

/** Skipped cells (undecided without pod IPs) an aggregate keeps with their reason; the counts say how many. */
const SKIPPED_DETAIL_CELLS = 20;

/** The matrix's columns grouped by the port number the matrix port is on each (a name resolves per workload). */
function columnsByPort(plan: StepPlan, matrix: PlannedMatrix): { port: number; columns: number[] }[] {
  const groups = new Map<number, number[]>();
  matrix.assertion.columns.forEach((ref, c) => {
    let port: number | undefined;
    if (typeof matrix.port === 'number') port = matrix.port;
    else port = plan.workloads.get(refKey(ref))?.ports.find((p) => p.name === matrix.port && p.protocol === matrix.protocol)?.port;
    if (port === undefined) {
      // a column with no such port has no asserted cell (the loader checks asserted columns)
      if (matrix.expected.some((row) => row[c] !== 'skip')) throw new Error(`internal error: matrix ${matrix.assertionId} column ${refKey(ref)} has no port ${matrix.port}/${matrix.protocol}`);
      return;
    }
    let list = groups.get(port);
    if (list === undefined) groups.set(port, (list = []));
    list.push(c);
  });
  return [...groups].map(([port, columns]) => ({ port, columns }));
}
