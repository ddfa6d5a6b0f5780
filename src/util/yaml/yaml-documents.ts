/**
 * Reads a YAML file (or text) into its documents, each with a locator for positions. YAML syntax errors become
 * issues at their line:col; a document with syntax errors is left out (its content would only produce
 * misleading follow-up errors).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describeError } from '../errors.js';
import type { IssueList } from './issue-list.js';
import { createYamlLocator, type SourceLocator } from './source-locator.js';

export interface YamlDocument {
  /** 0-based index of the document in the file, counting empty documents. */
  index: number;
  /** The document as plain data (maps, lists, scalars); null for an empty document. */
  value: unknown;
  locator: SourceLocator;
}

/** A file's text, or why it could not be read (`problem` follows the file name in a message). */
export type FileRead = { ok: true; text: string } | { ok: false; problem: string; cause: unknown };

/** Reads a text file, describing a failure the way a user can act on it. */
export async function readTextFile(absolutePath: string): Promise<FileRead> {
  try {
    return { ok: true, text: await readFile(absolutePath, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT'
      ? 'does not exist'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read: ${describeError(error)}`;
    return { ok: false, problem, cause: error };
  }
}

/** Parses every document of `text`; syntax errors are added to `issues` (positions in `displayFile`). */
export function parseYamlDocuments(text: string, displayFile: string, issues: IssueList): YamlDocument[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const documents = [...parsed];
  if ('empty' in parsed) {
    for (const error of parsed.errors) reportYamlError(issues, lineCounter, displayFile, error.pos[0], error.message);
  }
  const result: YamlDocument[] = [];
  documents.forEach((document, index) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) reportYamlError(issues, lineCounter, displayFile, error.pos[0], error.message);
      return;
    }
    const locator = createYamlLocator(displayFile, document, lineCounter, text);
    try {
      result.push({ index, value: document.toJS({ maxAliasCount: 1000 }) ?? null, locator });
    } catch (error) {
      issues.addUnplaced(`YAML document ${index} cannot be read: ${describeError(error)}`, locator.locate([]));
    }
  });
  return result;
}

function reportYamlError(issues: IssueList, lineCounter: LineCounter, file: string, offset: number, message: string): void {
  const { line, col } = lineCounter.linePos(offset);
  const position = { file, line: Math.max(line, 1), column: Math.max(col, 1) };
  issues.addUnplaced(`YAML syntax error: ${message.split('\n')[0] ?? message}`, position);
}
