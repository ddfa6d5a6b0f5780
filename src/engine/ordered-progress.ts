/**
 * Progress of units that run at the same time (suites, groups of corpus cases), delivered as if they had run one
 * after another: the events of the first unfinished unit pass straight through; a later unit's events wait in
 * its buffer until every unit before it has ended. So the console shows each suite's steps and cells together,
 * in input order, and `RunResult.suites` keeps the input order too.
 */
import type { CellResult, SuiteResult } from '../results/index.js';

/** What a unit reports; `suiteEnd` also puts the suite into the run's result. */
export interface ProgressSink {
  stepBegin(suite: string, step: { index: number; name: string }): void;
  cell(suite: string, cell: CellResult): void;
  suiteEnd(suite: SuiteResult): void;
}

type Event = { kind: 'step'; suite: string; step: { index: number; name: string } } | { kind: 'cell'; suite: string; cell: CellResult } | { kind: 'end'; suite: SuiteResult };

export interface UnitProgress extends ProgressSink {
  /** This unit will report nothing more (also when it failed or never ran). */
  end(): void;
}

export class OrderedProgress {
  private readonly buffers: Event[][];
  private readonly ended: boolean[];
  private head = 0;

  constructor(
    private readonly sink: ProgressSink,
    count: number,
  ) {
    this.buffers = Array.from({ length: count }, () => []);
    this.ended = Array.from({ length: count }, () => false);
  }

  unit(index: number): UnitProgress {
    const push = (event: Event): void => {
      if (this.ended[index]) throw new Error(`internal error: unit ${index} reported after it ended`);
      if (index === this.head) this.deliver(event);
      else this.buffers[index]?.push(event);
    };
    return {
      stepBegin: (suite, step) => push({ kind: 'step', suite, step }),
      cell: (suite, cell) => push({ kind: 'cell', suite, cell }),
      suiteEnd: (suite) => push({ kind: 'end', suite }),
      end: () => {
        if (this.ended[index]) return;
        this.ended[index] = true;
        this.advance();
      },
    };
  }

  /** Delivers everything still buffered, in unit order (the run is over, e.g. after an interrupt). */
  flushAll(): void {
    for (let i = this.head; i < this.buffers.length; i += 1) this.drain(i);
    this.head = this.buffers.length;
  }

  private advance(): void {
    while (this.head < this.buffers.length && this.ended[this.head]) {
      this.head += 1;
      this.drain(this.head);
    }
  }

  private drain(index: number): void {
    const buffer = this.buffers[index];
    if (!buffer) return;
    for (const event of buffer.splice(0)) this.deliver(event);
  }

  private deliver(event: Event): void {
    if (event.kind === 'step') this.sink.stepBegin(event.suite, event.step);
    else if (event.kind === 'cell') this.sink.cell(event.suite, event.cell);
    else this.sink.suiteEnd(event.suite);
  }
}
