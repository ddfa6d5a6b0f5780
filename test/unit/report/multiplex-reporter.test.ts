import { expect } from 'chai';
import type { CellResult, RunResult, SuiteResult } from '../../../src/results/results.js';
import { describeReporterFailure, MultiplexReporter, ReportWriteError, type Reporter, type RunInfo } from '../../../src/report/index.js';
import { liveRun } from './fixtures.js';

/** Records every hook call, so a test can see which reporters were reached. */
class RecordingReporter implements Reporter {
  calls: string[] = [];
  onBegin(info: RunInfo): void {
    this.calls.push(`begin ${info.command}`);
  }
  onStepBegin(suite: string, step: { index: number }): void {
    this.calls.push(`step ${suite} ${step.index}`);
  }
  onCell(suite: string, cell: CellResult): void {
    this.calls.push(`cell ${suite} ${cell.cellId}`);
  }
  onSuiteEnd(suite: SuiteResult): void {
    this.calls.push(`suite ${suite.name}`);
  }
  async onEnd(run: RunResult): Promise<void> {
    await Promise.resolve();
    this.calls.push(`end ${run.command}`);
  }
}

function drive(multiplexer: MultiplexReporter, run: RunResult): Promise<void> {
  multiplexer.onBegin({ command: run.command, runId: run.runId, suites: run.suites.map((s) => s.name) });
  for (const suite of run.suites) {
    multiplexer.onStepBegin(suite.name, { index: 0, name: 'initial' });
    for (const cell of suite.cells) multiplexer.onCell(suite.name, cell);
    multiplexer.onSuiteEnd(suite);
  }
  return multiplexer.onEnd(run);
}

describe('MultiplexReporter', () => {
  it('calls every hook of every reporter, in order', async () => {
    const first = new RecordingReporter();
    const second = new RecordingReporter();
    const run = liveRun();
    const multiplexer = new MultiplexReporter([
      { name: 'first', reporter: first },
      { name: 'second', reporter: second },
    ]);
    await drive(multiplexer, run);
    expect(first.calls).to.deep.equal(second.calls);
    expect(first.calls[0]).to.equal('begin run');
    expect(first.calls.at(-1)).to.equal('end run');
    expect(first.calls.filter((c) => c.startsWith('cell '))).to.have.length(run.suites[0]!.cells.length);
    expect(multiplexer.failures()).to.deep.equal([]);
  });

  it('accepts reporters that implement only onEnd', async () => {
    let ended = false;
    const multiplexer = new MultiplexReporter([{ name: 'minimal', reporter: { onEnd: () => void (ended = true) } }]);
    await drive(multiplexer, liveRun());
    expect(ended).to.equal(true);
    expect(multiplexer.failures()).to.deep.equal([]);
  });

  it('isolates a reporter that throws in every hook: the others get every call, the failures come back as data', async () => {
    const boom = (hook: string) => (): never => {
      throw new Error(`${hook} exploded`);
    };
    const broken: Reporter = {
      onBegin: boom('onBegin'),
      onStepBegin: boom('onStepBegin'),
      onCell: boom('onCell'),
      onSuiteEnd: boom('onSuiteEnd'),
      onEnd: boom('onEnd'),
    };
    const before = new RecordingReporter();
    const after = new RecordingReporter();
    const reference = new RecordingReporter();
    const run = liveRun();
    const multiplexer = new MultiplexReporter([
      { name: 'before', reporter: before },
      { name: 'broken', reporter: broken },
      { name: 'after', reporter: after },
    ]);
    await drive(multiplexer, run);
    await drive(new MultiplexReporter([{ name: 'reference', reporter: reference }]), run);
    expect(before.calls).to.deep.equal(reference.calls);
    expect(after.calls).to.deep.equal(reference.calls);

    const failures = multiplexer.failures();
    expect(failures.map((f) => [f.reporter, f.hook, f.occurrences])).to.deep.equal([
      ['broken', 'onBegin', 1],
      ['broken', 'onStepBegin', 1],
      ['broken', 'onCell', run.suites[0]!.cells.length],
      ['broken', 'onSuiteEnd', 1],
      ['broken', 'onEnd', 1],
    ]);
    expect(failures[2]!.message).to.equal('onCell exploded');
    expect(describeReporterFailure(failures[2]!)).to.equal(
      `the broken reporter failed in onCell (${run.suites[0]!.cells.length} times): onCell exploded`,
    );
  });

  it('isolates a rejecting onEnd and keeps the thrown error for the CLI', async () => {
    const writeError = new ReportWriteError('the junit report could not be written to /ro/junit.xml: EACCES', '/ro/junit.xml');
    const after = new RecordingReporter();
    const multiplexer = new MultiplexReporter([
      { name: 'junit', reporter: { onEnd: () => Promise.reject(writeError) } },
      { name: 'after', reporter: after },
    ]);
    await multiplexer.onEnd(liveRun());
    expect(after.calls).to.deep.equal(['end run']);
    const [failure] = multiplexer.failures();
    expect(failure?.error).to.equal(writeError);
    expect(failure?.hook).to.equal('onEnd');
    expect(describeReporterFailure(failure!)).to.equal(
      'the junit reporter failed in onEnd: the junit report could not be written to /ro/junit.xml: EACCES',
    );
  });

  it('records a non-Error throw with its text', async () => {
    const multiplexer = new MultiplexReporter([
      {
        name: 'odd',
        reporter: {
          onEnd: () => {
            throw 'a string';
          },
        },
      },
    ]);
    await multiplexer.onEnd(liveRun());
    expect(multiplexer.failures()[0]?.message).to.equal('a string');
  });

  it('returns copies, so a caller cannot change what was recorded', async () => {
    const multiplexer = new MultiplexReporter([{ name: 'x', reporter: { onEnd: () => Promise.reject(new Error('no')) } }]);
    await multiplexer.onEnd(liveRun());
    multiplexer.failures()[0]!.occurrences = 99;
    expect(multiplexer.failures()[0]!.occurrences).to.equal(1);
  });
});
