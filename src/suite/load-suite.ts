/**
 * Loads suite files (apiVersion netpol-e2e/v1, kind Suite) into validated Suites. Every problem in a suite and in
 * the policy files it names is collected, with file:line:col and field path, into one InputError; nothing is
 * returned unless everything is valid.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SUITE_API_VERSION, type Suite } from './types.js';
import { InputError, type InputIssue } from '../util/index.js';
import { assignAssertionIds } from './assign-assertion-ids.js';
import { FixtureIndex } from './fixture-index.js';
import { describeShape, findExcessiveNesting, fixedLocator, isPlainMap, IssueList, MapReader, parseYamlDocuments, readTextFile, type FieldPath } from '../util/yaml/index.js';
import { escapeControlCharacters } from '../util/index.js';
import { inputAccessFor, inputAccessForDirectory, resolveInside, type InputAccess, type SuiteInputOptions } from './input-access.js';
import { dns1123LabelProblem } from './k8s-names.js';
import { readFixture } from './read-fixture.js';
import { policyNamespaceCheck, readStages } from './read-steps.js';
import { SUITE_FIELDS, SUITE_KIND } from './suite-fields.js';

const INPUT_HINT = 'fix the suite and run again; nothing was sent to a cluster';

/**
 * Loads one suite file. `file` is kept as given (relative paths stay relative) for positions in messages. The
 * files the suite names must lie inside its root (input-access.ts); `options` widen it and set the size limit.
 */
export async function loadSuite(file: string, options: SuiteInputOptions = {}): Promise<Suite> {
  const { suite, issues } = await readSuiteFile(file, options);
  if (!suite || issues.length > 0) throw new InputError(issues, { hint: INPUT_HINT });
  return suite;
}

/**
 * Loads suites from files and directories. A directory contributes every `*.yaml`/`*.yml` directly in it whose
 * first document is a Suite, sorted by name (other YAML there, like policy files, is skipped). Problems of all
 * suites are aggregated into one InputError; suite names must be unique across the set.
 */
export async function loadSuites(pathsOrDirs: readonly string[], options: SuiteInputOptions = {}): Promise<Suite[]> {
  const issues: InputIssue[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const entry of pathsOrDirs) {
    for (const file of await suiteFilesOf(entry, issues, options)) {
      const absolute = path.resolve(file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      files.push(file);
    }
  }
  const results = await Promise.all(files.map((file) => readSuiteFile(file, options)));
  const suites: Suite[] = [];
  const byName = new Map<string, Suite>();
  for (const result of results) {
    for (const issue of result.issues) issues.push(issue);
    if (!result.suite) continue;
    const other = byName.get(result.suite.name);
    if (other) {
      issues.push({
        position: { file: result.suite.displayFile, line: 1, column: 1 },
        field: 'name',
        message: `suite name "${result.suite.name}" is also the name of ${other.displayFile}; suite names must be unique in a run (they name the JUnit test suites)`,
      });
    } else {
      byName.set(result.suite.name, result.suite);
    }
    suites.push(result.suite);
  }
  if (issues.length > 0) throw new InputError(issues, { hint: INPUT_HINT });
  return suites;
}

async function suiteFilesOf(entry: string, issues: InputIssue[], options: SuiteInputOptions): Promise<string[]> {
  const shown = escapeControlCharacters(entry);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(entry)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push({ message: `suite path "${shown}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}` });
    return [];
  }
  if (!isDirectory) return [entry];
  // The directory is the user's; its entries may come from a pull request: a symlink must stay inside its root.
  const access = await inputAccessForDirectory(entry, options);
  const names = (await readdir(entry, { withFileTypes: true }))
    .filter((e) => !e.isDirectory() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const suites: string[] = [];
  for (const name of names) {
    const file = path.join(entry, name);
    const resolved = await resolveInside(path.resolve(file), access);
    if (!resolved.ok) {
      issues.push({ message: `${escapeControlCharacters(file)} in suite directory "${shown}" ${resolved.problem}` });
      continue;
    }
    const read = await readTextFile(resolved.real, { maxFileSize: access.maxFileSize });
    if (!read.ok) {
      issues.push({ message: `${escapeControlCharacters(file)} in suite directory "${shown}" ${read.problem}` });
      continue;
    }
    if (looksLikeSuite(read.text)) suites.push(file);
  }
  if (suites.length === 0) {
    issues.push({ message: `directory "${shown}" contains no suite file (a *.yaml or *.yml with apiVersion: ${SUITE_API_VERSION} and kind: ${SUITE_KIND})` });
  }
  return suites;
}

/** True when the first non-empty document declares itself a suite (or, if it does not parse, says so in its text). */
export function looksLikeSuite(text: string): boolean {
  const byText = /^(kind:\s*Suite\s*$|apiVersion:\s*netpol-e2e\/)/m.test(text);
  if (findExcessiveNesting(text)) return byText; // not parsed here: loading it reports the nesting with its position
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) break;
    const value: unknown = document.toJS();
    if (value === null) continue;
    return isPlainMap(value) && (value['kind'] === SUITE_KIND || String(value['apiVersion'] ?? '').startsWith('netpol-e2e/'));
  }
  return byText;
}

/** Reads one suite file, returning the Suite only when no issue was found. */
export async function readSuiteFile(givenFile: string, options: SuiteInputOptions = {}): Promise<{ suite?: Suite; issues: InputIssue[] }> {
  const absolute = path.resolve(givenFile);
  // The name as shown in messages and reports: a file name may hold control characters too.
  const displayFile = escapeControlCharacters(givenFile);
  const issues = IssueList.create(fixedLocator({ file: displayFile, line: 1, column: 1 }));
  const access = await inputAccessFor(absolute, options);
  const read = await readTextFile(absolute, { maxFileSize: access.maxFileSize });
  if (!read.ok) {
    issues.addUnplaced(`suite file ${displayFile} ${read.problem}`);
    return { issues: [...issues.issues] };
  }
  const documents = parseYamlDocuments(read.text, displayFile, issues).filter((d) => d.value !== null);
  if (issues.count > 0) return { issues: [...issues.issues] };
  const [document, ...extra] = documents;
  if (!document) {
    issues.addUnplaced(`suite file ${displayFile} is empty; a suite needs apiVersion: ${SUITE_API_VERSION}, kind: ${SUITE_KIND}, fixture and assertions`);
    return { issues: [...issues.issues] };
  }
  const docIssues = issues.forDocument(document.locator);
  for (const other of extra) {
    issues.forDocument(other.locator).add([], `a suite file holds one YAML document, but document ${other.index + 1} follows; put policies in their own files and name them under policies:`);
  }
  const kubectlValue = inlinePolicyReading(read.text, displayFile, document.index);
  const suite = await readSuiteDocument(document.value, docIssues, { displayFile, absolute, access, kubectlValue });
  return issues.count > 0 || !suite ? { issues: [...issues.issues] } : { suite, issues: [] };
}

interface SuiteSource {
  displayFile: string;
  absolute: string;
  access: InputAccess;
  /** The value at a path of the suite document as kubectl would read it (for inline policies). */
  kubectlValue: (path: FieldPath) => unknown;
}

/**
 * Inline policies are read as kubectl reads YAML, like policy files: the suite text is parsed a second time with
 * those rules (only when an inline policy asks for it) and the policy's value is taken from there.
 */
function inlinePolicyReading(text: string, displayFile: string, documentIndex: number): (path: FieldPath) => unknown {
  let value: unknown;
  let parsed = false;
  return (path) => {
    if (!parsed) {
      parsed = true;
      const scratch = IssueList.create(fixedLocator({ file: displayFile, line: 1, column: 1 }));
      value = parseYamlDocuments(text, displayFile, scratch, { reading: 'kubectl' }).find((d) => d.index === documentIndex)?.value;
    }
    let node = value;
    for (const segment of path) {
      if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
      else if (isPlainMap(node) && typeof segment === 'string') node = node[segment];
      else return undefined;
    }
    return node;
  };
}

async function readSuiteDocument(value: unknown, issues: IssueList, source: SuiteSource): Promise<Suite | undefined> {
  const { displayFile, absolute } = source;
  if (isPlainMap(value) && typeof value['kind'] === 'string' && value['kind'] !== SUITE_KIND && !String(value['apiVersion'] ?? '').startsWith('netpol-e2e/')) {
    // Another manifest given as a suite (e.g. a policy file): one clear problem instead of one per field.
    issues.add(['kind'], `${displayFile} is not a suite but a ${escapeControlCharacters(value['kind'])}; a suite file has apiVersion: ${SUITE_API_VERSION} and kind: ${SUITE_KIND} (policy files are named by a suite's policies:)`);
    return undefined;
  }
  if (!isPlainMap(value)) {
    // Nothing of the text is quoted: the file may not be a suite at all.
    issues.add([], `${displayFile} is not a suite: its YAML document is ${describeShape(value)}; a suite is a map with apiVersion: ${SUITE_API_VERSION}, kind: ${SUITE_KIND}, fixture and assertions`);
    return undefined;
  }
  const root = MapReader.open(issues, [], value, 'a suite', SUITE_FIELDS.suite);
  if (!root) return undefined;
  const apiVersion = root.string('apiVersion', `"${SUITE_API_VERSION}"`, { required: true });
  if (apiVersion !== undefined && apiVersion !== SUITE_API_VERSION) {
    root.report('apiVersion', `expected apiVersion "${SUITE_API_VERSION}", found "${apiVersion}"`);
  }
  const kind = root.string('kind', `"${SUITE_KIND}"`, { required: true });
  if (kind !== undefined && kind !== SUITE_KIND) root.report('kind', `expected kind "${SUITE_KIND}", found "${kind}"`);
  const name = readSuiteName(root, displayFile);
  const description = root.string('description', 'the suite description');
  const fixtureData = readFixture(root);
  const fixture = new FixtureIndex(fixtureData);
  const stages = await readStages({
    root,
    fixture,
    displayFile,
    policyFiles: {
      baseDir: path.dirname(absolute),
      displayBaseDir: path.dirname(displayFile),
      cache: new Map(),
      check: policyNamespaceCheck(fixture),
      access: source.access,
    },
    kubectlValue: source.kubectlValue,
  });
  assignAssertionIds(stages.assertions, issues);
  if (stages.assertions.length === 0 && issues.count === 0) {
    issues.add(root.has('assertions') ? ['assertions'] : [], 'the suite has no assertions (top-level or in a step); a suite without assertions checks nothing');
  }
  if (name === undefined) return undefined;
  const suite: Suite = { apiVersion: SUITE_API_VERSION, name, file: absolute, displayFile, fixture: fixtureData, steps: stages.steps };
  if (root.has('fixture')) suite.fixturePosition = issues.position(['fixture'], 'key');
  if (description !== undefined) suite.description = description;
  return suite;
}

function readSuiteName(root: MapReader, displayFile: string): string | undefined {
  const explicit = root.string('name', 'the suite name');
  if (explicit !== undefined) {
    const problem = dns1123LabelProblem(explicit);
    if (problem) root.report('name', `suite name "${explicit}" ${problem}`);
    return explicit;
  }
  const base = path.basename(displayFile).replace(/\.ya?ml$/i, '');
  return base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'suite';
}
