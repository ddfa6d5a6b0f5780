/**
 * Where the "before" side of a diff comes from: a git ref (read from git objects with `git ls-tree` and
 * `git cat-file --batch`; nothing is checked out, the working tree is never touched) or a directory that mirrors
 * the repository (e.g. a second checkout of main). Both list and read files by path relative to a root.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { InputError } from '../util/index.js';

export interface BaseSource {
  /** How the base is named in reports: `main`, `origin/main (3f2c1ab)`, `dir ../main`. */
  readonly label: string;
  /** The directory relative paths are taken against for the current side (the repository's top level). */
  readonly root: string;
  /** Files (relative to root, `/`-separated) under these relative directories, recursively, at the base. */
  listFiles(dirs: readonly string[]): Promise<string[]>;
  /** The files' contents at the base (absent files are left out of the map). */
  readFiles(files: readonly string[]): Promise<Map<string, string>>;
}

const YAML_FILE = /\.ya?ml$/i;

async function git(cwd: string, args: string[], input?: string): Promise<{ exitCode: number | undefined; stdout: string; stderr: string; missing: boolean }> {
  const result = await execa('git', args, { cwd, reject: false, stripFinalNewline: false, ...(input !== undefined ? { input } : { stdin: 'ignore' as const }) });
  return {
    exitCode: result.exitCode,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    missing: (result as { code?: unknown }).code === 'ENOENT',
  };
}

/** A git ref of the repository that holds `cwd`. InputError when git, the repository or the ref is missing. */
export async function gitBase(ref: string, cwd: string): Promise<BaseSource> {
  if (ref.startsWith('-')) throw new InputError([{ message: `--base ${ref}: a git ref does not start with "-"` }]);
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.missing) throw new InputError([{ message: 'diff --base needs git, which is not installed' }], { hint: 'install git, or compare against a directory with --base-dir' });
  if (top.exitCode !== 0) {
    throw new InputError([{ message: `diff --base ${ref}: ${cwd} is not inside a git repository (${top.stderr.trim()})` }], { hint: 'run diff inside the repository, or use --base-dir <dir>' });
  }
  const root = top.stdout.trim();
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (commit.exitCode !== 0) {
    throw new InputError([{ message: `diff --base ${ref}: no such commit, branch or tag in ${root}` }], {
      hint: 'in CI, fetch the base branch first (e.g. actions/checkout with fetch-depth: 0, or git fetch origin main)',
    });
  }
  const sha = commit.stdout.trim();
  return {
    label: `${ref} (${sha.slice(0, 7)})`,
    root,
    async listFiles(dirs) {
      const listed = await git(root, ['ls-tree', '-r', '-z', '--name-only', sha, '--', ...dirs.map((d) => (d === '' ? '.' : d))]);
      if (listed.exitCode !== 0) throw new InputError([{ message: `git ls-tree ${ref} failed: ${listed.stderr.trim()}` }]);
      return listed.stdout.split('\0').filter((f) => f !== '' && YAML_FILE.test(f));
    },
    async readFiles(files) {
      const result = new Map<string, string>();
      if (files.length === 0) return result;
      // One `git cat-file --batch` for every file: "<sha> blob <size>\n<content>\n" per object.
      const batch = await execa('git', ['cat-file', '--batch'], { cwd: root, reject: false, input: files.map((f) => `${sha}:${f}`).join('\n') + '\n', encoding: 'buffer', stripFinalNewline: false });
      if (batch.exitCode !== 0) throw new InputError([{ message: `git cat-file on ${ref} failed: ${Buffer.from(batch.stderr as Uint8Array).toString().trim()}` }]);
      const out = Buffer.from(batch.stdout as Uint8Array);
      let offset = 0;
      for (const file of files) {
        const end = out.indexOf(10, offset);
        if (end < 0) break;
        const header = out.subarray(offset, end).toString();
        offset = end + 1;
        if (header.endsWith(' missing')) continue;
        const size = Number(header.split(' ')[2]);
        result.set(file, out.subarray(offset, offset + size).toString('utf8'));
        offset += size + 1;
      }
      return result;
    },
  };
}

/** A directory laid out like the repository (relative paths are taken against `root`, usually the cwd). */
export async function directoryBase(dir: string, root: string): Promise<BaseSource> {
  const absolute = path.resolve(root, dir);
  try {
    if (!(await stat(absolute)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new InputError([{ message: `--base-dir ${dir}: not a directory` }], { hint: 'give a directory laid out like this repository (e.g. a checkout of the base branch)' });
  }
  const walk = async (rel: string): Promise<string[]> => {
    let entries;
    try {
      entries = await readdir(path.join(absolute, rel), { withFileTypes: true });
    } catch {
      return [];
    }
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) files.push(...(await walk(child)));
      else if (YAML_FILE.test(entry.name)) files.push(child);
    }
    return files;
  };
  return {
    label: `directory ${dir}`,
    root,
    async listFiles(dirs) {
      const all = new Set<string>();
      for (const d of dirs) for (const f of await walk(d)) all.add(f);
      return [...all].sort();
    },
    async readFiles(files) {
      const result = new Map<string, string>();
      for (const file of files) {
        try {
          result.set(file, await readFile(path.join(absolute, file), 'utf8'));
        } catch {
          // absent at the base: the policy is new
        }
      }
      return result;
    },
  };
}
