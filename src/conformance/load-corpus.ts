/**
 * Loads a conformance corpus directory: model.yaml plus cases/*.yaml. Every problem of every file is collected and
 * thrown as one InputError whose issues carry file:line:col and the field.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { describeError, InputError, type InputIssue } from '../util/errors.js';
import type { Corpus, CorpusCase } from './corpus-types.js';
import { readCase } from './read-case.js';
import { readCorpusModel } from './read-corpus-model.js';
import { ValueReader } from './value-reader.js';
import { parseYamlSource } from './yaml-source.js';

const HINT = 'fix the corpus file at the position shown (the format is described in the corpus README.md); nothing was evaluated';

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${describeError(error)})`;
    throw new InputError([{ message: `${what} ${file} ${problem}` }], {
      hint: 'point at a corpus directory that holds model.yaml and cases/*.yaml (e.g. test/fixtures/netpol-corpus)',
      cause: error,
    });
  }
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
  const issues: InputIssue[] = [];
  const modelFile = join(dir, 'model.yaml');
  const modelReader = new ValueReader(parseYamlSource(modelFile, await readText(modelFile, 'corpus model'), issues), issues);
  const model = modelReader.source.value === undefined ? undefined : readCorpusModel(modelReader);
  if (model === undefined) throw new InputError(issues, { hint: HINT });

  const cases: CorpusCase[] = [];
  for (const file of await listCaseFiles(dir)) {
    const reader = new ValueReader(parseYamlSource(file, await readText(file, 'corpus case'), issues), issues);
    if (reader.source.value === undefined) continue;
    const read = readCase(reader, basename(file, extname(file)), model);
    if (read !== undefined) cases.push(read);
  }
  if (issues.length > 0) throw new InputError(issues, { hint: HINT });
  return { dir, model, cases };
}
