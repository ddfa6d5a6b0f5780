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
import { checkFamilyEnds, readFamily } from './read-family.js';
import { resolvePort } from './resolve-port.js';
import { SUITE_FIELDS } from './suite-fields.js';

export type MatrixBody = Omit<MatrixAssertion, 'id' | 'position' | 'description'>;

export function readMatrix(reader: MapReader, fixture: FixtureIndex): { assertion: MatrixBody; derivedId: string } | undefined {
  const matrix = reader.map('matrix', 'the matrix', SUITE_FIELDS.matrix, { required: true });
  if (!matrix) return undefined;
  const protocol = matrix.choice('protocol', 'a protocol', PROTOCOLS);
  const rawPort = matrix.get('port');
  if (rawPort === undefined) matrix.missing('port', 'the destination port (a number or a port name of the column workloads)');
  const family = readFamily(matrix);
  if (family !== undefined) checkFamilyEnds(matrix, family, { podNetwork: fixture.podNetwork });
  const text = matrix.string('expected', 'the expected table (rows: sources, columns: destinations)', { required: true });
  if (text === undefined || rawPort === undefined || (matrix.has('family') && family === undefined)) return undefined;
  const table = readTable(matrix, text, fixture);
  if (!table) return undefined;
  const resolved = resolveMatrixPort(matrix, rawPort, protocol, table);
  if (!resolved) return undefined;
  return {
    assertion: {
      kind: 'matrix',
      rows: table.rows,
      columns: table.columns,
      port: resolved.port,
      protocol: resolved.protocol,
      expected: table.expected,
      rowPositions: table.rowPositions,
      ...(family !== undefined ? { family } : {}),
    },
    derivedId: `matrix-${resolved.port}-${resolved.protocol.toLowerCase()}${family !== undefined ? `-ipv${family}` : ''}`,
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
  const textLines = text.split(/\r?\n/);
  const place = tablePlacer(issues, path, textLines);
  // The header is tokenised; body lines are scanned in place (a generated table has millions of cells).
  let headerIndex = textLines.findIndex((line) => /\S/.test(line));
  const header = headerIndex < 0 ? undefined : tokenizeTable(textLines[headerIndex] as string)[0];
  const bodyStart = headerIndex + 1;
  if (!header || !textLines.slice(bodyStart).some((line) => /\S/.test(line))) {
    issues.add(path, 'expected a table: a header line of "<namespace>/<workload>" columns, then one line per source row');
    return undefined;
  }
  if (headerIndex < 0) headerIndex = 0;
  const before = issues.count;
  const columns = headerColumns(header);
  const columnWorkloads: SuiteWorkload[] = [];
  const columnKeys = new Set<string>();
  columns.forEach((token) => {
    const workload = resolveAt(issues, path, place(headerIndex, token.offset), token.text, `column`, fixture);
    if (!workload) return;
    if (columnKeys.has(refText(workload))) {
      issues.addAt(place(headerIndex, token.offset), path, `column ${token.text} appears twice in the header`);
      return;
    }
    columnKeys.add(refText(workload));
    columnWorkloads.push(workload);
  });
  const rows: WorkloadRef[] = [];
  const rowKeys = new Set<string>();
  const expected: MatrixCellExpectation[][] = [];
  const rowPositions: SourcePosition[] = [];
  for (let lineIndex = bodyStart; lineIndex < textLines.length; lineIndex += 1) {
    const line = textLines[lineIndex] as string;
    const labelStart = skipSpaces(line, 0);
    if (labelStart === line.length) continue;
    const labelEnd = skipToken(line, labelStart);
    const label = line.slice(labelStart, labelEnd);
    const position = place(lineIndex, labelStart);
    const workload = resolveAt(issues, path, position, label, 'row', fixture);
    if (workload && rowKeys.has(refText(workload))) issues.addAt(position, path, `row ${label} appears twice`);
    const symbols: MatrixCellExpectation[] = [];
    const diagonal = columns.findIndex((column) => column.text === label);
    let cellCount = 0;
    for (let at = skipSpaces(line, labelEnd); at < line.length; at = skipSpaces(line, at)) {
      const end = skipToken(line, at);
      const symbol = end === at + 1 ? symbolOf(line.charCodeAt(at)) : undefined;
      if (symbol === undefined) {
        const token = line.slice(at, end);
        const fromReport = reportSymbolProblem(token);
        issues.addAt(
          place(lineIndex, at),
          path,
          fromReport ? `${fromReport} (row ${label})` : `unknown symbol "${token}" in row ${label}; use "." (allow), "X" (deny) or "?" / "-" (not asserted)`,
        );
      } else {
        symbols.push(cellCount === diagonal ? 'skip' : symbol);
      }
      cellCount += 1;
      at = end;
    }
    if (cellCount !== columns.length) {
      issues.addAt(position, path, `row ${label} has ${cellCount} cell${cellCount === 1 ? '' : 's'}, but the header has ${columns.length} column${columns.length === 1 ? '' : 's'}`);
    }
    if (workload) {
      rowKeys.add(refText(workload));
      rows.push({ namespace: workload.namespace, name: workload.name });
      expected.push(symbols);
      rowPositions.push(position);
    }
  }
  if (issues.count > before) return undefined;
  return { rows, columns: columnWorkloads.map(workloadRef), columnWorkloads, expected, rowPositions };
}

const DOT = '.'.charCodeAt(0);
const X = 'X'.charCodeAt(0);
const QUESTION = '?'.charCodeAt(0);
const DASH = '-'.charCodeAt(0);

/** The symbol a one-character cell stands for (MATRIX_SYMBOLS), undefined for any other character. */
function symbolOf(code: number): MatrixCellExpectation | undefined {
  if (code === DOT) return MATRIX_SYMBOLS['.'];
  if (code === X) return MATRIX_SYMBOLS['X'];
  if (code === QUESTION) return MATRIX_SYMBOLS['?'];
  if (code === DASH) return MATRIX_SYMBOLS['-'];
  return undefined;
}

/** Index of the first non-blank character at or after `from` (the line's length when there is none). */
function skipSpaces(line: string, from: number): number {
  let at = from;
  while (at < line.length && isSpace(line.charCodeAt(at))) at += 1;
  return at;
}

/** Index just after the token that starts at `from`. */
function skipToken(line: string, from: number): number {
  let at = from;
  while (at < line.length && !isSpace(line.charCodeAt(at))) at += 1;
  return at;
}

/** The blanks between table tokens (what tokenizeTable's \S+ splits on). */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 11 || code === 12 || code === 0xa0 || code === 0xfeff || (code >= 0x2000 && code <= 0x200a) || code === 0x1680 || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/** Resolves a table label, reporting a problem at its place in the table. */
function resolveAt(issues: IssueList, path: FieldPath, position: SourcePosition, text: string, role: string, fixture: FixtureIndex): SuiteWorkload | undefined {
  return fixture.workload(issues.forDocument(fixedLocator(position), path), [], text, `matrix ${role}`);
}

/** Maps a line and offset of the table text to the source position (exact for `|` block scalars). */
function tablePlacer(issues: IssueList, path: FieldPath, textLines: readonly string[]): (lineIndex: number, offset: number) => SourcePosition {
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
