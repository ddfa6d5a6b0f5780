/**
 * Loads NetworkPolicies from files as users keep them in their repositories: multi-document YAML (`---`
 * separated, empty documents ignored), or a `kind: List` of NetworkPolicies. Patterns are file paths or globs
 * relative to a base directory. Every document of another kind is an error naming the file, the document and the
 * kind; every field problem points at its line:col.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedPolicy } from './types.js';
import { describeFileType, escapeControlCharacters, InputError, type SourcePosition } from '../util/index.js';
import { describeShape, fixedLocator, formatFieldPath, isPlainMap, IssueList, parseYamlDocuments, readTextFile, type FieldPath } from '../util/yaml/index.js';
import { expandGlob, globBase, GlobLimitError, isGlobPattern } from './glob.js';
import { inputAccessForDirectory, isInsideAny, resolveInside, type InputAccess, type SuiteInputOptions } from './input-access.js';
import { withFileNamespace } from './policy-file-namespace.js';
import { isNetworkPolicyKind, otherKindHint, POLICY_API_VERSION, POLICY_KIND, readPolicyObject } from './validate-policy.js';

/** Where patterns are resolved and how resolved files are shown in messages. */
export interface PolicyFileContext {
  /** Directory patterns are relative to (absolute, or relative to the working directory). */
  baseDir: string;
  /** How `baseDir` is shown in positions (usually as the user wrote it). */
  displayBaseDir: string;
  /** Files already loaded in this input, so a file named twice is read (and reported) once. */
  cache: Map<string, Promise<LoadedPolicy[]>>;
  /**
   * Extra checks on each NetworkPolicy document (e.g. that its namespace is a fixture namespace), run even when
   * the policy has other problems, with positions in its document.
   */
  check?: (value: unknown, issues: IssueList) => void;
  /** Where files may be read from and how large they may be (input-access.ts); unconfined when absent. */
  access?: InputAccess;
}

export interface PolicyPattern {
  pattern: string;
  /** Where the pattern was written, for "matches nothing" issues. */
  path: FieldPath;
  /** The namespace of the file's policies that do not say theirs (`policies: [{path, namespace}]`). */
  namespace?: string;
}

/**
 * Loads every NetworkPolicy from the files `patterns` name (paths or globs relative to `baseDir`). Throws an
 * InputError listing every problem; policies with the same namespace/name in two places are a problem too.
 */
export async function loadPolicyFiles(patterns: readonly string[], baseDir: string, options: SuiteInputOptions = {}): Promise<LoadedPolicy[]> {
  const issues = IssueList.create(fixedLocator({ file: '(command line)', line: 1, column: 1 }));
  const access = await inputAccessForDirectory(baseDir, options);
  const context: PolicyFileContext = { baseDir, displayBaseDir: baseDir, cache: new Map(), access };
  const loaded = await loadPolicyPatterns(patterns.map((pattern, i) => ({ pattern, path: [i] })), context, issues, true);
  reportDuplicatePolicies(loaded, issues);
  if (issues.count > 0) throw new InputError(issues.issues, { hint: 'fix the policy files and run again; nothing was sent to a cluster' });
  return loaded;
}

/** Resolves patterns to files and loads them, in pattern order (glob matches sorted); files are not repeated. */
export async function loadPolicyPatterns(
  patterns: readonly PolicyPattern[],
  context: PolicyFileContext,
  issues: IssueList,
  unplaced = false,
): Promise<LoadedPolicy[]> {
  const seen = new Set<string>();
  const result: LoadedPolicy[] = [];
  for (const { pattern, path: at, namespace } of patterns) {
    const report = (message: string): void => (unplaced ? issues.addUnplaced(message) : issues.add(at, message));
    const files = await resolvePattern(pattern, context, report);
    for (const file of files) {
      if (seen.has(file.absolute)) continue;
      seen.add(file.absolute);
      // a file applied to a namespace is another set of policies than the same file on its own
      const key = namespace === undefined ? file.absolute : `${file.absolute}\0${namespace}`;
      let pending = context.cache.get(key);
      if (!pending) {
        pending = loadPolicyFile(file.real ?? file.absolute, file.display, issues, namespace === undefined ? context : { ...context, namespace });
        context.cache.set(key, pending);
      }
      for (const policy of await pending) result.push(policy);
    }
  }
  return result;
}

interface ResolvedFile {
  absolute: string;
  /** The file after symlinks, when the context confines reads. */
  real?: string;
  display: string;
}

async function resolvePattern(pattern: string, context: PolicyFileContext, report: (message: string) => void): Promise<ResolvedFile[]> {
  const absoluteBase = path.resolve(context.baseDir);
  const display = (absolute: string): string =>
    escapeControlCharacters(path.isAbsolute(pattern) ? absolute : path.join(context.displayBaseDir, path.relative(absoluteBase, absolute)));
  const shown = escapeControlCharacters(pattern);
  if (pattern.trim() === '') {
    report('expected a policy file path or glob, found an empty string');
    return [];
  }
  const access = context.access;
  if (isGlobPattern(pattern)) {
    if (access) {
      const start = await resolveInside(globBase(pattern, absoluteBase), access);
      if (!start.ok && start.problem.startsWith('lies outside')) {
        report(`glob "${shown}" starts in ${escapeControlCharacters(globBase(pattern, absoluteBase))}, which ${start.problem}`);
        return [];
      }
    }
    let files: string[];
    try {
      files = await expandGlob(pattern, absoluteBase, access ? { within: (real) => isInsideAny(real, access) } : {});
    } catch (error) {
      if (!(error instanceof GlobLimitError)) throw error;
      report(`glob "${shown}" is refused: ${error.message}; name the files with a narrower pattern`);
      return [];
    }
    if (files.length === 0) {
      report(`glob "${shown}" matches no file (looked in ${escapeControlCharacters(absoluteBase)}); check the pattern, which is relative to the suite file's directory`);
    }
    const result: ResolvedFile[] = [];
    for (const absolute of files) {
      if (!access) {
        result.push({ absolute, display: display(absolute) });
        continue;
      }
      const resolved = await resolveInside(absolute, access);
      if (resolved.ok) result.push({ absolute, real: resolved.real, display: display(absolute) });
      else report(`glob "${shown}" matches ${display(absolute)}, which ${resolved.problem}`);
    }
    return result;
  }
  const absolute = path.resolve(absoluteBase, pattern);
  const where = `resolved to ${escapeControlCharacters(absolute)}; paths are relative to the suite file's directory`;
  if (access) {
    const resolved = await resolveInside(absolute, access);
    if (!resolved.ok) {
      report(`policy file "${shown}" ${resolved.problem} (${where})`);
      return [];
    }
    const problem = await fileProblem(resolved.real);
    if (problem) {
      report(`policy file "${shown}" ${problem} (${where})`);
      return [];
    }
    return [{ absolute, real: resolved.real, display: display(absolute) }];
  }
  const problem = await fileProblem(absolute);
  if (problem) {
    report(`policy file "${shown}" ${problem} (${where})`);
    return [];
  }
  return [{ absolute, display: display(absolute) }];
}

async function fileProblem(absolute: string): Promise<string | undefined> {
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) return 'is a directory; name the files in it, e.g. with a glob like dir/*.yaml';
    if (!info.isFile()) return `is ${describeFileType(info)}, not a regular file; only regular files are read`;
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    return `cannot be read (${code ?? String(error)})`;
  }
}

/** Loads one policy file; its problems go to `issues` with positions in `displayFile`. */
export async function loadPolicyFile(
  absolutePath: string,
  displayFile: string,
  issues: IssueList,
  context: Pick<PolicyFileContext, 'check' | 'access'> & { namespace?: string } = {},
): Promise<LoadedPolicy[]> {
  const read = await readTextFile(absolutePath, context.access ? { maxFileSize: context.access.maxFileSize } : {});
  if (!read.ok) {
    issues.addUnplaced(`policy file ${displayFile} ${read.problem}`);
    return [];
  }
  const before = issues.count;
  // Policy files are read as kubectl reads them (YAML 1.1 as go-yaml v2 resolves it), so that what is verified is
  // what `kubectl apply -f` would send: `port: 010` is port 8, `team: yes` is a boolean (refused: labels are strings).
  const documents = parseYamlDocuments(read.text, displayFile, issues, { reading: 'kubectl' });
  const total = documents.length;
  const result: LoadedPolicy[] = [];
  for (const document of documents) {
    if (document.value === null || document.value === undefined) continue;
    const docIssues = issues.forDocument(document.locator);
    const where = `document ${document.index + 1}${total > 1 ? ` of ${total}` : ''} in ${displayFile}`;
    const value = document.value;
    if (isPlainMap(value) && value['kind'] === 'List') {
      const items = value['items'];
      if (!Array.isArray(items)) {
        docIssues.add(['items'], `${where} is a List without an "items" list of NetworkPolicies`);
        continue;
      }
      items.forEach((item, i) => {
        const loaded = readDocumentPolicy(docIssues.within(['items', i]), item, `item ${i + 1} of the List in ${where}`, displayFile, document.index, context);
        if (loaded) result.push(loaded);
      });
      continue;
    }
    const loaded = readDocumentPolicy(docIssues, value, where, displayFile, document.index, context);
    if (loaded) result.push(loaded);
  }
  if (result.length === 0 && issues.count === before) {
    issues.addUnplaced(`policy file ${displayFile} contains no NetworkPolicy (it is empty or only has empty documents)`, {
      file: displayFile,
      line: 1,
      column: 1,
    });
  }
  return result;
}

function readDocumentPolicy(
  issues: IssueList,
  value: unknown,
  where: string,
  file: string,
  document: number,
  context: Pick<PolicyFileContext, 'check'> & { namespace?: string },
): LoadedPolicy | undefined {
  if (!isNetworkPolicyKind(value)) {
    const field = isPlainMap(value) ? (value['kind'] !== undefined ? ['kind'] : value['apiVersion'] !== undefined ? ['apiVersion'] : []) : [];
    issues.add(field, `${where} is ${describeDocument(value)}; only ${POLICY_API_VERSION} ${POLICY_KIND} objects are accepted: ${otherKindHint(value)}`);
    return undefined;
  }
  const namespaced = withFileNamespace(value, context.namespace, issues, file);
  const policy = readPolicyObject(issues, namespaced);
  context.check?.(namespaced, issues);
  if (!policy) return undefined;
  return { policy, source: { file, document, position: issues.position([]), fieldPositions: specFieldPositions(value, issues) } };
}

/**
 * The position of every node under `spec` of a policy object (see PolicySource.fieldPositions), for findings that
 * point at a field.
 */
export function specFieldPositions(value: unknown, issues: IssueList): Record<string, SourcePosition> {
  const positions: Record<string, SourcePosition> = {};
  const visit = (node: unknown, at: FieldPath): void => {
    positions[formatFieldPath(at)] = issues.position(at);
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, [...at, i]));
    else if (isPlainMap(node)) for (const [key, item] of Object.entries(node)) visit(item, [...at, key]);
  };
  if (isPlainMap(value) && value['spec'] !== undefined) visit(value['spec'], ['spec']);
  return positions;
}

function describeDocument(value: unknown): string {
  // Never the document's text: a file that is not a policy may be anything (a key, a token, /proc/self/environ).
  if (!isPlainMap(value)) return `not an object but ${describeShape(value)}`;
  const kind = value['kind'];
  const apiVersion = value['apiVersion'];
  if (kind === undefined && apiVersion === undefined) return 'a map without apiVersion and kind';
  const name = (field: unknown): string => (typeof field === 'string' && /^[A-Za-z0-9./-]{1,100}$/.test(field) ? field : describeShape(field));
  return `kind ${name(kind)} (apiVersion ${name(apiVersion)})`;
}

/** Two policies with the same namespace/name where one would silently replace the other. */
export function reportDuplicatePolicies(loaded: readonly LoadedPolicy[], issues: IssueList, context = 'are loaded together'): void {
  const first = new Map<string, LoadedPolicy>();
  for (const item of loaded) {
    const key = `${item.policy.metadata.namespace}/${item.policy.metadata.name}`;
    const previous = first.get(key);
    if (previous) {
      const at = previous.source.position;
      issues.addUnplaced(
        `policy ${key} is defined twice; the first definition is at ${at.file}:${at.line}:${at.column} and both ${context}; rename one or remove it`,
        item.source.position,
      );
    } else {
      first.set(key, item);
    }
  }
}
