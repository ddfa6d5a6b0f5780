/**
 * A small glob for policy file patterns (Node 20 has no fs.glob): `*` and `?` within one path segment, `[abc]`
 * classes, `{a,b}` alternatives and `**` for any number of directories. Like shells, wildcards do not match a
 * leading dot. Results are absolute file paths, sorted.
 *
 * Patterns come from suites, so from pull requests: a walk can be confined (`within`: directories outside are
 * neither listed nor entered, symlinked directories are never followed) and is bounded (`maxEntries` directory
 * entries, MAX_BRACE_ALTERNATIVES alternatives); over a bound it throws a GlobLimitError.
 */
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';

const GLOB_CHARS = /[*?[{]/;

/** `{a,b}{c,d}…` doubles per group: more alternatives than this are refused. */
export const MAX_BRACE_ALTERNATIVES = 256;
/** Directory entries one pattern may look at (a `**` over a large tree). */
export const MAX_GLOB_ENTRIES = 100_000;

export class GlobLimitError extends Error {}

export interface GlobOptions {
  /** Whether a directory (its real path) may be listed; outside directories are skipped. */
  within?: (realDirectory: string) => boolean;
  /** Directory entries the walk may look at (default MAX_GLOB_ENTRIES). */
  maxEntries?: number;
}

/** The directory a pattern's walk starts from: its longest leading part without wildcards (absolute). */
export function globBase(pattern: string, baseDir: string): string {
  const absolute = path.resolve(baseDir, pattern);
  const root = path.parse(absolute).root;
  const segments = absolute.slice(root.length).split(path.sep).filter((s) => s !== '');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isGlobPattern(segment)) break;
    fixed.push(segment);
  }
  return path.join(root, ...fixed);
}

export function isGlobPattern(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Expands `{a,b}` alternatives (not nested). */
export function expandBraces(pattern: string): string[] {
  let result = [pattern];
  for (;;) {
    const next: string[] = [];
    let expanded = false;
    for (const item of result) {
      const match = /\{([^{}]*)\}/.exec(item);
      if (!match) {
        next.push(item);
        continue;
      }
      expanded = true;
      const before = item.slice(0, match.index);
      const after = item.slice(match.index + match[0].length);
      for (const choice of (match[1] ?? '').split(',')) next.push(`${before}${choice}${after}`);
      if (next.length > MAX_BRACE_ALTERNATIVES) {
        throw new GlobLimitError(`its {a,b} alternatives expand to more than ${MAX_BRACE_ALTERNATIVES} patterns`);
      }
    }
    result = next;
    if (!expanded) return result;
  }
}

/** The regular expression for one path segment of a glob. */
export function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i += 1) {
    const char = segment[i] ?? '';
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        const body = segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  const noLeadingDot = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${noLeadingDot}${source}$`);
}

/** Files matching `pattern`, relative to `baseDir` unless absolute. */
export async function expandGlob(pattern: string, baseDir: string, options: GlobOptions = {}): Promise<string[]> {
  const found = new Set<string>();
  const walker = new Walker(found, options);
  for (const alternative of expandBraces(pattern)) {
    const absolute = path.resolve(baseDir, alternative);
    const root = path.parse(absolute).root;
    const segments = absolute.slice(root.length).split(path.sep).filter((s) => s !== '');
    await walker.walk(root, segments);
  }
  return [...found].sort();
}

class Walker {
  private entries = 0;
  /** `**` reaches a directory by several paths (`a/**` then `**` again): each (directory, rest) pair is walked once. */
  private readonly visited = new Set<string>();

  constructor(
    private readonly found: Set<string>,
    private readonly options: GlobOptions,
  ) {}

  async walk(dir: string, segments: string[]): Promise<void> {
    const [segment, ...rest] = segments;
    if (segment === undefined) return;
    const key = `${dir}\0${segments.join('/')}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    if (segment === '**') {
      await this.walk(dir, rest);
      for (const entry of await this.list(dir)) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) await this.walk(path.join(dir, entry.name), segments);
      }
      return;
    }
    if (!isGlobPattern(segment)) {
      const next = path.join(dir, segment);
      if (rest.length === 0) {
        const entries = await this.list(dir);
        if (entries.some((e) => e.name === segment && !e.isDirectory())) this.found.add(next);
      } else {
        await this.walk(next, rest);
      }
      return;
    }
    const regex = segmentPattern(segment);
    for (const entry of await this.list(dir)) {
      if (!regex.test(entry.name)) continue;
      const next = path.join(dir, entry.name);
      if (rest.length === 0) {
        if (!entry.isDirectory()) this.found.add(next);
      } else if (entry.isDirectory()) {
        await this.walk(next, rest);
      }
    }
  }

  /** The entries of a directory inside the confinement, counted against the bound. */
  private async list(dir: string) {
    const within = this.options.within;
    if (within) {
      const real = await realDirectory(dir);
      if (real === undefined || !within(real)) return [];
    }
    const entries = await listDir(dir);
    this.entries += entries.length;
    const max = this.options.maxEntries ?? MAX_GLOB_ENTRIES;
    if (this.entries > max) throw new GlobLimitError(`it looks at more than ${max.toLocaleString('en-US')} directory entries`);
    return entries;
  }
}

async function realDirectory(dir: string): Promise<string | undefined> {
  try {
    return await realpath(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'ELOOP') return undefined;
    throw error;
  }
}

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A missing or unreadable directory simply matches nothing; the caller reports a pattern that matched nothing.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
    throw error;
  }
}
