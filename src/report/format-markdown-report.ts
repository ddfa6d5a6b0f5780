/**
 * The Markdown report, for GitHub's job summary ($GITHUB_STEP_SUMMARY) and PR comments: a headline with the
 * result and counts, run errors, per suite its errors, a table of the cells that did not pass (expected, observed,
 * model, why, where), its matrices with mismatching cells in bold, and collapsed sections with the passed and
 * skipped cells. All text from the run is escaped.
 */
import {
  countSuite,
  type MatrixAggregate,
  runPassed,
  type CellResult,
  type MatrixResult,
  type RunError,
  type RunResult,
  type SuiteResult,
} from '../results/index.js';
import { describeAggregateVerdict, formatAggregateLines } from './aggregate-matrix.js';
import { describeCell, describeLocation, describeObservation, isProblem } from './describe-cell.js';
import { escapeMarkdown, escapeMarkdownCell } from './escape-markdown.js';
import { explainCell } from './explain-cell.js';
import { describeCounts, describeCrossNode, describeRunCounts } from './describe-counts.js';
import { formatDuration } from './format-duration.js';
import { relocateRun, type ReportPaths } from './report-paths.js';
import { formatCoverageMarkdown } from './format-coverage.js';
import { buildMatrixGrid, describeMatrix, describeMatrixLegend, describeMatrixVerdict } from './matrix-grid.js';

/** GitHub rejects a job summary over 1 MiB; stay under it with room for other steps' output. */
export const MARKDOWN_MAX_BYTES = 1_000_000;

export interface MarkdownFormatOptions {
  /** Size limit in UTF-8 bytes; detail is dropped (passed cells first, then excess failures) to stay within it. */
  maxBytes?: number;
  /** How suite paths become repository-relative; without it they are only normalised. */
  paths?: ReportPaths;
}

/**
 * How much a suite section shows: everything; only what did not pass; or at most `limit` failing cells and
 * mismatching matrices per suite.
 */
type Detail = { level: 'full' } | { level: 'problems' } | { level: 'limited'; limit: number };

export function formatMarkdownReport(input: RunResult, options: MarkdownFormatOptions = {}): string {
  const run = relocateRun(input, options.paths);
  const maxBytes = options.maxBytes ?? MARKDOWN_MAX_BYTES;
  const details: Detail[] = [{ level: 'full' }, { level: 'problems' }];
  for (let limit = 256; limit >= 1; limit = Math.floor(limit / 2)) details.push({ level: 'limited', limit });
  details.push({ level: 'limited', limit: 0 });
  let text = '';
  for (const detail of details) {
    text = renderMarkdown(run, detail);
    if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  }
  return text;
}

function renderMarkdown(run: RunResult, detail: Detail): string {
  const observed = run.suites.some((suite) => suite.cells.some((cell) => cell.observed !== undefined));
  const blocks: string[] = [formatHeadline(run), formatRunFacts(run)];
  if (run.errors.length > 0) blocks.push(`### Run errors\n\n${formatErrors(run.errors)}`);
  for (const suite of run.suites) blocks.push(formatSuite(run, suite, observed, detail));
  if (run.coverage !== undefined) blocks.push(formatCoverageMarkdown(run.coverage).trimEnd());
  if (detail.level !== 'full') {
    blocks.push('_Some detail was left out to keep this summary within GitHub\'s size limit; the JSON and JUnit reports have all of it._');
  }
  const environment = formatEnvironment(run.environment);
  if (environment !== undefined) blocks.push(environment);
  return `${blocks.join('\n\n')}\n`;
}

function formatHeadline(run: RunResult): string {
  const passed = runPassed(run);
  const title = `${escapeMarkdown(run.tool.name)} ${run.command} ${passed ? 'passed' : 'failed'}`;
  return `## ${passed ? '✅' : '❌'} ${title}: ${describeRunCounts(run)}`;
}

function formatRunFacts(run: RunResult): string {
  const facts = [
    `${run.suites.length} ${run.suites.length === 1 ? 'suite' : 'suites'}`,
    `${formatDuration(run.durationMs)}`,
    `started ${escapeMarkdown(run.startedAt)}`,
  ];
  if (run.runId !== undefined) facts.push(`run id ${escapeMarkdown(run.runId)}`);
  const crossNode = describeCrossNode(run);
  if (crossNode !== undefined) facts.push(crossNode);
  facts.push(`${escapeMarkdown(run.tool.name)} ${escapeMarkdown(run.tool.version)}`);
  return facts.join(' · ');
}

function formatErrors(errors: readonly RunError[]): string {
  return errors
    .map((error) => {
      const hint = error.hint === undefined ? '' : `<br>hint: ${escapeMarkdownCell(error.hint)}`;
      return `- ❌ **${escapeMarkdown(error.code)}**: ${escapeMarkdownCell(error.message)}${hint}`;
    })
    .join('\n');
}

const STATUS_ICONS = { passed: '✅', failed: '❌', error: '⚠️', flaky: '🔁', skipped: '⏭️' } as const;

function formatSuite(run: RunResult, suite: SuiteResult, observed: boolean, detail: Detail): string {
  const counts = countSuite(suite);
  const ok = counts.failed + counts.errors + counts.flaky === 0 && suite.errors.length === 0;
  const parts = [
    `### ${ok ? '✅' : '❌'} ${escapeMarkdown(suite.name)}`,
    `${escapeMarkdown(suite.file)} · ${describeCounts(counts, suite.errors.length, 'suite')} · ${formatDuration(suite.durationMs)}`,
  ];
  if (suite.errors.length > 0) parts.push(formatErrors(suite.errors));
  const limit = detail.level === 'limited' ? detail.limit : Number.POSITIVE_INFINITY;
  const problems = suite.cells.filter(isProblem);
  if (problems.length > 0 && limit > 0) parts.push(formatProblemTable(suite, problems.slice(0, limit), observed));
  const mismatching = suite.matrices.filter((matrix) => matrixMismatches(matrix) > 0);
  for (const matrix of mismatching.slice(0, limit)) parts.push(formatMatrix(run, suite, matrix));
  const leftOut = Math.max(0, problems.length - limit) + Math.max(0, mismatching.length - limit);
  if (leftOut > 0) parts.push(`… and ${leftOut} more failing ${leftOut === 1 ? 'cell or matrix' : 'cells and matrices'} (left out for size)`);
  if (detail.level !== 'full') return parts.join('\n\n');
  const passedCells = suite.cells.filter((cell) => cell.status === 'passed');
  const matching = suite.matrices.filter((matrix) => matrixMismatches(matrix) === 0);
  if (passedCells.length > 0 || matching.length > 0) parts.push(formatPassed(run, suite, passedCells, matching, observed));
  const skipped = suite.cells.filter((cell) => cell.status === 'skipped');
  if (skipped.length > 0) parts.push(formatSkipped(suite, skipped));
  return parts.join('\n\n');
}

function formatRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function formatTable(header: string[], rows: string[][], align?: string[]): string {
  const delimiter = align ?? header.map(() => '---');
  return [formatRow(header), formatRow(delimiter), ...rows.map(formatRow)].join('\n');
}

function describeObservedCell(cell: CellResult): string {
  return cell.observed ? escapeMarkdownCell(describeObservation(cell.observed)) : '—';
}

function formatProblemTable(suite: SuiteResult, cells: readonly CellResult[], observed: boolean): string {
  const header = ['', 'Cell', 'Expected', ...(observed ? ['Observed'] : []), 'Model', 'Why', 'Where'];
  const rows = cells.map((cell) => {
    const why = explainCell(cell)
      .filter((detail) => detail.kind !== 'verdicts')
      .map((detail) => detail.text)
      .join('\n');
    return [
      `${STATUS_ICONS[cell.status]} ${cell.status}`,
      escapeMarkdownCell(describeCell(cell)),
      escapeMarkdownCell(cell.expected),
      ...(observed ? [describeObservedCell(cell)] : []),
      cell.model ? escapeMarkdownCell(cell.model.verdict) : '—',
      why === '' ? '—' : escapeMarkdownCell(why),
      escapeMarkdownCell(describeLocation(suite, cell)),
    ];
  });
  return formatTable(header, rows);
}

function matrixMismatches(matrix: MatrixResult): number {
  if (!matrix.aggregate) return buildMatrixGrid(matrix).mismatches;
  const { counts } = matrix.aggregate;
  return counts.failed + counts.errors + counts.flaky;
}

/** A matrix at scale: no grid; its counts, the first mismatches with explanations, then how many more. */
function formatAggregate(run: RunResult, suite: SuiteResult, matrix: MatrixResult, aggregate: MatrixAggregate): string {
  const title = `**${escapeMarkdown(describeMatrix(matrix))}**: ${describeAggregateVerdict(aggregate)} (${escapeMarkdown(`${suite.file}:${matrix.position.line}`)})`;
  const lines = formatAggregateLines(matrix, aggregate, run.command);
  if (lines.length === 0) return title;
  // a fenced block shows the lines as they are; a fence longer than any backtick run in them cannot be closed early
  const fence = '`'.repeat(Math.max(3, ...lines.map((line) => (line.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length + 1), 0))));
  return `${title}\n\n${fence}text\n${lines.join('\n')}\n${fence}`;
}

function formatMatrix(run: RunResult, suite: SuiteResult, matrix: MatrixResult): string {
  if (matrix.aggregate) return formatAggregate(run, suite, matrix, matrix.aggregate);
  const grid = buildMatrixGrid(matrix);
  const verdict = describeMatrixVerdict(grid);
  const title = `**${escapeMarkdown(describeMatrix(matrix))}**: ${verdict} (${escapeMarkdown(`${suite.file}:${matrix.position.line}`)})`;
  const header = [escapeMarkdownCell('from \\ to'), ...grid.columns.map(escapeMarkdownCell)];
  const rows = grid.rows.map((row, r) => [
    escapeMarkdownCell(row),
    ...grid.columns.map((_, c) => {
      const cell = grid.cells[r]?.[c] ?? { text: '', mismatch: false };
      const text = escapeMarkdownCell(cell.text);
      return cell.mismatch ? `**${text}**` : text;
    }),
  ]);
  const align = ['---', ...grid.columns.map(() => ':-:')];
  return `${title}\n\n${formatTable(header, rows, align)}\n\n${escapeMarkdown(describeMatrixLegend(run.command))}`;
}

function formatPassed(
  run: RunResult,
  suite: SuiteResult,
  cells: readonly CellResult[],
  matrices: readonly MatrixResult[],
  observed: boolean,
): string {
  const summary = [
    ...(cells.length > 0 ? [`${cells.length} passed ${cells.length === 1 ? 'cell' : 'cells'}`] : []),
    ...(matrices.length > 0 ? [`${matrices.length} matching ${matrices.length === 1 ? 'matrix' : 'matrices'}`] : []),
  ].join(', ');
  const parts: string[] = [];
  if (cells.length > 0) {
    const header = ['Cell', 'Expected', ...(observed ? ['Observed'] : []), 'Model', 'Where'];
    const rows = cells.map((cell) => [
      escapeMarkdownCell(describeCell(cell)),
      escapeMarkdownCell(cell.expected),
      ...(observed ? [describeObservedCell(cell)] : []),
      cell.model ? escapeMarkdownCell(cell.model.verdict) : '—',
      escapeMarkdownCell(describeLocation(suite, cell)),
    ]);
    parts.push(formatTable(header, rows));
  }
  for (const matrix of matrices) parts.push(formatMatrix(run, suite, matrix));
  return `<details>\n<summary>${summary}</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}

function formatSkipped(suite: SuiteResult, cells: readonly CellResult[]): string {
  const rows = cells.map((cell) => [
    escapeMarkdownCell(describeCell(cell)),
    escapeMarkdownCell(cell.message ?? '—'),
    escapeMarkdownCell(describeLocation(suite, cell)),
  ]);
  const summary = `${cells.length} skipped ${cells.length === 1 ? 'cell' : 'cells'}`;
  return `<details>\n<summary>${summary}</summary>\n\n${formatTable(['Cell', 'Why', 'Where'], rows)}\n\n</details>`;
}

function formatEnvironment(environment: Record<string, string>): string | undefined {
  const keys = Object.keys(environment).sort();
  if (keys.length === 0) return undefined;
  const rows = keys.map((key) => [escapeMarkdownCell(key), escapeMarkdownCell(environment[key] ?? '')]);
  return `<details>\n<summary>Environment</summary>\n\n${formatTable(['Fact', 'Value'], rows)}\n\n</details>`;
}
