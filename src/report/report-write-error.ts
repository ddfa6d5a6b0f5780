import { NetpolError, type ErrorOptions } from '../util/index.js';

/**
 * A report could not be written (the path is a directory or not writable, the disk is full, the stream closed).
 * Coded INPUT: the destination is what the user passed. The results themselves are intact and reach the user
 * through the other reporters; the multiplexer returns this error as data rather than letting it stop them.
 */
export class ReportWriteError extends NetpolError {
  /** Where the report was going: a file path, or `a stream`. */
  readonly destination: string;

  constructor(message: string, destination: string, options: ErrorOptions = {}) {
    super('INPUT', message, options);
    this.destination = destination;
  }
}
