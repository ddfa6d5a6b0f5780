/**
 * The suite as it would be with the policy files of the base: the current suite file (fixture and assertions as
 * they are now) placed in a private mirror of the base's YAML files, then loaded by the ordinary suite loader, so
 * the base side is read and validated exactly like the current one. Policy entries that name a file (or a glob
 * that matches nothing) absent at the base are dropped: those policies are new.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { loadSuite } from '../suite/index.js';
import { expandGlob, isGlobPattern } from '../suite/index.js';
import type { Suite } from '../suite/index.js';
import { InputError, type InputIssue } from '../util/index.js';
import type { BaseSource } from './base-source.js';

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Repository-relative directories the base must provide for `suite`: its own and those of its policy files. */
function directoriesOf(suite: Suite, root: string): string[] {
  const dirs = new Set<string>([toPosix(path.relative(root, path.dirname(suite.file)))]);
  for (const step of suite.steps) for (const p of step.apply) dirs.add(toPosix(path.relative(root, path.dirname(path.resolve(p.source.file)))));
  for (const dir of dirs) {
    if (dir.startsWith('..') || path.isAbsolute(dir)) {
      throw new InputError([{ message: `suite ${suite.displayFile}: ${dir} is outside the repository (${root}); diff compares files inside it` }]);
    }
  }
  return [...dirs];
}

async function dropAbsentEntries(text: string, suiteDir: string): Promise<string> {
  const document = parseDocument(text);
  const lists: YAMLSeq[] = [];
  const policies = isMap(document.contents) ? document.contents.get('policies', true) : undefined;
  if (isSeq(policies)) lists.push(policies);
  const steps = isMap(document.contents) ? document.contents.get('steps', true) : undefined;
  if (isSeq(steps)) {
    for (const step of steps.items) {
      const apply = isMap(step) ? step.get('apply', true) : undefined;
      if (isSeq(apply)) lists.push(apply);
    }
  }
  let changed = false;
  for (const list of lists) {
    const kept = [];
    for (const item of list.items) {
      if (isScalar(item) && typeof item.value === 'string') {
        const pattern = item.value;
        const present = isGlobPattern(pattern)
          ? (await expandGlob(pattern, suiteDir)).length > 0
          : await readFile(path.resolve(suiteDir, pattern)).then(
              () => true,
              () => false,
            );
        if (!present) {
          changed = true;
          continue;
        }
      }
      kept.push(item);
    }
    list.items = kept;
  }
  return changed ? document.toString() : text;
}

/** Loads `suite` with the base's policy files. The mirror directory is removed before returning. */
export async function loadBaseSuite(suite: Suite, base: BaseSource): Promise<Suite> {
  const mirror = await mkdtemp(path.join(tmpdir(), 'netpol-e2e-base-'));
  try {
    // The mirror stands for the repository: marked as one, the suite's files are confined to it as they are now.
    await mkdir(path.join(mirror, '.git'));
    const files = await base.listFiles(directoriesOf(suite, base.root));
    const contents = await base.readFiles(files);
    for (const [file, text] of contents) {
      const target = path.join(mirror, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text, 'utf8');
    }
    const suiteRel = path.relative(base.root, suite.file);
    const mirrored = path.join(mirror, suiteRel);
    await mkdir(path.dirname(mirrored), { recursive: true });
    await writeFile(mirrored, await dropAbsentEntries(await readFile(suite.file, 'utf8'), path.dirname(mirrored)), 'utf8');
    try {
      return await loadSuite(mirrored);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const at = (file: string): string => `${base.label}:${toPosix(path.relative(mirror, file))}`;
      const issues: InputIssue[] = error.issues.map((issue) => ({
        ...issue,
        message: issue.message.split(mirror + path.sep).join(`${base.label}:`),
        ...(issue.position ? { position: { ...issue.position, file: issue.position.file.startsWith(mirror) ? at(issue.position.file) : issue.position.file } } : {}),
      }));
      throw new InputError(issues, { hint: `the policy files of ${suite.displayFile} at ${base.label} do not load; a diff needs both sides valid`, cause: error });
    }
  } finally {
    await rm(mirror, { recursive: true, force: true });
  }
}
