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
import type { SourcePosition } from '../util/errors.js';
import type { ExpectedCell } from './corpus-types.js';
import type { ValueReader } from './value-reader.js';
import type { ValuePath } from './yaml-source.js';

export interface ExpectedTable {
  rows: string[];
  columns: string[];
  expected: ExpectedCell[][];
  rowPositions: SourcePosition[];
}

const SYMBOLS: Record<string, ExpectedCell> = { '.': 'allow', X: 'deny', '?': 'skip' };

interface Token {
  text: string;
  column: number;
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\S+/g;
  for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) tokens.push({ text: m[0], column: m.index });
  return tokens;
}

/** Reads the table at `path`; undefined (after recording every problem) when it is malformed. */
export function readExpectedTable(reader: ValueReader, text: string, path: ValuePath, pods: readonly string[]): ExpectedTable | undefined {
  const lines = text.split('\n');
  const at = (lineIndex: number, column: number): SourcePosition => reader.source.locateInBlock(path, lineIndex, lines[lineIndex] ?? '', column);
  const content = lines
    .map((line, index) => ({ line, index, tokens: tokenize(line) }))
    .filter(({ tokens }) => tokens.length > 0 && !(tokens[0] as Token).text.startsWith('#'));
  const header = content[0];
  if (header === undefined) {
    reader.problem(path, `expected a table with a header of ${pods.length} pods and ${pods.length} rows, found no table lines`);
    return undefined;
  }
  let ok = true;
  const columns = header.tokens.map((t) => t.text);
  if (columns.join(' ') !== pods.join(' ')) {
    const unknown = header.tokens.find((t) => !pods.includes(t.text));
    const where = unknown ?? header.tokens[0] ?? { column: 0, text: '' };
    const what = unknown ? `unknown pod ${unknown.text} in the header` : 'the header lists the wrong columns';
    reader.problemAt(at(header.index, where.column), path, `${what}: expected columns ${pods.join(' ')}, found ${columns.join(' ')}`);
    ok = false;
  }

  const body = content.slice(1);
  const rows: string[] = [];
  const expected: ExpectedCell[][] = [];
  const rowPositions: SourcePosition[] = [];
  body.forEach(({ index, tokens }, r) => {
    const [rowToken, ...cells] = tokens as [Token, ...Token[]];
    const wanted = pods[r];
    if (wanted === undefined) {
      reader.problemAt(at(index, rowToken.column), path, `expected ${pods.length} rows, found an extra row ${rowToken.text}`);
      ok = false;
      return;
    }
    if (rowToken.text !== wanted) {
      const what = pods.includes(rowToken.text) ? `row ${r + 1} is ${rowToken.text}` : `unknown pod ${rowToken.text} as row ${r + 1}`;
      reader.problemAt(at(index, rowToken.column), path, `${what}: expected row ${wanted} (rows must be ${pods.join(' ')} in order)`);
      ok = false;
    }
    if (cells.length !== pods.length) {
      const where = cells[pods.length] ?? cells[cells.length - 1] ?? rowToken;
      reader.problemAt(at(index, where.column), path, `row ${rowToken.text} has ${cells.length} cells, expected ${pods.length}`);
      ok = false;
    }
    const symbols: ExpectedCell[] = [];
    for (const cell of cells) {
      const symbol = SYMBOLS[cell.text];
      if (symbol === undefined) {
        reader.problemAt(at(index, cell.column), path, `unknown symbol ${JSON.stringify(cell.text)} in row ${rowToken.text}: expected "." (allowed), "X" (blocked) or "?" (no expectation)`);
        ok = false;
      } else symbols.push(symbol);
    }
    rows.push(rowToken.text);
    expected.push(symbols);
    rowPositions.push(at(index, rowToken.column));
  });
  if (body.length < pods.length) {
    const last = body[body.length - 1] ?? header;
    reader.problemAt(at(last.index, 0), path, `expected ${pods.length} rows (${pods.join(' ')}), found ${body.length}`);
    ok = false;
  }
  return ok ? { rows, columns, expected, rowPositions } : undefined;
}
