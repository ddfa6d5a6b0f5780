import { expect } from 'chai';
import { formatDuration, formatSeconds } from '../../../src/report/format-duration.js';
import { wrapText } from '../../../src/report/wrap-text.js';
import { buildMatrixGrid, describeMatrixVerdict } from '../../../src/report/matrix-grid.js';
import type { MatrixResult, MatrixSymbol } from '../../../src/results/results.js';

describe('report text helpers', () => {
  it('formats durations for people and seconds for JUnit', () => {
    expect([0, 999, 1000, 12_345, 59_949, 60_000, 95_420, 3_725_000].map(formatDuration)).to.deep.equal([
      '0ms',
      '999ms',
      '1.0s',
      '12.3s',
      '59.9s',
      '1m 00s',
      '1m 35s',
      '1h 02m',
    ]);
    expect(formatSeconds(2012)).to.equal('2.012');
    expect(formatSeconds(-5)).to.equal('0.000');
  });

  it('wraps at the width, indents continuations, keeps long words whole and its own line breaks', () => {
    expect(wrapText('aaa bbb ccc ddd', 10, '  ')).to.deep.equal(['  aaa bbb', '    ccc', '    ddd']);
    expect(wrapText('averyveryverylongword x', 10)).to.deep.equal(['averyveryverylongword', '  x']);
    expect(wrapText('one\ntwo', 80, '> ', '> ')).to.deep.equal(['> one', '> two']);
  });
});

describe('matrix grid', () => {
  const matrix = (observed: MatrixSymbol[][]): MatrixResult => ({
    assertionId: 'm',
    step: { index: 0, name: 'initial' },
    position: { file: 'suite.yaml', line: 3, column: 5 },
    port: 80,
    protocol: 'TCP',
    rows: ['a', 'b'],
    columns: ['a', 'b'],
    expected: [
      ['skip', 'allow'],
      ['deny', 'skip'],
    ],
    observed,
  });

  it('counts asserted cells nothing could judge apart from self-connections, and says so in the heading', () => {
    const judged = buildMatrixGrid(matrix([['skip', 'allow'], ['allow', 'skip']]));
    expect([judged.mismatches, judged.unjudged, describeMatrixVerdict(judged)]).to.deep.equal([1, 0, '1 mismatch']);
    const undecided = buildMatrixGrid(matrix([['skip', 'skip'], ['deny', 'skip']]));
    expect(undecided.cells[0]?.[1]?.text).to.equal('-');
    expect([undecided.mismatches, undecided.unjudged, describeMatrixVerdict(undecided)]).to.deep.equal([0, 1, 'as expected, 1 cell not judged']);
  });
});
