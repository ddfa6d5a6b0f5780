/**
 * Static verify: every assertion of every suite judged against the model. No cluster.
 */
import { compileModel } from '../model/index.js';
import type { Suite } from '../suite/index.js';
import { TOOL } from '../version.js';
import { judgeCell, modelResultFor } from './judge.js';
import { modelStateFor, planSuite } from './plan.js';
import type { PlannedMatrix } from './plan.js';
import type { CellResult, MatrixResult, MatrixSymbol, RunResult, SuiteResult } from '../results/index.js';

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
  for (const plan of planSuite(suite)) {
    const model = compileModel(modelStateFor(suite, plan));
    const stepCells = plan.cells.map((cell) => ({ cell, result: judgeCell(cell, modelResultFor(cell, model, suite), undefined) }));
    cells.push(...stepCells.map((c) => c.result));
    for (const matrix of plan.matrices) {
      matrices.push(matrixResult(matrix, plan.step, stepCells));
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
