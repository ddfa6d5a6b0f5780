/**
 * `generate` on policy files: expands directories into their YAML files, loads the policies through the suite
 * package's loader (the same reading and validation as a suite's `policies:`), generates the suite and renders it
 * with policy paths relative to where the suite will be written.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../util/index.js';
import { loadPolicyFiles } from '../suite/index.js';
import type { LoadedPolicy } from '../suite/index.js';
import { generateSuite, type GeneratedSuite, type GenerateOptions } from './generate-suite.js';
import { policyKeyOf } from './infer-fixture.js';
import { renderSuite, type PolicyEntries } from './render-suite.js';

/** Files and directories as given; a directory contributes its *.yaml/*.yml files (recursively, sorted). */
export async function expandPolicyPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    const absolute = path.resolve(cwd, entry);
    let isDirectory = false;
    try {
      isDirectory = (await stat(absolute)).isDirectory();
    } catch {
      files.push(entry); // the loader says what is wrong with it
      continue;
    }
    if (!isDirectory) {
      files.push(entry);
      continue;
    }
    const found = (await yamlFilesUnder(absolute)).map((file) => path.relative(cwd, file) || file);
    if (found.length === 0) {
      throw new InputError([{ message: `directory "${entry}" holds no *.yaml or *.yml file` }], { hint: 'give the policy files or the directory that holds them' });
    }
    files.push(...found);
  }
  return files;
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const result: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) result.push(...(await yamlFilesUnder(full)));
    else if (/\.ya?ml$/i.test(entry.name)) result.push(full);
  }
  return result;
}

/**
 * Which policy entries the suite lists: each file whose policies can all be applied, by its path relative to the
 * suite's directory; the applicable policies of a file that also holds others (e.g. one in `default`) inline.
 */
export function policyEntries(all: readonly LoadedPolicy[], included: readonly LoadedPolicy[], cwd: string, suiteDir: string): PolicyEntries {
  const keep = new Set(included.map((p) => policyKeyOf(p.policy)));
  const byFile = new Map<string, LoadedPolicy[]>();
  for (const item of all) byFile.set(item.source.file, [...(byFile.get(item.source.file) ?? []), item]);
  const entries: PolicyEntries = { files: [], inline: [], shown: new Map() };
  for (const [file, items] of byFile) {
    const kept = items.filter((i) => keep.has(policyKeyOf(i.policy)));
    if (kept.length === 0) continue;
    if (kept.length === items.length) {
      const relative = path.relative(suiteDir, path.resolve(cwd, file)).split(path.sep).join('/');
      entries.files.push(relative);
      entries.shown.set(file, relative);
    } else entries.inline.push(...kept.map((i) => i.policy));
  }
  return entries;
}

export interface GeneratedText {
  suite: GeneratedSuite;
  text: string;
}

export async function generateFromFiles(paths: readonly string[], options: GenerateOptions & { cwd: string; suiteDir: string }): Promise<GeneratedText> {
  const files = await expandPolicyPaths(paths, options.cwd);
  const loaded = await loadPolicyFiles(files, options.cwd);
  if (loaded.length === 0) throw new InputError([{ message: `no NetworkPolicy in ${paths.join(' ')}` }]);
  const suite = generateSuite(loaded, options);
  const entries = policyEntries(loaded, suite.fixture.policies, options.cwd, options.suiteDir);
  return { suite, text: renderSuite(suite, entries, `from ${paths.join(' ')}`) };
}
