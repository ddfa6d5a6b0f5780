/**
 * One YAML file of the corpus as plain data plus positions: `locate(path)` finds the line:col of any value by its
 * path (falling back to the nearest existing parent for a missing field), so validation can work on plain data and
 * still point at the exact line.
 */
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { InputIssue, SourcePosition } from '../util/errors.js';

export type ValuePath = readonly (string | number)[];

export interface YamlSource {
  file: string;
  /** The document as plain data; undefined when it has syntax errors. */
  value: unknown;
  /** Position of the value at `path` (of the nearest parent that exists). */
  locate(path: ValuePath): SourcePosition;
  /** Position of the key of the entry at `path` (of the value for list items). */
  locateKey(path: ValuePath): SourcePosition;
  /**
   * Position inside a block scalar (`|`): line `lineOffset` of its value (0 = first content line), at 0-based
   * `column` of that value line, whose full text is `valueLine`. Other scalars: the scalar's own position.
   */
  locateInBlock(path: ValuePath, lineOffset: number, valueLine: string, column: number): SourcePosition;
}

/** `steps[0].probes[1].expected` */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/** Parses `text`; YAML syntax errors become issues at their line:col and leave `value` undefined. */
export function parseYamlSource(file: string, text: string, issues: InputIssue[]): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  let value: unknown;
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      issues.push({ position: at(error.pos[0]), message: `YAML syntax error: ${firstLine(error.message)}` });
    }
  } else {
    value = document.toJS({ maxAliasCount: 100 }) ?? null;
  }

  const lineText = (line: number): string => {
    const start = lineCounter.lineStarts[line - 1];
    if (start === undefined) return '';
    const end = lineCounter.lineStarts[line] ?? text.length;
    return text.slice(start, end).replace(/\r?\n$/, '');
  };

  return {
    file,
    value,
    locate(path) {
      const node = nearestNode(document, path);
      return node?.range ? at(node.range[0]) : at(0);
    },
    locateKey(path) {
      const pair = pairAt(document, path);
      if (pair && isNode(pair.key) && pair.key.range) return at(pair.key.range[0]);
      return this.locate(path);
    },
    locateInBlock(path, lineOffset, valueLine, column) {
      const node = document.getIn(path, true);
      if (!isScalar(node) || !node.range || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED')) {
        return this.locate(path);
      }
      const header = lineCounter.linePos(node.range[0]).line;
      const line = header + 1 + lineOffset;
      const source = lineText(line);
      const blockIndent = source.endsWith(valueLine) ? source.length - valueLine.length : 0;
      return { file, line, column: blockIndent + column + 1 };
    },
  };
}

function nearestNode(document: Document, path: ValuePath): Node | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

function pairAt(document: Document, path: ValuePath): { key: unknown } | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    return parent.items.find((item) => isPair(item) && (isScalar(item.key) ? item.key.value : item.key) === last);
  }
  return undefined;
}
