/**
 * The HTML report (`--html <file>`): one self-contained page a person opens from a CI artifact. No network, no
 * external asset: styles and the one small script are inline, and a Content-Security-Policy forbids every
 * fetch. Content: the result and counts, what failed first (run and suite errors, then every failed, error and
 * flaky cell with its explanation and suite file:line), then per suite its truth tables as coloured grids
 * (expected vs observed vs model in each cell, mismatches and flaky cells marked) and its cells, then the
 * enforcement canary's latency, the environment and the timings. A checkbox hides everything that passed
 * (works offline: it only toggles a class). All text from the run is escaped.
 */
import { formatCoverageHtml } from './format-coverage.js';
import {
  countCells,
  runPassed,
  type CellResult,
  type CellStatus,
  type MatrixResult,
  type MatrixSymbol,
  type RunError,
  type RunResult,
  type SuiteResult,
  type Timing,
} from '../results/index.js';
import { describeCell, describeObservation, describeStep, isProblem } from './describe-cell.js';
import { describeCounts, describeRunCounts } from './describe-counts.js';
import { explainCell } from './explain-cell.js';
import { formatDuration } from './format-duration.js';
import { MATRIX_SYMBOLS, matrixObservedWord } from './matrix-grid.js';
import { relocateRun, type ReportPaths } from './report-paths.js';
import { runErrorLocation } from './run-error-location.js';

export interface HtmlFormatOptions {
  /** How suite paths become repository-relative; without it they are only normalised. */
  paths?: ReportPaths;
}

const AMPERSAND = /&/g;
const HTML_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(AMPERSAND, '&amp;').replace(/[<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const STYLE = `
:root { color-scheme: light; --pass: #d7f5dd; --fail: #ffd6d6; --flaky: #ffe7b3; --error: #e8d9ff; --skip: #eeeeee;
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.facts, .muted { color: var(--muted); }
.banner { padding: 12px 16px; border-radius: 6px; margin: 12px 0; font-weight: 600; }
.banner.passed { background: var(--pass); } .banner.failed { background: var(--fail); }
.toolbar { position: sticky; top: 0; background: #fff; padding: 8px 0; border-bottom: 1px solid var(--line); z-index: 1; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.status { font-weight: 600; white-space: nowrap; }
tr.passed td.status { background: var(--pass); } tr.failed td.status { background: var(--fail); }
tr.flaky td.status { background: var(--flaky); } tr.error td.status { background: var(--error); }
tr.skipped td.status { background: var(--skip); }
.problem { border-left: 4px solid #cf222e; padding: 6px 12px; margin: 10px 0; background: #fff8f8; }
.problem.flaky { border-color: #bf8700; background: #fffbf0; } .problem.error { border-color: #8250df; background: #fbf8ff; }
.problem ul { margin: 4px 0; padding-left: 18px; }
.where { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
table.grid td, table.grid th { text-align: center; padding: 2px 4px; min-width: 58px; }
table.grid th.row { text-align: right; }
table.grid td.c { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; line-height: 1.2; }
td.c.match { background: var(--pass); } td.c.mismatch { background: var(--fail); outline: 2px solid #cf222e; outline-offset: -2px; }
td.c.flaky { background: var(--flaky); outline: 2px dashed #bf8700; outline-offset: -2px; } td.c.error { background: var(--error); }
td.c.none { background: var(--skip); color: var(--muted); }
td.c span { display: block; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid var(--line); }
body.only-problems .ok { display: none; }
`;

/** Toggles the class that hides what passed; also honours `#problems` in the address (a shareable view). */
const SCRIPT = `
(function () {
  var box = document.getElementById('only-problems');
  function apply() { document.body.classList.toggle('only-problems', box.checked); }
  if (location.hash === '#problems') box.checked = true;
  box.addEventListener('change', apply);
  apply();
})();
`;

export function formatHtmlReport(input: RunResult, options: HtmlFormatOptions = {}): string {
  const run = relocateRun(input, options.paths);
  const passed = runPassed(run);
  const title = `${run.tool.name} ${run.command} ${passed ? 'passed' : 'failed'}`;
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<div class="facts">${escapeHtml(describeFacts(run))}</div>`,
    `<div class="banner ${passed ? 'passed' : 'failed'}" id="summary">${passed ? '✓' : '✗'} ${escapeHtml(describeRunCounts(run))}</div>`,
    '<div class="toolbar"><label><input type="checkbox" id="only-problems"> show only failures, errors and flaky cells</label></div>',
    formatProblems(run),
    ...run.suites.map((suite) => formatSuite(run, suite)),
    run.coverage === undefined ? '' : formatCoverageHtml(run.coverage, escapeHtml),
    formatCanary(run),
    formatEnvironment(run),
    formatTimings(run),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the report is opened from an artifact, often offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body.filter((part) => part !== ''),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function describeFacts(run: RunResult): string {
  const facts = [
    `${run.suites.length} ${run.suites.length === 1 ? 'suite' : 'suites'}`,
    formatDuration(run.durationMs),
    `started ${run.startedAt}`,
  ];
  if (run.runId !== undefined) facts.push(`run id ${run.runId}`);
  facts.push(`${run.tool.name} ${run.tool.version}`);
  return facts.join(' · ');
}

function formatLocation(file: string, line: number | undefined): string {
  return `<span class="where">${escapeHtml(line === undefined ? file : `${file}:${line}`)}</span>`;
}

function formatError(error: RunError, where: string): string {
  const hint = error.hint === undefined ? '' : `<div>hint: ${escapeHtml(error.hint)}</div>`;
  return `<div class="problem error"><strong>${escapeHtml(error.code)}</strong>: ${escapeHtml(error.message)}${hint}${where === '' ? '' : `<div>${where}</div>`}</div>`;
}

function formatCellProblem(suite: SuiteResult, cell: CellResult): string {
  const details = explainCell(cell)
    .map((detail) => `<li class="${detail.kind}">${escapeHtml(detail.text)}</li>`)
    .join('');
  return [
    `<div class="problem ${cell.status}" data-status="${cell.status}">`,
    `<div><span class="status">${cell.status}</span> <strong>${escapeHtml(describeCell(cell))}</strong> ${formatLocation(suite.file, cell.position.line)}</div>`,
    details === '' ? '' : `<ul>${details}</ul>`,
    '</div>',
  ].join('');
}

/** Failures first: what stopped the run or a suite, then every cell that did not hold, across suites. */
function formatProblems(run: RunResult): string {
  const first = runErrorLocation(run);
  const parts: string[] = run.errors.map((error) => formatError(error, first ? formatLocation(first.file, first.fixtureLine) : ''));
  for (const suite of run.suites) {
    for (const error of suite.errors) parts.push(formatError(error, formatLocation(suite.file, suite.fixtureLine)));
    for (const cell of suite.cells) if (isProblem(cell)) parts.push(formatCellProblem(suite, cell));
  }
  if (parts.length === 0) return '<section id="problems"><h2>Failures</h2><p class="muted">None: every assertion held.</p></section>';
  return `<section id="problems"><h2>Failures (${parts.length})</h2>\n${parts.join('\n')}\n</section>`;
}

function suitePassed(suite: SuiteResult): boolean {
  return suite.errors.length === 0 && !suite.cells.some(isProblem);
}

function formatSuite(run: RunResult, suite: SuiteResult): string {
  const ok = suitePassed(suite);
  const counts = countCells(suite.cells);
  const parts = [
    `<section class="suite${ok ? ' ok' : ''}" data-suite="${escapeHtml(suite.name)}">`,
    `<h2>${ok ? '✓' : '✗'} ${escapeHtml(suite.name)}</h2>`,
    `<div class="facts">${formatLocation(suite.file, undefined)} · ${escapeHtml(describeCounts(counts, suite.errors.length, 'suite'))} · ${escapeHtml(formatDuration(suite.durationMs))}</div>`,
    ...suite.errors.map((error) => formatError(error, formatLocation(suite.file, suite.fixtureLine))),
    ...suite.matrices.map((matrix) => formatMatrix(run, suite, matrix)),
    formatCellTable(suite),
    '</section>',
  ];
  return parts.join('\n');
}

const SYMBOL_WORDS: Record<MatrixSymbol, string> = { allow: 'allowed', deny: 'denied', skip: 'not asserted', error: 'error', flaky: 'flaky' };

/** The cells of a suite that belong to one matrix, by `[row->column]`. */
function matrixCells(suite: SuiteResult, matrix: MatrixResult): Map<string, CellResult> {
  const cells = new Map<string, CellResult>();
  for (const cell of suite.cells) {
    if (cell.assertionId !== matrix.assertionId || cell.step.index !== matrix.step.index) continue;
    const match = /\[([^\]]*)->([^\]]*)\]$/.exec(cell.cellId);
    if (match) cells.set(`${match[1]}->${match[2]}`, cell);
  }
  return cells;
}

function modelSymbol(cell: CellResult | undefined): MatrixSymbol | undefined {
  const verdict = cell?.model?.verdict;
  if (verdict === 'allow' || verdict === 'deny') return verdict;
  return undefined;
}

/** One grid cell: expected, observed (live) and model, coloured by how observed compares to expected. */
function formatGridCell(command: RunResult['command'], expected: MatrixSymbol, observed: MatrixSymbol, model: MatrixSymbol | undefined): string {
  const gotWord = matrixObservedWord(command);
  if (expected === 'skip') return `<td class="c none" title="not asserted">-</td>`;
  const kind = observed === 'skip' ? 'none' : observed === 'flaky' ? 'flaky' : observed === 'error' ? 'error' : observed === expected ? 'match' : 'mismatch';
  const lines = [`<span>exp ${MATRIX_SYMBOLS[expected]}</span>`, `<span>${command === 'run' ? 'obs' : 'mod'} ${MATRIX_SYMBOLS[observed]}</span>`];
  const title = [`expected ${SYMBOL_WORDS[expected]}`, `${gotWord} ${observed === 'skip' ? 'not judged' : SYMBOL_WORDS[observed]}`];
  if (command === 'run' && model !== undefined) {
    lines.push(`<span>mod ${MATRIX_SYMBOLS[model]}</span>`);
    title.push(`model ${SYMBOL_WORDS[model]}`);
  }
  return `<td class="c ${kind}" data-kind="${kind}" title="${escapeHtml(title.join(', '))}">${lines.join('')}</td>`;
}

function formatMatrix(run: RunResult, suite: SuiteResult, matrix: MatrixResult): string {
  const cells = matrixCells(suite, matrix);
  let mismatches = 0;
  let flaky = 0;
  const rows = matrix.rows.map((row, r) => {
    const tds = matrix.columns.map((column, c) => {
      const expected = matrix.expected[r]?.[c] ?? 'skip';
      const observed = matrix.observed[r]?.[c] ?? 'skip';
      if (expected !== 'skip' && observed !== 'skip' && observed !== expected) {
        if (observed === 'flaky') flaky += 1;
        else mismatches += 1;
      }
      return formatGridCell(run.command, expected, observed, modelSymbol(cells.get(`${row}->${column}`)));
    });
    return `<tr><th class="row">${escapeHtml(row)}</th>${tds.join('')}</tr>`;
  });
  const ok = mismatches === 0 && flaky === 0;
  const step = matrix.step.index === 0 ? '' : ` [${describeStep(matrix.step)}]`;
  const verdict = ok ? 'as expected' : [mismatches > 0 ? `${mismatches} mismatching` : '', flaky > 0 ? `${flaky} flaky` : ''].filter(Boolean).join(', ');
  const header = `<tr><th>from \\ to</th>${matrix.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('')}</tr>`;
  return [
    `<div class="matrix${ok ? ' ok' : ''}">`,
    `<h3>matrix ${escapeHtml(matrix.assertionId)}, port ${escapeHtml(`${matrix.port}/${matrix.protocol}`)}${escapeHtml(step)}: ${escapeHtml(verdict)} ${formatLocation(suite.file, matrix.position.line)}</h3>`,
    `<table class="grid">${header}${rows.join('')}</table>`,
    '<div class="legend muted"><span style="background:var(--pass)">held</span><span style="background:var(--fail)">mismatch</span>' +
      '<span style="background:var(--flaky)">flaky</span><span style="background:var(--error)">error</span><span style="background:var(--skip)">not asserted or not judged</span>' +
      ` exp = expected, ${run.command === 'run' ? 'obs = observed, mod = model (the spec)' : 'mod = model (the spec)'}; . allowed, X denied</div>`,
    '</div>',
  ].join('\n');
}

function formatCellTable(suite: SuiteResult): string {
  if (suite.cells.length === 0) return '';
  const rows = suite.cells.map((cell) => {
    const ok = cell.status === 'passed' || cell.status === 'skipped';
    return [
      `<tr class="${cell.status}${ok ? ' ok' : ''}" data-status="${cell.status}">`,
      `<td class="status">${statusMark(cell.status)} ${cell.status}</td>`,
      `<td>${escapeHtml(describeCell(cell))}</td>`,
      `<td>${escapeHtml(cell.expected)}</td>`,
      `<td>${cell.observed ? escapeHtml(describeObservation(cell.observed)) : '—'}</td>`,
      `<td>${cell.model ? escapeHtml(cell.model.verdict) : '—'}</td>`,
      `<td>${escapeHtml(cell.message ?? '')}</td>`,
      `<td>${formatLocation(suite.file, cell.position.line)}</td>`,
      '</tr>',
    ].join('');
  });
  return `<table class="cells"><tr><th>status</th><th>cell</th><th>expected</th><th>observed</th><th>model</th><th>why</th><th>where</th></tr>\n${rows.join('\n')}\n</table>`;
}

function statusMark(status: CellStatus): string {
  return { passed: '✓', failed: '✗', error: '!', flaky: '~', skipped: '-' }[status];
}

/** The canary's measurement: how long the CNI took to enforce (and lift) a policy in this run. */
function formatCanary(run: RunResult): string {
  const entries = Object.entries(run.environment).filter(([key]) => key.includes('canary'));
  const timings = run.timings.filter((t) => t.name.includes('canary'));
  if (entries.length === 0 && timings.length === 0) return '';
  const rows = [
    ...entries.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`),
    ...timings.map((t) => `<tr><th>${escapeHtml(t.name)}</th><td>${escapeHtml(formatDuration(t.ms))}</td></tr>`),
  ];
  return `<section id="canary"><h2>Enforcement canary</h2><table>${rows.join('')}</table></section>`;
}

function formatEnvironment(run: RunResult): string {
  const keys = Object.keys(run.environment).sort();
  if (keys.length === 0) return '';
  const rows = keys.map((key) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(run.environment[key] ?? '')}</td></tr>`);
  return `<section id="environment"><h2>Environment</h2><table>${rows.join('')}</table></section>`;
}

function timingRows(scope: string, timings: readonly Timing[]): string[] {
  return timings.map((t) => `<tr><td>${escapeHtml(scope)}</td><td>${escapeHtml(t.name)}</td><td>${escapeHtml(formatDuration(t.ms))}</td></tr>`);
}

function formatTimings(run: RunResult): string {
  const rows = [
    `<tr><td>run</td><td>total</td><td>${escapeHtml(formatDuration(run.durationMs))}</td></tr>`,
    ...timingRows('run', run.timings),
    ...run.suites.flatMap((suite) => [
      `<tr><td>${escapeHtml(suite.name)}</td><td>total</td><td>${escapeHtml(formatDuration(suite.durationMs))}</td></tr>`,
      ...timingRows(suite.name, suite.timings),
    ]),
  ];
  return `<section id="timings"><h2>Timings</h2><table><tr><th>scope</th><th>phase</th><th>time</th></tr>${rows.join('')}</table></section>`;
}
