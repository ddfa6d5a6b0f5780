import type { ReportStream } from '../../../src/report/index.js';

/** A ReportStream that keeps what was written, as the CLI's injectable streams do. */
export class CollectStream implements ReportStream {
  chunks: string[] = [];

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }

  text(): string {
    return this.chunks.join('');
  }
}
