/**
 * Calls every reporter's hooks, isolating a throwing reporter from the others (after Playwright's multiplexer):
 * a reporter that throws (or whose onEnd rejects) is recorded and the others still run, so a failed JUnit write
 * does not cost the console summary. The failures are returned as data for the CLI to report.
 */
import type { CellResult, RunResult, SuiteResult } from '../results/index.js';
import { describeError } from '../util/index.js';
import type { Reporter, ReporterHook, RunInfo, StepInfo } from './reporter.js';

export interface NamedReporter {
  /** `console`, `junit`, ...: how messages name it. */
  name: string;
  reporter: Reporter;
}

export interface ReporterFailure {
  reporter: string;
  hook: ReporterHook;
  /** What was thrown (a ReportWriteError for a failed write). */
  error: unknown;
  /** The error's message. */
  message: string;
  /** How many times this reporter failed in this hook (onCell may fail once per cell); `error` is the first. */
  occurrences: number;
}

/** `the junit reporter failed in onEnd: the junit report could not be written to ...` */
export function describeReporterFailure(failure: ReporterFailure): string {
  const times = failure.occurrences > 1 ? ` (${failure.occurrences} times)` : '';
  return `the ${failure.reporter} reporter failed in ${failure.hook}${times}: ${failure.message}`;
}

export class MultiplexReporter implements Reporter {
  private readonly reporters: readonly NamedReporter[];
  private readonly recorded: ReporterFailure[] = [];

  constructor(reporters: readonly NamedReporter[]) {
    this.reporters = [...reporters];
  }

  /** Every failure so far, in the order they happened (one entry per reporter and hook). */
  failures(): ReporterFailure[] {
    return this.recorded.map((failure) => ({ ...failure }));
  }

  onBegin(info: RunInfo): void {
    this.callEach('onBegin', (reporter) => reporter.onBegin?.(info));
  }

  onStepBegin(suite: string, step: StepInfo): void {
    this.callEach('onStepBegin', (reporter) => reporter.onStepBegin?.(suite, step));
  }

  onCell(suite: string, cell: CellResult): void {
    this.callEach('onCell', (reporter) => reporter.onCell?.(suite, cell));
  }

  onSuiteEnd(suite: SuiteResult): void {
    this.callEach('onSuiteEnd', (reporter) => reporter.onSuiteEnd?.(suite));
  }

  /** Runs every reporter's onEnd in order, each to completion; never rejects. Then read failures(). */
  async onEnd(run: RunResult): Promise<void> {
    for (const { name, reporter } of this.reporters) {
      try {
        await reporter.onEnd(run);
      } catch (error) {
        this.record(name, 'onEnd', error);
      }
    }
  }

  private callEach(hook: ReporterHook, call: (reporter: Reporter) => unknown): void {
    for (const { name, reporter } of this.reporters) {
      try {
        const result = call(reporter);
        // A progress hook is synchronous; one that returns a promise anyway must not reject unobserved.
        if (result instanceof Promise) result.catch((error: unknown) => this.record(name, hook, error));
      } catch (error) {
        this.record(name, hook, error);
      }
    }
  }

  private record(reporter: string, hook: ReporterHook, error: unknown): void {
    const existing = this.recorded.find((failure) => failure.reporter === reporter && failure.hook === hook);
    if (existing) existing.occurrences += 1;
    else this.recorded.push({ reporter, hook, error, message: describeError(error), occurrences: 1 });
  }
}
