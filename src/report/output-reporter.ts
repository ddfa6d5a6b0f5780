import type { RunResult } from '../results/index.js';
import type { Reporter } from './reporter.js';
import { writeReportOutput, type ReportTarget, type ReportText } from './write-report-output.js';

/**
 * A reporter that renders the whole run once it ended and writes it to a file or stream: how the JUnit, JSON,
 * Markdown and GitHub-annotation reports work.
 */
export class OutputReporter implements Reporter {
  constructor(
    /** Which report this is, for messages: `junit`, `json`, ... */
    readonly report: string,
    private readonly format: (run: RunResult) => ReportText,
    private readonly target: ReportTarget,
  ) {}

  async onEnd(run: RunResult): Promise<void> {
    await writeReportOutput(this.target, this.format(run), this.report);
  }
}
