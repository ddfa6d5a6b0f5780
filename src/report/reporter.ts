/**
 * The Reporter interface, after Playwright's: every hook but `onEnd` is optional, so a reporter implements only
 * what it needs. Engines call the hooks through a MultiplexReporter (multiplex-reporter.ts), which isolates a
 * throwing reporter from the others. Reporters never print to process.stdout themselves: the CLI hands them a
 * stream or a file path (create-reporter.ts).
 */
import type { CellResult, RunCommand, RunResult, SuiteResult } from '../results/index.js';

/** What is known when a run begins. */
export interface RunInfo {
  command: RunCommand;
  /** Live runs: the run id every created object is labelled with. */
  runId?: string;
  /** Names of the suites about to run, in order. */
  suites: string[];
}

/** A stage of a suite: stage 0 is the suite's top-level policies and assertions, then each `steps` entry. */
export interface StepInfo {
  index: number;
  name: string;
}

export interface Reporter {
  /** The run is about to start. */
  onBegin?(info: RunInfo): void;
  /** A suite's step is about to be applied and probed (live progress). */
  onStepBegin?(suite: string, step: StepInfo): void;
  /** One cell has its final status (live progress). */
  onCell?(suite: string, cell: CellResult): void;
  /** A suite finished, with all its cells, matrices and errors. */
  onSuiteEnd?(suite: SuiteResult): void;
  /** The run finished (also when setup failed): the complete result. Writes the report. */
  onEnd(run: RunResult): Promise<void> | void;
}

export type ReporterHook = 'onBegin' | 'onStepBegin' | 'onCell' | 'onSuiteEnd' | 'onEnd';
