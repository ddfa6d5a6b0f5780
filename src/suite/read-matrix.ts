/**
 * Reads a `matrix:` assertion: a truth table of workloads on one port (see matrix-table.ts for the notation).
 * Every problem in the table is reported at the line and column of the offending label or cell.
 */
import { PROTOCOLS, type Protocol } from '../model/index.js';
import type { SourcePosition } from '../util/index.js';
import type { MatrixAssertion, SuiteWorkload, WorkloadRef } from './types.js';
import { fixedLocator, type FieldPath, type IssueList, type MapReader } from '../util/yaml/index.js';
import { refText, type FixtureIndex } from './fixture-index.js';
import { headerColumns, MATRIX_SYMBOLS, reportSymbolProblem, tokenizeTable, type MatrixCellExpectation } from './matrix-table.js';
import { resolvePort } from './resolve-port.js';
import { SUITE_FIELDS } from './suite-fields.js';

export type MatrixBody = Omit<MatrixAssertion, 'id' | 'position' | 'description'>;

export function readMatrix(reader: MapReader, fixture: FixtureIndex): { assertion: MatrixBody; derivedId: string } | undefined {
  const matrix = reader.map('matrix', 'the matrix', SUITE_FIELDS.matrix, { required: true });
  if (!matrix) return undefined;
  const protocol = matrix.choice('protocol', 'a protocol', PROTOCOLS);
  const rawPort = matrix.get('port');
  if (rawPort === undefined) matrix.missing('port', 'the destination port (a number or a port name of the column workloads)');
  const text = matrix.string('expected', 'the expected table (rows: sources, columns: destinations)', { required: true });
  if (text === undefined || rawPort === undefined) return undefined;
  const table = readTable(matrix, text, fixture);
  if (!table) return undefined;
  const resolved = resolveMatrixPort(matrix, rawPort, protocol, table);
  if (!resolved) return undefined;
  return {
    assertion: { kind: 'matrix', rows: table.rows, columns: table.columns, port: resolved.port, protocol: resolved.protocol, expected: table.expected, rowPositions: table.rowPositions },
    derivedId: `matrix-${resolved.port}-${resolved.protocol.toLowerCase()}`,
  };
}

interface ReadTable {
  rows: WorkloadRef[];
  columns: WorkloadRef[];
  columnWorkloads: SuiteWorkload[];
  expected: MatrixCellExpectation[][];
  rowPositions: SourcePosition[];
}

function readTable(matrix: MapReader, text: string, fixture: FixtureIndex): ReadTable | undefined {
  const issues = matrix.issues;
  const path = matrix.at('expected');
  const place = tablePlacer(issues, path, text);
  const lines = tokenizeTable(text);
  const [header, ...body] = lines;
  if (!header || body.length === 0) {
    issues.add(path, 'expected a table: a header line of "<namespace>/<workload>" columns, then one line per source row');
    return undefined;
  }
  const before = issues.count;
  const columns = headerColumns(header);
  const columnWorkloads: SuiteWorkload[] = [];
  columns.forEach((token) => {
    const workload = resolveAt(issues, path, place(header.lineIndex, token.offset), token.text, `column`, fixture);
    if (!workload) return;
    if (columnWorkloads.some((w) => refText(w) === refText(workload))) {
      issues.addAt(place(header.lineIndex, token.offset), path, `column ${token.text} appears twice in the header`);
      return;
    }
    columnWorkloads.push(workload);
  });
  const rows: WorkloadRef[] = [];
  const expected: MatrixCellExpectation[][] = [];
  const rowPositions: SourcePosition[] = [];
  for (const line of body) {
    const [label, ...cells] = line.tokens;
    if (!label) continue;
    const position = place(line.lineIndex, label.offset);
    const workload = resolveAt(issues, path, position, label.text, 'row', fixture);
    if (workload && rows.some((r) => refText(r) === refText(workload))) {
      issues.addAt(position, path, `row ${label.text} appears twice`);
    }
    if (cells.length !== columns.length) {
      issues.addAt(position, path, `row ${label.text} has ${cells.length} cell${cells.length === 1 ? '' : 's'}, but the header has ${columns.length} column${columns.length === 1 ? '' : 's'}`);
    }
    const symbols: MatrixCellExpectation[] = [];
    cells.forEach((cell, c) => {
      const symbol = MATRIX_SYMBOLS[cell.text];
      if (symbol === undefined) {
        const fromReport = reportSymbolProblem(cell.text);
        issues.addAt(
          place(line.lineIndex, cell.offset),
          path,
          fromReport ? `${fromReport} (row ${label.text})` : `unknown symbol "${cell.text}" in row ${label.text}; use "." (allow), "X" (deny) or "?" / "-" (not asserted)`,
        );
        return;
      }
      const column = columns[c]?.text;
      symbols.push(column === label.text ? 'skip' : symbol);
    });
    if (workload) {
      rows.push({ namespace: workload.namespace, name: workload.name });
      expected.push(symbols);
      rowPositions.push(position);
    }
  }
  if (issues.count > before) return undefined;
  return { rows, columns: columnWorkloads.map(workloadRef), columnWorkloads, expected, rowPositions };
}

/** Resolves a table label, reporting a problem at its place in the table. */
function resolveAt(issues: IssueList, path: FieldPath, position: SourcePosition, text: string, role: string, fixture: FixtureIndex): SuiteWorkload | undefined {
  return fixture.workload(issues.forDocument(fixedLocator(position), path), [], text, `matrix ${role}`);
}

/** Maps a line and offset of the table text to the source position (exact for `|` block scalars). */
function tablePlacer(issues: IssueList, path: FieldPath, text: string): (lineIndex: number, offset: number) => SourcePosition {
  const textLines = text.split(/\r?\n/);
  return (lineIndex, offset) => issues.positionInBlock(path, lineIndex, textLines[lineIndex] ?? '', offset);
}

function resolveMatrixPort(
  matrix: MapReader,
  raw: unknown,
  protocol: Protocol | undefined,
  table: ReadTable,
): { port: number | string; protocol: Protocol } | undefined {
  let resolved: { port: number | string; protocol: Protocol } | undefined;
  let assertedColumns = 0;
  table.columnWorkloads.forEach((workload, c) => {
    const asserted = table.expected.some((row) => row[c] !== undefined && row[c] !== 'skip');
    if (!asserted) return;
    assertedColumns += 1;
    const result = resolvePort(matrix.issues, matrix.at('port'), raw, protocol, `column workload ${refText(workload)}`, workload.ports, 'workload');
    if (!result) return;
    if (resolved && resolved.protocol !== result.protocol) {
      matrix.report('port', `port "${String(raw)}" is ${resolved.protocol} on some columns and ${result.protocol} on ${refText(workload)}; give protocol explicitly`);
      return;
    }
    resolved = result;
  });
  if (assertedColumns === 0) {
    matrix.report('expected', 'no cell of the matrix is asserted (every cell is "?" or on the diagonal); assert a cell or remove the matrix');
  }
  return resolved;
}

function workloadRef(workload: { namespace: string; name: string }): WorkloadRef {
  return { namespace: workload.namespace, name: workload.name };
}
