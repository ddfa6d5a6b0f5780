/**
 * A small glob for policy file patterns (Node 20 has no fs.glob): `*` and `?` within one path segment, `[abc]`
 * classes, `{a,b}` alternatives and `**` for any number of directories. Like shells, wildcards do not match a
 * leading dot. Results are absolute file paths, sorted.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const GLOB_CHARS = /[*?[{]/;

export function isGlobPattern(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Expands `{a,b}` alternatives (not nested). */
export function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  const before = pattern.slice(0, match.index);
  const after = pattern.slice(match.index + match[0].length);
  return (match[1] ?? '').split(',').flatMap((choice) => expandBraces(`${before}${choice}${after}`));
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
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const found = new Set<string>();
  for (const alternative of expandBraces(pattern)) {
    const absolute = path.resolve(baseDir, alternative);
    const root = path.parse(absolute).root;
    const segments = absolute.slice(root.length).split(path.sep).filter((s) => s !== '');
    await walk(root, segments, found);
  }
  return [...found].sort();
}

async function walk(dir: string, segments: string[], found: Set<string>): Promise<void> {
  const [segment, ...rest] = segments;
  if (segment === undefined) return;
  if (segment === '**') {
    await walk(dir, rest, found);
    for (const entry of await listDir(dir)) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(path.join(dir, entry.name), segments, found);
    }
    return;
  }
  if (!isGlobPattern(segment)) {
    const next = path.join(dir, segment);
    if (rest.length === 0) {
      const entries = await listDir(dir);
      if (entries.some((e) => e.name === segment && !e.isDirectory())) found.add(next);
    } else {
      await walk(next, rest, found);
    }
    return;
  }
  const regex = segmentPattern(segment);
  for (const entry of await listDir(dir)) {
    if (!regex.test(entry.name)) continue;
    const next = path.join(dir, entry.name);
    if (rest.length === 0) {
      if (!entry.isDirectory()) found.add(next);
    } else if (entry.isDirectory()) {
      await walk(next, rest, found);
    }
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
