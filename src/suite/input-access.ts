/**
 * What a suite may read. Suites arrive in pull requests, so every file a suite names (policy files, globs) must
 * lie inside its root after following symlinks: the git repository the suite is in (the nearest directory above
 * it with a `.git`), or the suite's own directory outside a repository. The user widens it on the command line
 * (`--root <dir>`), never the suite. Every file is also read as untrusted input (regular files only, a size limit:
 * src/util/read-input-file.ts).
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE } from '../util/index.js';

/** How the caller (the CLI's --root and --max-file-size) widens or narrows what suites may read. */
export interface SuiteInputOptions {
  /** More directories the files a suite names may lie in. */
  roots?: readonly string[];
  /** Largest file read, in bytes (default 16 MiB). */
  maxFileSize?: number;
}

export interface InputAccess {
  /** Real paths of the directories files may be read from; the first is the suite's own root. */
  roots: readonly string[];
  /** `the git repository /src/app` or `the suite's directory /tmp/x`, for messages. */
  description: string;
  maxFileSize: number;
}

/** The access of one suite file: its repository (or directory), plus the roots the user added. */
export async function inputAccessFor(suiteFile: string, options: SuiteInputOptions = {}): Promise<InputAccess> {
  return inputAccessForDirectory(path.dirname(path.resolve(suiteFile)), options);
}

/** The access of files named relative to `dir` (its repository or itself), plus the roots the user added. */
export async function inputAccessForDirectory(dir: string, options: SuiteInputOptions = {}): Promise<InputAccess> {
  const directory = await realpathOr(path.resolve(dir));
  const repository = await gitTopLevel(directory);
  const own = repository ?? directory;
  const extra = await Promise.all((options.roots ?? []).map((root) => realpathOr(path.resolve(root))));
  const added = extra.length > 0 ? ` or the --root director${extra.length === 1 ? 'y' : 'ies'} ${extra.join(', ')}` : '';
  return {
    roots: [own, ...extra],
    description: `${repository ? `the git repository ${own}` : `the directory ${own}`}${added}`,
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
  };
}

/** True when `real` (a real path) is `root` or lies below it. */
export function isInside(real: string, root: string): boolean {
  const relative = path.relative(root, real);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export function isInsideAny(real: string, access: InputAccess): boolean {
  return access.roots.some((root) => isInside(real, root));
}

/** Where a path leads after symlinks, or why it leads nowhere. */
export type Resolved = { ok: true; real: string } | { ok: false; problem: string };

/**
 * Follows `absolute` through its symlinks and checks that it ends inside the roots. The problem text follows the
 * name of the file in a message.
 */
export async function resolveInside(absolute: string, access: InputAccess): Promise<Resolved> {
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { ok: false, problem: (await isSymlink(absolute)) ? 'is a broken symbolic link (its target does not exist)' : 'does not exist' };
    }
    if (code === 'ELOOP') return { ok: false, problem: 'cannot be read (a loop of symbolic links)' };
    if (code === 'EACCES') return { ok: false, problem: 'cannot be read (permission denied)' };
    return { ok: false, problem: `cannot be read (${code ?? String(error)})` };
  }
  if (!isInsideAny(real, access)) {
    const via = real === absolute ? '' : ` (it resolves to ${real})`;
    return {
      ok: false,
      problem: `lies outside ${access.description}${via}; a suite may only name files inside it. If the file is meant, widen the root on the command line with --root <dir>`,
    };
  }
  return { ok: true, real };
}

async function isSymlink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** The nearest directory at or above `directory` holding `.git` (a directory, or a file in a worktree). */
async function gitTopLevel(directory: string): Promise<string | undefined> {
  for (let current = directory; ; ) {
    try {
      await lstat(path.join(current, '.git'));
      return current;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES') throw error;
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

async function realpathOr(absolute: string): Promise<string> {
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return absolute;
    throw error;
  }
}
