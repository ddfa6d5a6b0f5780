/**
 * Tokenises a truth table in the `.`/`X`/`?` notation:
 *
 *                prod/a  prod/b  dev/a
 *     prod/a       .       X       X
 *     prod/b       .       .       X
 *
 * The first non-blank line holds the column headers; each further non-blank line is a row label followed by one
 * symbol per column. The header may start with a corner token (`-`, as in the Kubernetes e2e truth tables, or
 * `*`, `\`, `from\to`, `from \ to`), which lets a YAML `|` block start every line at the same indentation:
 *
 *     expected: |
 *       -        prod/a  prod/b
 *       prod/a     .       X
 *
 * What the tool prints reads back: its reports head the grid with `from \ to` and show a cell not asserted as
 * `-` (so `-` is `?` here). A mismatch cell of a report (`.≠X`) is refused with what to write instead.
 *
 * Meaning (rows, columns, symbols) is checked by the caller, which knows the fixture.
 */
export interface TableToken {
  text: string;
  /** 0-based character offset in its line. */
  offset: number;
}

export interface TableLine {
  /** 0-based index of the line in the text. */
  lineIndex: number;
  tokens: TableToken[];
}

import type { MatrixAssertion } from './types.js';

export type MatrixCellExpectation = MatrixAssertion['expected'][number][number];

export const MATRIX_SYMBOLS: Readonly<Record<string, MatrixCellExpectation>> = { '.': 'allow', X: 'deny', '?': 'skip', '-': 'skip' };

/** Why a cell token from a report cannot be an expectation, with what to write; undefined for other tokens. */
export function reportSymbolProblem(token: string): string | undefined {
  const mismatch = /^([.X])≠([.X])$/.exec(token);
  if (mismatch) {
    return `"${token}" is a mismatch cell of a report (expected ${mismatch[1] === '.' ? 'allowed' : 'denied'}, got ${mismatch[2] === '.' ? 'allowed' : 'denied'}); write the symbol you expect: "." or "X"`;
  }
  if (token === 'E') return '"E" is an error cell of a report, not an expectation; write ".", "X" or "?"';
  if (token === '~') return '"~" is a flaky cell of a report, not an expectation; write ".", "X" or "?"';
  return undefined;
}

export function tokenizeTable(text: string): TableLine[] {
  const lines: TableLine[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    const tokens: TableToken[] = [];
    for (const match of line.matchAll(/\S+/g)) tokens.push({ text: match[0], offset: match.index ?? 0 });
    if (tokens.length > 0) lines.push({ lineIndex, tokens });
  });
  return lines;
}

export const CORNER_TOKENS: readonly string[] = ['-', '*', '\\', 'from\\to'];

/** The corner the tool's own reports print (three tokens once split at spaces). */
const PRINTED_CORNER = ['from', '\\', 'to'];

/** The header's column tokens, without a leading corner token. */
export function headerColumns(header: TableLine): TableToken[] {
  const [first, ...rest] = header.tokens;
  if (PRINTED_CORNER.every((text, i) => header.tokens[i]?.text === text)) return header.tokens.slice(PRINTED_CORNER.length);
  return first && CORNER_TOKENS.includes(first.text) ? rest : header.tokens;
}
