/**
 * Reads one input file (suite, policy file, corpus case) the way untrusted input must be read: only a regular
 * file is opened (a device, FIFO, socket or directory is refused from its stat, before any open), its size is
 * checked against a limit before reading and the read itself stops at the limit (files under /proc report size 0),
 * and the bytes must be UTF-8 text without NUL bytes. Failures are described without quoting the file's contents.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { describeError } from './errors.js';

/** Default limit on the size of one input file: far above any real suite or policy file (16 MiB). */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

export interface InputFileLimits {
  /** Largest file read, in bytes (default DEFAULT_MAX_FILE_SIZE). */
  maxFileSize?: number;
}

/** A file's text, or why it could not be read (`problem` follows the file name in a message). */
export type FileRead = { ok: true; text: string } | { ok: false; problem: string; cause: unknown };

/** `16 MiB`, `1.5 KiB`, `300 bytes`. */
export function formatByteSize(bytes: number): string {
  const units = [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const;
  for (const [unit, size] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/** What a non-regular file is, for messages: `a FIFO (named pipe)`, `a character device`, … */
export function describeFileType(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function tooBig(size: string, limit: number): string {
  return `is ${size}, over the limit of ${formatByteSize(limit)} for one input file; raise it with --max-file-size if the file is meant`;
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ENOTDIR') return 'does not exist (a part of its path is not a directory)';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'ELOOP') return 'cannot be read (too many levels of symbolic links)';
  return `cannot be read: ${describeError(error)}`;
}

/** Reads a regular text file within the size limit; never opens anything else and never reads past the limit. */
export async function readInputFile(absolutePath: string, limits: InputFileLimits = {}): Promise<FileRead> {
  const limit = limits.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  let info: Stats;
  try {
    info = await stat(absolutePath);
  } catch (error) {
    return { ok: false, problem: describeOpenError(error), cause: error };
  }
  if (!info.isFile()) {
    const what = describeFileType(info);
    return { ok: false, problem: `is ${what}, not a regular file; only regular files are read`, cause: undefined };
  }
  if (info.size > limit) return { ok: false, problem: tooBig(formatByteSize(info.size), limit), cause: undefined };
  let bytes: Buffer;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, the open does not wait for a writer.
    const handle = await open(absolutePath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    try {
      const opened = await handle.stat();
      if (!opened.isFile() || opened.ino !== info.ino || opened.dev !== info.dev) {
        return { ok: false, problem: 'changed while it was being opened; run again', cause: undefined };
      }
      const read = await readAtMost(handle, limit + 1);
      if (read.length > limit) return { ok: false, problem: tooBig(`larger than ${formatByteSize(limit)}`, limit), cause: undefined };
      bytes = read;
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { ok: false, problem: describeOpenError(error), cause: error };
  }
  return decodeText(bytes);
}

async function readAtMost(handle: import('node:fs/promises').FileHandle, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < max) {
    const buffer = Buffer.alloc(Math.min(64 * 1024, max - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/** UTF-8 text (a BOM is dropped), or a problem naming the line of the first bad byte; contents are never quoted. */
export function decodeText(bytes: Uint8Array): FileRead {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { ok: false, problem: `is a binary file, not YAML text (a NUL byte on line ${lineOfOffset(bytes, nul)})`, cause: undefined };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch (error) {
    const offset = firstInvalidUtf8(bytes);
    return { ok: false, problem: `is not UTF-8 text (an invalid byte on line ${lineOfOffset(bytes, offset)}); save it as UTF-8`, cause: error };
  }
}

function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (bytes[i] === 0x0a) line += 1;
  return line;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // Bisect on prefixes: a prefix that decodes in stream mode (an unfinished sequence at its end is kept for later)
  // holds no invalid byte yet.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (decodesSoFar(bytes.subarray(0, middle))) good = middle;
    else bad = middle;
  }
  return good;
}

function decodesSoFar(prefix: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(prefix, { stream: true });
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}
