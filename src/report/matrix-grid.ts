/**
 * A MatrixResult as a grid of symbols in the corpus notation (rows = sources, columns = destinations): `.` allowed,
 * `X` denied, `-` not asserted (self-connections, `?`) or not judged (not probed, or undecided without pod IPs),
 * `E` error, `~` flaky. A cell whose
 * observed (or model) symbol differs from the expected one shows both: `.≠X` (expected allowed, got denied).
 * The console, JUnit and Markdown reporters render this same grid.
 */
import type { CellResult, MatrixResult, MatrixSymbol, RunCommand, SuiteResult } from '../results/index.js';
import { describeStep } from './describe-cell.js';

export const MATRIX_SYMBOLS: Record<MatrixSymbol, string> = {
  allow: '.',
  deny: 'X',
  skip: '-',
  error: 'E',
  flaky: '~',
};

export interface MatrixGridCell {
  text: string;
  mismatch: boolean;
}

export interface MatrixGrid {
  rows: string[];
  columns: string[];
  /** cells[row][column] */
  cells: MatrixGridCell[][];
  mismatches: number;
  /** Asserted cells with nothing to judge them by (skipped: not probed, or undecided without pod IPs). */
  unjudged: number;
}

export function buildMatrixGrid(matrix: MatrixResult): MatrixGrid {
  let mismatches = 0;
  let unjudged = 0;
  const cells = matrix.rows.map((_, r) =>
    matrix.columns.map((__, c): MatrixGridCell => {
      const expected = matrix.expected[r]?.[c] ?? 'skip';
      const observed = matrix.observed[r]?.[c] ?? 'skip';
      if (expected !== 'skip' && observed === 'skip') unjudged += 1;
      if (expected === 'skip' || observed === 'skip') return { text: MATRIX_SYMBOLS.skip, mismatch: false };
      if (observed === expected) return { text: MATRIX_SYMBOLS[observed], mismatch: false };
      mismatches += 1;
      return { text: `${MATRIX_SYMBOLS[expected]}≠${MATRIX_SYMBOLS[observed]}`, mismatch: true };
    }),
  );
  return { rows: [...matrix.rows], columns: [...matrix.columns], cells, mismatches, unjudged };
}

/** `as expected`, `2 mismatches`, `as expected, 3 cells not judged`: the heading of a matrix in every reporter. */
export function describeMatrixVerdict(grid: MatrixGrid): string {
  const mismatches = grid.mismatches === 0 ? 'as expected' : `${grid.mismatches} ${grid.mismatches === 1 ? 'mismatch' : 'mismatches'}`;
  if (grid.unjudged === 0) return mismatches;
  return `${mismatches}, ${grid.unjudged} ${grid.unjudged === 1 ? 'cell' : 'cells'} not judged`;
}

/** What the second symbol of a mismatch is: what the CNI did (live runs), or what the spec says (static). */
export function matrixObservedWord(command: RunCommand): string {
  return command === 'run' ? 'observed' : 'model';
}

export function describeMatrixLegend(command: RunCommand): string {
  const got = matrixObservedWord(command);
  return `. allowed  X denied  - not asserted or not judged  E error  ~ flaky  .≠X expected allowed, ${got} denied`;
}

/** `matrix isolation, port 80/TCP [step 1: deny all]` */
export function describeMatrix(matrix: MatrixResult): string {
  const step = matrix.step.index === 0 ? '' : ` [${describeStep(matrix.step)}]`;
  return `matrix ${matrix.assertionId}, port ${matrix.port}/${matrix.protocol}${step}`;
}

/** The grid as aligned plain-text lines: a header of columns, then one line per row. */
export function formatMatrixLines(grid: MatrixGrid, style: (cell: MatrixGridCell) => string = (cell) => cell.text): string[] {
  const corner = 'from \\ to';
  const labelWidth = grid.rows.reduce((width, row) => Math.max(width, row.length), corner.length);
  const widths = grid.columns.map((column, c) =>
    grid.cells.reduce((width, row) => Math.max(width, row[c]?.text.length ?? 0), column.length),
  );
  const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - text.length));
  const header = [pad(corner, labelWidth), ...grid.columns.map((column, c) => pad(column, widths[c] ?? 0))].join('  ');
  const lines = [header.trimEnd()];
  grid.rows.forEach((row, r) => {
    const cells = grid.columns.map((_, c) => {
      const cell = grid.cells[r]?.[c] ?? { text: '', mismatch: false };
      const padding = ' '.repeat(Math.max(0, (widths[c] ?? 0) - cell.text.length));
      return style(cell) + padding;
    });
    lines.push([pad(row, labelWidth), ...cells].join('  ').trimEnd());
  });
  return lines;
}

/** The MatrixResult a conformance 'table' cell stands for: same assertion, same step. */
export function findCellMatrix(suite: SuiteResult, cell: CellResult): MatrixResult | undefined {
  return suite.matrices.find((m) => m.assertionId === cell.assertionId && m.step.index === cell.step.index);
}
