/**
 * Reads a YAML file (or text) into its documents, each with a locator for positions. YAML syntax errors become
 * issues at their line:col; a document with syntax errors is left out (its content would only produce
 * misleading follow-up errors).
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import { describeError } from '../errors.js';
import { escapeControlCharacters } from '../escape-text.js';
import type { FieldPath } from './field-path.js';
import { isPlainMap } from './value-reader.js';
import { readInputFile, type FileRead, type InputFileLimits } from '../read-input-file.js';
import type { IssueList } from './issue-list.js';
import { createYamlLocator, type SourceLocator } from './source-locator.js';
import { KUBECTL_YAML_OPTIONS } from './kubectl-yaml.js';
import { findExcessiveNesting, MAX_NESTING_DEPTH } from './nesting-depth.js';

export type { FileRead } from '../read-input-file.js';

export interface YamlDocument {
  /** 0-based index of the document in the file, counting empty documents. */
  index: number;
  /** The document as plain data (maps, lists, scalars); null for an empty document. */
  value: unknown;
  locator: SourceLocator;
}

/** Reads a text file as untrusted input (regular files only, within the size limit, UTF-8): see read-input-file.ts. */
export async function readTextFile(absolutePath: string, limits: InputFileLimits = {}): Promise<FileRead> {
  return readInputFile(absolutePath, limits);
}

/** How plain scalars are read: `suite` is YAML 1.2 (the core schema); `kubectl` is what kubectl sends (kubectl-yaml.ts). */
export type YamlReading = 'suite' | 'kubectl';

export interface ParseOptions {
  reading?: YamlReading;
}

/**
 * Parses every document of `text`; syntax errors are added to `issues` (positions in `displayFile`). Input that
 * nests deeper than MAX_NESTING_DEPTH is refused before parsing, and no message quotes the file's text: the
 * `yaml` package's messages are cut before the source they would show (a file named by a suite may be a secret).
 */
export function parseYamlDocuments(text: string, displayFile: string, issues: IssueList, options: ParseOptions = {}): YamlDocument[] {
  const lineCounter = new LineCounter();
  const nesting = findExcessiveNesting(text);
  if (nesting) {
    issues.addUnplaced(
      `the YAML nests more than ${MAX_NESTING_DEPTH} levels deep here (${nesting.kind === 'flow' ? 'flow collections [ and {' : 'block collections'}); ` +
        'no suite or Kubernetes object nests that deep: check the file is what you meant',
      { file: displayFile, line: nesting.line, column: nesting.column },
    );
    return [];
  }
  const kubectl = options.reading === 'kubectl';
  let documents: Document.Parsed[];
  let streamErrors: readonly YAMLError[] = [];
  try {
    const parsed = parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
      ...(kubectl ? KUBECTL_YAML_OPTIONS : {}),
    });
    documents = [...parsed];
    if ('empty' in parsed) streamErrors = parsed.errors;
  } catch (error) {
    issues.addUnplaced(`the YAML cannot be parsed (${error instanceof RangeError ? 'it is too large or too deeply nested to read' : describeError(error)})`, {
      file: displayFile,
      line: 1,
      column: 1,
    });
    return [];
  }
  for (const error of streamErrors) reportYamlError(issues, lineCounter, displayFile, error.pos[0], error);
  const result: YamlDocument[] = [];
  documents.forEach((document, index) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) reportYamlError(issues, lineCounter, displayFile, error.pos[0], error);
      return;
    }
    const locator = createYamlLocator(displayFile, document, lineCounter, text);
    if (kubectl && !checkKubectlKeys(document, issues, lineCounter, displayFile)) return;
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 }) ?? null;
    } catch (error) {
      issues.addUnplaced(`YAML document ${index + 1} cannot be read: ${describeError(error)}`, locator.locate([]));
      return;
    }
    if (reportControlCharacters(value, issues.forDocument(locator))) return;
    result.push({ index, value, locator });
  });
  return result;
}

/** At most this many control-character problems are listed per document. */
const MAX_CONTROL_ISSUES = 10;

/**
 * Text with control characters (ESC, CR, NUL, bidi overrides …) would act on the terminal or CI log that shows
 * it; no field of a suite or a Kubernetes object needs one. Line feeds and tabs are allowed (descriptions,
 * annotations). True when something was reported.
 */
function reportControlCharacters(value: unknown, issues: IssueList): boolean {
  let reported = 0;
  const pending: { value: unknown; path: FieldPath }[] = [{ value, path: [] }];
  const check = (text: string, path: FieldPath, part: 'key' | 'value'): void => {
    const match = CONTROL_IN_TEXT.exec(text);
    if (!match || reported >= MAX_CONTROL_ISSUES) return;
    reported += 1;
    const what = part === 'key' ? 'this key' : 'this text';
    issues.add(path, `${what} holds a control character (${escapeControlCharacters(match[0])} at character ${match.index + 1}), which would act on the terminal or CI log that shows it; remove it`, part);
  };
  while (pending.length > 0 && reported < MAX_CONTROL_ISSUES) {
    const item = pending.pop() as { value: unknown; path: FieldPath };
    if (typeof item.value === 'string') check(item.value, item.path, 'value');
    else if (Array.isArray(item.value)) item.value.forEach((entry, i) => pending.push({ value: entry, path: [...item.path, i] }));
    else if (isPlainMap(item.value)) {
      for (const [key, entry] of Object.entries(item.value)) {
        check(key, [...item.path, key], 'key');
        pending.push({ value: entry, path: [...item.path, key] });
      }
    }
  }
  return reported > 0;
}

const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * sigs.k8s.io/yaml turns map keys into JSON strings and refuses what it cannot ("unsupported map key"): a null
 * key (`~:`, `null:`, an empty key) or a map or list used as a key. Such keys are bad input at their position.
 */
function checkKubectlKeys(document: Document.Parsed, issues: IssueList, lineCounter: LineCounter, file: string): boolean {
  let ok = true;
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key;
        const problem = isScalar(key) ? (key.value === null ? 'a null key (~, null or nothing)' : undefined) : isAlias(key) ? undefined : 'a map or list used as a key';
        if (problem) {
          ok = false;
          const offset = (isNode(key) ? key.range?.[0] : undefined) ?? (isNode(pair.value) ? pair.value.range?.[0] : undefined) ?? node.range?.[0] ?? 0;
          const { line, col } = lineCounter.linePos(offset);
          issues.addUnplaced(`this map has ${problem}, which kubectl refuses ("unsupported map key"); give the key a name`, {
            file,
            line: Math.max(line, 1),
            column: Math.max(col, 1),
          });
        }
        pending.push(pair.value);
      }
    }
  }
  return ok;
}

/**
 * The `yaml` package's message without the file's text: some messages end with the source they complain about
 * (`Unresolved tag: !secret…`, `Invalid escape sequence \q…`), and a file named by a suite may hold a secret.
 */
export function redactYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first
    .replace(/^(Invalid escape sequence) .*$/, '$1')
    .replace(/^Verbatim tags aren't resolved, so .* is invalid\.?$/, 'a verbatim tag is not resolved')
    .replace(/^The .* tag has no suffix$/, 'a tag has no suffix')
    .replace(/^(Unsupported YAML version|Unknown directive) .*$/, '$1')
    .replace(/^(Unresolved plain scalar) .*$/, '$1')
    .replace(/^([^:]*[^:\s]): .*$/, '$1');
}

function reportYamlError(issues: IssueList, lineCounter: LineCounter, file: string, offset: number, error: YAMLError): void {
  const { line, col } = lineCounter.linePos(offset);
  const position = { file, line: Math.max(line, 1), column: Math.max(col, 1) };
  const message =
    error.code === 'RESOURCE_EXHAUSTION' ? 'the YAML is too large or too deeply nested to read' : redactYamlMessage(error.message);
  issues.addUnplaced(`YAML syntax error: ${message}`, position);
}
