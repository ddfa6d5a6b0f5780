/**
 * The console reporter: the summary of format-console-report.ts at the end and, with `progress`, one line per step
 * and per finished cell while a live run goes (passed cells only when verbose).
 */
import { Writable } from 'node:stream';
import type { CellResult, RunResult } from '../results/index.js';
import { describeError } from '../util/index.js';
import { createPalette, type Palette } from './ansi-palette.js';
import { describeCell, describeVerdicts } from './describe-cell.js';
import { formatConsoleReport, STATUS_MARKS, type ConsoleFormatOptions } from './format-console-report.js';
import { ReportWriteError } from './report-write-error.js';
import type { Reporter, RunInfo, StepInfo } from './reporter.js';
import { writeReportOutput, type ReportTarget } from './write-report-output.js';

export interface ConsoleReporterOptions extends ConsoleFormatOptions {
  /** Progress lines while the run goes (live runs on a terminal); only on a stream, never with `quiet`. */
  progress: boolean;
}

export class ConsoleReporter implements Reporter {
  private readonly target: ReportTarget;
  private readonly options: ConsoleReporterOptions;
  private readonly palette: Palette;
  private progressError: unknown;

  constructor(target: ReportTarget, options: ConsoleReporterOptions) {
    const toFile = target.file !== undefined;
    this.target = target;
    this.options = { ...options, color: options.color && !toFile, progress: options.progress && !toFile && !options.quiet };
    this.palette = createPalette(this.options.color);
  }

  onBegin(info: RunInfo): void {
    const runId = info.runId === undefined ? '' : ` (run id ${info.runId})`;
    const count = `${info.suites.length} ${info.suites.length === 1 ? 'suite' : 'suites'}`;
    this.writeProgress(`${info.command}${runId}: ${count}`);
  }

  onStepBegin(suite: string, step: StepInfo): void {
    this.writeProgress(this.palette.dim(`${suite}: step ${step.index} ${step.name}`));
  }

  onCell(_suite: string, cell: CellResult): void {
    if ((cell.status === 'passed' || cell.status === 'skipped') && !this.options.verbose) return;
    const mark = STATUS_MARKS[cell.status];
    switch (cell.status) {
      case 'passed':
        this.writeProgress(`  ${this.palette.green(mark)} ${describeCell(cell)}`);
        return;
      case 'skipped':
        this.writeProgress(this.palette.dim(`  ${mark} ${describeCell(cell)} (skipped${cell.message ? `: ${cell.message}` : ''})`));
        return;
      default:
        this.writeProgress(`  ${this.palette.red(mark)} ${describeCell(cell)}${this.palette.dim(` (${describeVerdicts(cell)})`)}`);
    }
  }

  async onEnd(run: RunResult): Promise<void> {
    const separator = this.options.progress ? '\n' : '';
    await writeReportOutput(this.target, separator + formatConsoleReport(run, this.options), 'console');
    if (this.progressError !== undefined) {
      throw new ReportWriteError(`the console progress could not be written: ${describeError(this.progressError)}`, 'a stream', {
        hint: 'check that the output stream stayed open during the run',
        cause: this.progressError,
      });
    }
  }

  /** Progress is best effort: a failed write is remembered and reported at the end, not thrown mid-run. */
  private writeProgress(line: string): void {
    const stream = this.target.stream;
    if (!this.options.progress || stream === undefined) return;
    const remember = (error: unknown): void => {
      if (this.progressError === undefined) this.progressError = error;
    };
    try {
      if (stream instanceof Writable) {
        stream.write(`${line}\n`, (error) => {
          if (error) remember(error);
        });
      } else stream.write(`${line}\n`);
    } catch (error) {
      remember(error);
    }
  }
}
