/**
 * Reporting a matrix at scale (MatrixResult.aggregate: more cells than AGGREGATE_CELLS). Millions of cells are
 * never listed one by one: reporters show the counts, the first mismatching cells (with the explanations the
 * engine kept for them), and JUnit gets one testcase per matrix row. Every reporter's "at scale" path is here, so
 * the per-cell reporters stay as they are for ordinary suites.
 */
import {
  SYMBOL_CODE,
  SYMBOL_CODES,
  type CellResult,
  type MatrixAggregate,
  type MatrixResult,
  type MatrixSymbol,
  type RunCommand,
} from '../results/index.js';
import { matrixObservedWord } from './matrix-grid.js';

/** How many mismatching cells the console and Markdown list for an aggregate matrix before only counting. */
export const AGGREGATE_LIST_LIMIT = 20;

/** `12 mismatches, 3,400 cells not judged (of 3,998,000 cells)`: the heading of an aggregate matrix. */
export function describeAggregateVerdict(aggregate: MatrixAggregate): string {
  const { counts } = aggregate;
  const mismatches = counts.failed + counts.errors + counts.flaky;
  const head = mismatches === 0 ? 'as expected' : `${format(mismatches)} ${mismatches === 1 ? 'mismatch' : 'mismatches'}`;
  const unjudged = counts.skipped === 0 ? '' : `, ${format(counts.skipped)} ${counts.skipped === 1 ? 'cell' : 'cells'} not judged`;
  return `${head}${unjudged} (of ${format(counts.total)} cells)`;
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}

/** One mismatch found in the table. */
export interface AggregateMismatch {
  row: number;
  column: number;
  expected: MatrixSymbol;
  observed: MatrixSymbol;
}

/** The mismatching cells (asserted, judged, and different), in row order; at most `limit`. */
export function aggregateMismatches(matrix: MatrixResult, aggregate: MatrixAggregate, limit: number, row?: number): AggregateMismatch[] {
  const width = matrix.columns.length;
  const found: AggregateMismatch[] = [];
  const first = row ?? 0;
  const last = row ?? matrix.rows.length - 1;
  for (let r = first; r <= last; r += 1) {
    for (let c = 0; c < width; c += 1) {
      const e = aggregate.expected[r * width + c] as number;
      const o = aggregate.observed[r * width + c] as number;
      if (e === SYMBOL_CODE.skip || o === SYMBOL_CODE.skip || e === o) continue;
      found.push({ row: r, column: c, expected: SYMBOL_CODES[e] as MatrixSymbol, observed: SYMBOL_CODES[o] as MatrixSymbol });
      if (found.length >= limit) return found;
    }
  }
  return found;
}

/** `prod/web -> prod/api: expected allow, model deny`. */
export function describeMismatch(matrix: MatrixResult, mismatch: AggregateMismatch, command: RunCommand): string {
  return `${matrix.rows[mismatch.row]} -> ${matrix.columns[mismatch.column]}: expected ${mismatch.expected}, ${matrixObservedWord(command)} ${mismatch.observed}`;
}

/** The explained cell the engine kept for a mismatch, if it kept one. */
export function detailFor(matrix: MatrixResult, aggregate: MatrixAggregate, mismatch: { row: number; column: number }): CellResult | undefined {
  const id = `${matrix.assertionId}[${matrix.rows[mismatch.row]}->${matrix.columns[mismatch.column]}]`;
  return aggregate.details.find((cell) => cell.cellId === id);
}

/** Counts of one row of an aggregate table: what its JUnit testcase says. */
export interface AggregateRowCounts {
  asserted: number;
  mismatches: number;
  unjudged: number;
}

export function countAggregateRow(matrix: MatrixResult, aggregate: MatrixAggregate, row: number): AggregateRowCounts {
  const width = matrix.columns.length;
  const counts: AggregateRowCounts = { asserted: 0, mismatches: 0, unjudged: 0 };
  for (let c = 0; c < width; c += 1) {
    const e = aggregate.expected[row * width + c] as number;
    if (e === SYMBOL_CODE.skip) continue;
    counts.asserted += 1;
    const o = aggregate.observed[row * width + c] as number;
    if (o === SYMBOL_CODE.skip) counts.unjudged += 1;
    else if (o !== e) counts.mismatches += 1;
  }
  return counts;
}

/**
 * Plain-text lines for an aggregate matrix (console and Markdown): the first mismatches, each with the explanation
 * the engine kept for it, then how many more there are.
 */
export function formatAggregateLines(matrix: MatrixResult, aggregate: MatrixAggregate, command: RunCommand, limit = AGGREGATE_LIST_LIMIT): string[] {
  const mismatches = aggregateMismatches(matrix, aggregate, limit + 1);
  const lines: string[] = [];
  for (const mismatch of mismatches.slice(0, limit)) {
    lines.push(describeMismatch(matrix, mismatch, command));
    const detail = detailFor(matrix, aggregate, mismatch);
    for (const line of detail?.model?.explanation ?? []) lines.push(`  ${line}`);
  }
  const total = aggregate.counts.failed + aggregate.counts.errors + aggregate.counts.flaky;
  if (total > limit) lines.push(`… and ${format(total - limit)} more mismatching cells (the JSON report has the whole table, JUnit one testcase per row)`);
  const skipped = aggregate.details.find((cell) => cell.status === 'skipped');
  if (aggregate.counts.skipped > 0 && skipped) {
    lines.push(`${format(aggregate.counts.skipped)} cells not judged, e.g. ${skipped.source} -> ${skipped.target}: ${skipped.message ?? 'skipped'}`);
  }
  return lines;
}
