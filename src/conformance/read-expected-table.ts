/**
 * Reads an expected truth table of the corpus:
 *
 *     # rows = from, columns = to; '.' = allowed, 'X' = blocked
 *         x/a x/b
 *     x/a  X   .
 *     x/b  .   ?
 *
 * Comment and blank lines are skipped. The header lists the columns and each row starts with its source; both
 * must be exactly the case's pods in order. Every problem points at the exact line and column of the table.
 */
import { MATRIX_SYMBOLS, tokenizeTable, type TableToken } from '../suite/index.js';
import type { SourcePosition } from '../util/index.js';
import type { FieldPath, PathReader } from '../util/yaml/index.js';
import type { ExpectedCell } from './corpus-types.js';

export interface ExpectedTable {
  rows: string[];
  columns: string[];
  expected: ExpectedCell[][];
  rowPositions: SourcePosition[];
}

/** Reads the table at `path`; undefined (after recording every problem) when it is malformed. */
export function readExpectedTable(reader: PathReader, text: string, path: FieldPath, pods: readonly string[]): ExpectedTable | undefined {
  const lines = text.split(/\r?\n/);
  const at = (lineIndex: number, column: number): SourcePosition => reader.issues.positionInBlock(path, lineIndex, lines[lineIndex] ?? '', column);
  const content = tokenizeTable(text).filter(({ tokens }) => !(tokens[0] as TableToken).text.startsWith('#'));
  const header = content[0];
  if (header === undefined) {
    reader.problem(path, `expected a table with a header of ${pods.length} pods and ${pods.length} rows, found no table lines`);
    return undefined;
  }
  let ok = true;
  const columns = header.tokens.map((t) => t.text);
  if (columns.join(' ') !== pods.join(' ')) {
    const unknown = header.tokens.find((t) => !pods.includes(t.text));
    const where = unknown ?? header.tokens[0] ?? { offset: 0, text: '' };
    const what = unknown ? `unknown pod ${unknown.text} in the header` : 'the header lists the wrong columns';
    reader.problemAt(at(header.lineIndex, where.offset), path, `${what}: expected columns ${pods.join(' ')}, found ${columns.join(' ')}`);
    ok = false;
  }

  const body = content.slice(1);
  const rows: string[] = [];
  const expected: ExpectedCell[][] = [];
  const rowPositions: SourcePosition[] = [];
  body.forEach(({ lineIndex, tokens }, r) => {
    const [rowToken, ...cells] = tokens as [TableToken, ...TableToken[]];
    const wanted = pods[r];
    if (wanted === undefined) {
      reader.problemAt(at(lineIndex, rowToken.offset), path, `expected ${pods.length} rows, found an extra row ${rowToken.text}`);
      ok = false;
      return;
    }
    if (rowToken.text !== wanted) {
      const what = pods.includes(rowToken.text) ? `row ${r + 1} is ${rowToken.text}` : `unknown pod ${rowToken.text} as row ${r + 1}`;
      reader.problemAt(at(lineIndex, rowToken.offset), path, `${what}: expected row ${wanted} (rows must be ${pods.join(' ')} in order)`);
      ok = false;
    }
    if (cells.length !== pods.length) {
      const where = cells[pods.length] ?? cells[cells.length - 1] ?? rowToken;
      reader.problemAt(at(lineIndex, where.offset), path, `row ${rowToken.text} has ${cells.length} cells, expected ${pods.length}`);
      ok = false;
    }
    const symbols: ExpectedCell[] = [];
    for (const cell of cells) {
      const symbol = MATRIX_SYMBOLS[cell.text];
      if (symbol === undefined) {
        reader.problemAt(at(lineIndex, cell.offset), path, `unknown symbol ${JSON.stringify(cell.text)} in row ${rowToken.text}: expected "." (allowed), "X" (blocked) or "?" (no expectation)`);
        ok = false;
      } else symbols.push(symbol);
    }
    rows.push(rowToken.text);
    expected.push(symbols);
    rowPositions.push(at(lineIndex, rowToken.offset));
  });
  if (body.length < pods.length) {
    const last = body[body.length - 1] ?? header;
    reader.problemAt(at(last.lineIndex, 0), path, `expected ${pods.length} rows (${pods.join(' ')}), found ${body.length}`);
    ok = false;
  }
  return ok ? { rows, columns, expected, rowPositions } : undefined;
}
