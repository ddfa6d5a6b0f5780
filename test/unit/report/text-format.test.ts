import { expect } from 'chai';
import { formatDuration, formatSeconds } from '../../../src/report/format-duration.js';
import { wrapText } from '../../../src/report/wrap-text.js';

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
