/** Coverage for people and tools: console lines, a Markdown section, JUnit properties. */
import { escapeMarkdown } from './escape-markdown.js';
import { COVERAGE_KINDS, type CoverageCounts, type CoverageReport, type SuiteCoverage } from '../results/index.js';

function describeCounts(counts: CoverageCounts): string {
  const parts = COVERAGE_KINDS.filter((k) => counts.byKind[k].total > 0).map((k) => `${k === 'policy' ? 'policies' : `${k}s`} ${counts.byKind[k].covered}/${counts.byKind[k].total}`);
  return `${counts.percent}% (${counts.covered}/${counts.total}: ${parts.join(', ') || 'no policies'})`;
}

/** Console: one line per suite with its uncovered items (all of them with `verbose`, else at most 10), then the total. */
export function formatCoverageConsole(report: CoverageReport, options: { verbose?: boolean } = {}): string {
  const lines = ['Rule coverage (policies, rules, peers and ports exercised by an asserted cell):'];
  for (const suite of report.suites) {
    lines.push(`  ${suite.suite}: ${describeCounts(suite.counts)}`);
    const missing = suite.items.filter((i) => !i.covered);
    const shown = options.verbose ? missing : missing.slice(0, 10);
    for (const item of shown) lines.push(`    not exercised: ${item.name}`);
    if (shown.length < missing.length) lines.push(`    … and ${missing.length - shown.length} more (-v lists them all)`);
  }
  lines.push(`  total: ${describeCounts(report.total)}`);
  return `${lines.join('\n')}\n`;
}

export function formatCoverageMarkdown(report: CoverageReport): string {
  const rows = report.suites.map((s: SuiteCoverage) => {
    const kinds = COVERAGE_KINDS.map((k) => `${s.counts.byKind[k].covered}/${s.counts.byKind[k].total}`);
    return `| ${escapeMarkdown(s.suite)} | ${s.counts.percent}% | ${kinds.join(' | ')} |`;
  });
  const t = report.total;
  const out = [
    '### Rule coverage',
    '',
    '| Suite | Coverage | Policies | Rules | Peers | Ports |',
    '|---|---|---|---|---|---|',
    ...rows,
    `| **total** | **${t.percent}%** | ${COVERAGE_KINDS.map((k) => `${t.byKind[k].covered}/${t.byKind[k].total}`).join(' | ')} |`,
  ];
  const missing = report.suites.flatMap((s) => s.items.filter((i) => !i.covered).map((i) => `- ${escapeMarkdown(s.suite)}: ${escapeMarkdown(i.name)}`));
  if (missing.length > 0) out.push('', `<details><summary>Not exercised by any assertion (${missing.length})</summary>`, '', ...missing, '', '</details>');
  return `${out.join('\n')}\n`;
}

/** JUnit `<property>` pairs for a suite's coverage (or the total without a suite name). */
export function coverageProperties(report: CoverageReport, suite?: string): [string, string][] {
  const counts = suite === undefined ? report.total : report.suites.find((s) => s.suite === suite)?.counts;
  if (counts === undefined) return [];
  const prefix = suite === undefined ? 'coverage.total' : `coverage.${suite}`;
  return [
    [`${prefix}.percent`, String(counts.percent)],
    ...COVERAGE_KINDS.map((k): [string, string] => [`${prefix}.${k === 'policy' ? 'policies' : `${k}s`}`, `${counts.byKind[k].covered}/${counts.byKind[k].total}`]),
  ];
}

/** The message when a run falls below --min-coverage; undefined when it does not. */
export function coverageShortfall(report: CoverageReport, minimum: number | undefined): string | undefined {
  if (minimum === undefined || report.total.percent >= minimum) return undefined;
  return `rule coverage ${report.total.percent}% is below --min-coverage ${minimum}%: add assertions that exercise the rules listed as not exercised`;
}

/** An HTML section for the HTML report; `escape` is the report's own HTML escaping. */
export function formatCoverageHtml(report: CoverageReport, escape: (text: string) => string): string {
  const cells = (counts: CoverageCounts): string =>
    COVERAGE_KINDS.map((k) => `<td>${counts.byKind[k].covered}/${counts.byKind[k].total}</td>`).join('');
  const rows = report.suites.map((s) => `<tr><td>${escape(s.suite)}</td><td>${s.counts.percent}%</td>${cells(s.counts)}</tr>`);
  rows.push(`<tr><th>total</th><th>${report.total.percent}%</th>${cells(report.total)}</tr>`);
  const missing = report.suites.flatMap((s) => s.items.filter((i) => !i.covered).map((i) => `<li>${escape(s.suite)}: ${escape(i.name)}</li>`));
  const list = missing.length === 0 ? '' : `<details><summary>Not exercised by any assertion (${missing.length})</summary><ul>${missing.join('')}</ul></details>`;
  return `<section id="coverage"><h2>Rule coverage</h2><table><tr><th>suite</th><th>coverage</th><th>policies</th><th>rules</th><th>peers</th><th>ports</th></tr>${rows.join('')}</table>${list}</section>`;
}
