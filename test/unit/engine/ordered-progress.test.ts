import { expect } from 'chai';
import { OrderedProgress, type ProgressSink } from '../../../src/engine/ordered-progress.js';
import type { CellResult, SuiteResult } from '../../../src/results/index.js';

function recorder(): ProgressSink & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    stepBegin: (suite, step) => seen.push(`${suite} step ${step.index}`),
    cell: (suite, cell) => seen.push(`${suite} cell ${cell.cellId}`),
    suiteEnd: (suite) => seen.push(`${suite.name} end`),
  };
}

const cell = (id: string): CellResult => ({ cellId: id } as CellResult);
const suite = (name: string): SuiteResult => ({ name } as SuiteResult);

describe('OrderedProgress', () => {
  it('passes the first unit through at once and holds later units until every earlier one ended', () => {
    const sink = recorder();
    const progress = new OrderedProgress(sink, 3);
    const [a, b, c] = [progress.unit(0), progress.unit(1), progress.unit(2)];
    b.stepBegin('b', { index: 0, name: 'step 0' });
    b.cell('b', cell('b1'));
    a.stepBegin('a', { index: 0, name: 'step 0' });
    c.suiteEnd(suite('c'));
    c.end();
    expect(sink.seen).to.deep.equal(['a step 0']);
    b.suiteEnd(suite('b'));
    b.end();
    expect(sink.seen).to.deep.equal(['a step 0']);
    a.cell('a', cell('a1'));
    a.suiteEnd(suite('a'));
    a.end();
    expect(sink.seen).to.deep.equal(['a step 0', 'a cell a1', 'a end', 'b step 0', 'b cell b1', 'b end', 'c end']);
  });

  it('a unit that becomes the head streams from then on', () => {
    const sink = recorder();
    const progress = new OrderedProgress(sink, 2);
    const [a, b] = [progress.unit(0), progress.unit(1)];
    b.stepBegin('b', { index: 0, name: 'step 0' });
    a.end();
    expect(sink.seen).to.deep.equal(['b step 0']);
    b.cell('b', cell('b1'));
    expect(sink.seen).to.deep.equal(['b step 0', 'b cell b1']);
  });

  it('flushAll delivers what is buffered in unit order (an interrupted run keeps the finished suites)', () => {
    const sink = recorder();
    const progress = new OrderedProgress(sink, 3);
    const [, b, c] = [progress.unit(0), progress.unit(1), progress.unit(2)];
    c.suiteEnd(suite('c'));
    b.suiteEnd(suite('b'));
    progress.flushAll();
    expect(sink.seen).to.deep.equal(['b end', 'c end']);
  });

  it('a unit reporting after it ended is a bug', () => {
    const progress = new OrderedProgress(recorder(), 1);
    const a = progress.unit(0);
    a.end();
    expect(() => a.cell('a', cell('x'))).to.throw(/after it ended/);
  });
});
