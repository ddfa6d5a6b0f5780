import { expect } from 'chai';
import { escapeMarkdown, escapeMarkdownCell, formatMarkdownReport } from '../../../src/report/index.js';
import { conformanceRun, liveRun, staticVerifyRun } from './fixtures.js';

/** The cells of a Markdown table row, split on unescaped pipes. */
function splitRow(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < row.length - 1; i += 1) {
    const char = row[i]!;
    if (char === '\\') {
      cell += char + (row[i + 1] ?? '');
      i += 1;
    } else if (char === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

describe('Markdown report', () => {
  it('escapes characters that would start markup, and turns line breaks in cells into <br>', () => {
    expect(escapeMarkdown('a|b *c* _d_ `e` [f](g) <h> #i ~j~ $k$ \\l &m; +n')).to.equal(
      'a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h&gt; \\#i \\~j\\~ \\$k\\$ \\\\l &amp;m; \\+n',
    );
    expect(escapeMarkdownCell('one|two\nthree\r\nfour')).to.equal('one\\|two<br>three<br>four');
  });

  it('keeps a pipe or line break in a cell name inside its table cell', () => {
    const run = liveRun();
    run.suites[0]!.cells[1]!.name = 'frontend | legacy\n<script>alert(1)</script>';
    const markdown = formatMarkdownReport(run);
    const row = markdown.split('\n').find((line) => line.includes('legacy'))!;
    expect(row).to.include('frontend \\| legacy<br>&lt;script&gt;alert(1)&lt;/script&gt;');
    const header = markdown.split('\n').find((line) => line.startsWith('|  | Cell'))!;
    expect(splitRow(row)).to.have.length(splitRow(header).length);
  });

  it('leads with ✅ when the run passed and ❌ when it did not', () => {
    const passing = staticVerifyRun();
    passing.suites = [passing.suites[1]!];
    expect(formatMarkdownReport(passing).split('\n')[0]).to.equal('## ✅ netpol-e2e verify passed: 1 passed, 0 failed');
    expect(formatMarkdownReport(liveRun()).split('\n')[0]).to.equal(
      '## ❌ netpol-e2e run failed: 5 passed, 2 failed, 2 errors, 1 flaky, 1 skipped',
    );
  });

  it('shows the Observed column only when something was observed', () => {
    expect(formatMarkdownReport(staticVerifyRun())).not.to.include('Observed');
    expect(formatMarkdownReport(liveRun())).to.include('| Observed |');
  });

  it('bolds the mismatching cells of a matrix, and only those', () => {
    const rows = formatMarkdownReport(conformanceRun())
      .split('\n')
      .filter((line) => line.startsWith('| y/'));
    const bold = rows.flatMap(splitRow).filter((cell) => cell.startsWith('**'));
    expect(bold).to.deep.equal(['**X≠.**', '**X≠.**']);
  });

  it('collapses passed cells into a <details> section', () => {
    const markdown = formatMarkdownReport(liveRun());
    const details = markdown.slice(markdown.indexOf('<details>'), markdown.indexOf('</details>'));
    expect(details).to.include('<summary>5 passed cells</summary>');
    expect(details).to.include('prod/frontend resolves api.prod.svc.cluster.local: should resolve');
    expect(details).not.to.include('should be allowed | allow | timeout');
  });
});

describe('Markdown report size', () => {
  function bigRun(copies: number): ReturnType<typeof liveRun> {
    const run = liveRun();
    const suite = run.suites[0]!;
    suite.cells = Array.from({ length: copies }, (_, i) => suite.cells.map((cell) => ({ ...cell, cellId: `${cell.cellId}-${i}` }))).flat();
    return run;
  }

  it('drops passed cells first to stay within the limit, saying so', () => {
    const run = bigRun(50);
    const full = formatMarkdownReport(run, { maxBytes: Number.POSITIVE_INFINITY });
    expect(full).to.include('<summary>250 passed cells</summary>');
    const limit = Buffer.byteLength(full) - 1;
    const trimmed = formatMarkdownReport(run, { maxBytes: limit });
    expect(Buffer.byteLength(trimmed)).to.be.at.most(limit);
    expect(trimmed).not.to.include('passed cells</summary>');
    expect(trimmed).to.include('left out to keep this summary within GitHub');
    expect(trimmed.split('\n').filter((line) => line.startsWith('| ❌ failed'))).to.have.length(100);
  });

  it('then limits the failures per suite, counting what it left out', () => {
    const run = bigRun(50);
    const trimmed = formatMarkdownReport(run, { maxBytes: 20_000 });
    expect(Buffer.byteLength(trimmed)).to.be.at.most(20_000);
    const shown = trimmed.split('\n').filter((line) => /^\| (❌|⚠️|🔁) /u.test(line)).length;
    expect(shown).to.be.greaterThan(0);
    // 250 failing cells and one mismatching matrix; the matrix fits within any limit of at least 1.
    expect(trimmed).to.include(`… and ${250 - shown} more failing cells and matrices (left out for size)`);
  });

  it('leaves a normal run whole under the default limit', () => {
    expect(formatMarkdownReport(liveRun())).to.equal(formatMarkdownReport(liveRun(), { maxBytes: Number.POSITIVE_INFINITY }));
  });
});
