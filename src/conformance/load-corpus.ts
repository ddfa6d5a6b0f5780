/**
 * Loads a conformance corpus directory: model.yaml plus cases/*.yaml. Every problem of every file is collected and
 * thrown as one InputError whose issues carry file:line:col and the field.
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { describeError, InputError } from '../util/index.js';
import { fixedLocator, IssueList, parseYamlDocuments, PathReader, readTextFile } from '../util/yaml/index.js';
import type { Corpus, CorpusCase } from './corpus-types.js';
import { readCase } from './read-case.js';
import { readCorpusModel } from './read-corpus-model.js';

const HINT = 'fix the corpus file at the position shown (the format is described in the corpus README.md); nothing was evaluated';

/**
 * Reads one corpus file, which holds one YAML document: a reader positioned in it and its value, or undefined
 * when it has a syntax error (recorded in `issues`). A file that cannot be read ends the load at once.
 */
async function readCorpusFile(file: string, what: string, issues: IssueList): Promise<{ reader: PathReader; value: unknown } | undefined> {
  const read = await readTextFile(file);
  if (!read.ok) {
    throw new InputError([{ message: `${what} ${file} ${read.problem}` }], {
      hint: 'point at a corpus directory that holds model.yaml and cases/*.yaml (e.g. test/fixtures/netpol-corpus)',
      cause: read.cause,
    });
  }
  const before = issues.count;
  const documents = parseYamlDocuments(read.text, file, issues);
  if (issues.count > before) return undefined;
  const [document, ...extra] = documents.filter((d) => d.value !== null);
  for (const other of extra) {
    issues.forDocument(other.locator).add([], `${what} ${file} holds one YAML document, but document ${other.index + 1} follows; remove it or move it to its own file`);
  }
  if (document === undefined) return { reader: new PathReader(issues.forDocument(fixedLocator({ file, line: 1, column: 1 }))), value: null };
  return { reader: new PathReader(issues.forDocument(document.locator)), value: document.value };
}

async function listCaseFiles(dir: string): Promise<string[]> {
  const casesDir = join(dir, 'cases');
  let names: string[];
  try {
    names = await readdir(casesDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ message: `corpus cases directory ${casesDir} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${describeError(error)})`}` }], {
      hint: 'a corpus directory holds model.yaml and a cases/ directory of <slug>.yaml files',
      cause: error,
    });
  }
  const files = names.filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  if (files.length === 0) {
    throw new InputError([{ message: `corpus cases directory ${casesDir} has no .yaml files` }], { hint: HINT });
  }
  return files.map((n) => join(casesDir, n));
}

/** Loads and validates a whole corpus; `dir` is kept as given in every file path (relative stays relative). */
export async function loadCorpus(dir: string): Promise<Corpus> {
  const issues = IssueList.create(fixedLocator({ file: dir, line: 1, column: 1 }));
  const modelFile = join(dir, 'model.yaml');
  const modelRead = await readCorpusFile(modelFile, 'corpus model', issues);
  const model = modelRead === undefined ? undefined : readCorpusModel(modelRead.reader, modelRead.value, modelFile);
  if (model === undefined) throw new InputError(issues.issues, { hint: HINT });

  const cases: CorpusCase[] = [];
  for (const file of await listCaseFiles(dir)) {
    const caseRead = await readCorpusFile(file, 'corpus case', issues);
    if (caseRead === undefined) continue;
    const read = readCase(caseRead.reader, caseRead.value, file, basename(file, extname(file)), model);
    if (read !== undefined) cases.push(read);
  }
  if (issues.count > 0) throw new InputError(issues.issues, { hint: HINT });
  return { dir, model, cases };
}
