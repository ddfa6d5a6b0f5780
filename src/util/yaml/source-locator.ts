/**
 * Maps a field path of a parsed document back to a file:line:col, so every issue points at the exact node the
 * user wrote. A YAML locator walks the document's node tree; a fixed locator stands for input without positions
 * (an object built in code), where every field is reported at one place.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from '../errors.js';
import type { FieldPath } from './field-path.js';

/** `key`: point at the key of the last path segment (unknown fields); `value`: at its value. */
export type LocatePart = 'key' | 'value';

export interface SourceLocator {
  /** The position of the node at `path`, or of its deepest existing ancestor when the path does not exist. */
  locate(path: FieldPath, part?: LocatePart): SourcePosition;
  /**
   * A position inside the `|` block scalar at `path` (the truth tables of matrices): 0-based column `column` of
   * its 0-based value line `lineIndex`, whose text is `valueLine`. Falls back to the scalar's own position when
   * the value is not a literal block. Absent when the source is not known.
   */
  locateInBlock?(path: FieldPath, lineIndex: number, valueLine: string, column: number): SourcePosition;
}

export function fixedLocator(position: SourcePosition): SourceLocator {
  return { locate: () => position };
}

interface Step {
  /** The node reached (undefined when the path leaves the document). */
  node: unknown;
  /** Start of the deepest node (or key) found on the way. */
  offset: number;
  /** Start of the key of the last segment, when it is a map key that exists. */
  keyOffset?: number;
}

export function createYamlLocator(
  file: string,
  document: Document.Parsed,
  lineCounter: LineCounter,
  source: string,
): SourceLocator {
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line: Math.max(line, 1), column: Math.max(col, 1) };
  };
  // one line of the source, without its line break (the source is not split: suites can be tens of MB)
  const lineText = (line: number): string | undefined => {
    const starts = lineCounter.lineStarts;
    const start = starts[line - 1];
    if (start === undefined) return undefined;
    const end = starts[line] ?? source.length;
    return source.slice(start, end).replace(/\r?\n$/, '');
  };
  const locate = (path: FieldPath, part: LocatePart = 'value'): SourcePosition => {
    const step = walk(document, path);
    return toPosition(part === 'key' && step.keyOffset !== undefined ? step.keyOffset : step.offset);
  };
  return {
    locate,
    locateInBlock(path, lineIndex, valueLine, column) {
      const start = locate(path);
      const { node } = walk(document, path);
      if (!isScalar(node) || node.type !== 'BLOCK_LITERAL') return start;
      const line = start.line + 1 + lineIndex;
      const text = lineText(line);
      if (text === undefined || !text.endsWith(valueLine)) return { ...start, line };
      return { file, line, column: text.length - valueLine.length + column + 1 };
    },
  };
}

/** Follows `path` from the document root as far as it exists (through aliases). */
function walk(document: Document.Parsed, path: FieldPath): Step {
  let node: unknown = document.contents;
  let offset = nodeStart(node) ?? document.range[0];
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i];
    node = isAlias(node) ? node.resolve(document) : node;
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node) && typeof segment === 'string') {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment);
      if (pair) {
        keyOffset = nodeStart(pair.key);
        next = pair.value;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    const last = i === path.length - 1;
    const start = nodeStart(next) ?? keyOffset;
    if (last) {
      return start === undefined ? { node: undefined, offset } : { node: next, offset: start, ...(keyOffset === undefined ? {} : { keyOffset }) };
    }
    if (start === undefined || next === undefined || next === null) return { node: undefined, offset: start ?? offset };
    offset = start;
    node = next;
  }
  return { node, offset };
}

function nodeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (range) return range[0];
  }
  return undefined;
}
