import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { describeError } from '../util/index.js';
import { ReportWriteError } from './report-write-error.js';

/** The least a stream must do to receive a report; a Node Writable and the CLI's injectable streams both do. */
export interface ReportStream {
  write(chunk: string): boolean;
}

/**
 * Where a report goes: a file (parent directories are created; replaced, or appended to with `append`, as
 * $GITHUB_STEP_SUMMARY wants), or a stream the caller owns (e.g. the CLI's stdout), which is never ended.
 */
export type ReportTarget =
  | { file: string; append?: boolean; stream?: undefined }
  | { stream: ReportStream; file?: undefined; append?: undefined };

/** `reports/junit.xml`, or `its stream`: for messages. */
export function describeReportTarget(target: ReportTarget): string {
  return target.file ?? 'its stream';
}

/**
 * A report as text, or as chunks to stream (a report of millions of cells is never one string): chunks are
 * written in batches as they are produced.
 */
export type ReportText = string | Iterable<string>;

/** Chunks joined into batches of about `size` characters. */
function* batches(chunks: Iterable<string>, size = 1 << 16): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    batch.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield batch.join('');
      batch = [];
      length = 0;
    }
  }
  if (length > 0) yield batch.join('');
}

/** Writes a whole report to its target. Fails with a ReportWriteError that names the report and where it was going. */
export async function writeReportOutput(target: ReportTarget, text: ReportText, report: string): Promise<void> {
  if (typeof text !== 'string') {
    await writeReportChunks(target, text, report);
    return;
  }
  if (target.file !== undefined) {
    try {
      await mkdir(dirname(target.file), { recursive: true });
      await writeFile(target.file, text, { encoding: 'utf8', flag: target.append === true ? 'a' : 'w' });
    } catch (error) {
      throw new ReportWriteError(`the ${report} report could not be written to ${target.file}: ${describeError(error)}`, target.file, {
        hint: `pass a writable file path for the ${report} report (its directory is created when missing)`,
        cause: error,
      });
    }
    return;
  }
  try {
    if (target.stream instanceof Writable) await writeToWritable(target.stream, text);
    else target.stream.write(text);
  } catch (error) {
    throw new ReportWriteError(`the ${report} report could not be written to its stream: ${describeError(error)}`, 'a stream', {
      hint: 'check that the output stream stayed open (e.g. the reader of a pipe did not exit early)',
      cause: error,
    });
  }
}

async function writeReportChunks(target: ReportTarget, chunks: Iterable<string>, report: string): Promise<void> {
  if (target.file !== undefined) {
    try {
      await mkdir(dirname(target.file), { recursive: true });
      const handle = await open(target.file, target.append === true ? 'a' : 'w');
      try {
        for (const batch of batches(chunks)) await handle.write(batch, null, 'utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new ReportWriteError(`the ${report} report could not be written to ${target.file}: ${describeError(error)}`, target.file, {
        hint: `pass a writable file path for the ${report} report (its directory is created when missing)`,
        cause: error,
      });
    }
    return;
  }
  try {
    for (const batch of batches(chunks)) {
      if (target.stream instanceof Writable) await writeToWritable(target.stream, batch);
      else target.stream.write(batch);
    }
  } catch (error) {
    throw new ReportWriteError(`the ${report} report could not be written to its stream: ${describeError(error)}`, 'a stream', {
      hint: 'check that the output stream stayed open (e.g. the reader of a pipe did not exit early)',
      cause: error,
    });
  }
}

function writeToWritable(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(new Error('the stream is already closed'));
      return;
    }
    // A failed write also emits 'error' (after the callback); without a listener that event would crash the
    // process. The listener stays after a failure so it receives that event; the promise is already settled.
    const onError = (error: unknown): void => reject(error);
    stream.once('error', onError);
    stream.write(text, (error) => {
      if (error) {
        reject(error);
        return;
      }
      stream.removeListener('error', onError);
      resolve();
    });
  });
}
