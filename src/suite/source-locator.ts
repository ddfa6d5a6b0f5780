/**
 * Maps a field path of a parsed document back to a file:line:col, so every issue points at the exact node the
 * user wrote. A YAML locator walks the document's node tree; a fixed locator stands for input without positions
 * (an object built in code), where every field is reported at one place.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from '../util/errors.js';
import type { FieldPath } from './field-path.js';

/** `key`: point at the key of the last path segment (unknown fields); `value`: at its value. */
export type LocatePart = 'key' | 'value';

export interface SourceLocator {
  /** The position of the node at `path`, or of its deepest existing ancestor when the path does not exist. */
  locate(path: FieldPath, part?: LocatePart): SourcePosition;
  /** The text of a source line (1-based), when the source is known; used to place rows of matrix tables. */
  lineText?(line: number): string | undefined;
}

export function fixedLocator(position: SourcePosition): SourceLocator {
  return { locate: () => position };
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
  const lines = source.split(/\r?\n/);
  return {
    locate(path, part = 'value') {
      let node: unknown = document.contents;
      let offset = nodeStart(node) ?? document.range[0];
      for (let i = 0; i < path.length; i += 1) {
        const segment = path[i];
        node = resolveAlias(node, document);
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
        if (last && part === 'key' && keyOffset !== undefined) return toPosition(keyOffset);
        const start = nodeStart(next) ?? keyOffset;
        if (start === undefined) break;
        offset = start;
        if (next === undefined || next === null) break;
        node = next;
      }
      return toPosition(offset);
    },
    lineText: (line) => lines[line - 1],
  };
}

function nodeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (range) return range[0];
  }
  return undefined;
}

function resolveAlias(node: unknown, document: Document.Parsed): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}
