/**
 * The console summary of a run: per suite a header, its errors, every failed / error / flaky cell with expected vs
 * observed vs model and why, the truth tables of matrix assertions, skipped cells grouped by their reason (the first
 * few of each; verbose lists every one), and (verbose) one line per passed cell; then run errors and the totals. Plain text unless `color` is set; lines kept within 120 characters where the content
 * allows (names are never cut).
 */
import {
  countSuite,
  type MatrixAggregate,
  runPassed,
  type CellResult,
  type CellStatus,
  type MatrixResult,
  type RunError,
  type RunResult,
  type SuiteResult,
  type Timing,
} from '../results/index.js';
import { createPalette, type Palette } from './ansi-palette.js';
import { describeAggregateVerdict, formatAggregateLines } from './aggregate-matrix.js';
import { describeCell, describeLocation, isProblem } from './describe-cell.js';
import { explainCell, type CellDetailKind } from './explain-cell.js';
import { describeCounts, describeCrossNode, describeRunCounts } from './describe-counts.js';
import { formatDuration } from './format-duration.js';
import { formatTimeSplit } from './format-time-split.js';
import { buildMatrixGrid, describeMatrix, describeMatrixLegend, describeMatrixVerdict, findCellMatrix, formatMatrixLines } from './matrix-grid.js';
import { wrapText } from './wrap-text.js';
import { appendAll } from '../util/index.js';

export interface ConsoleFormatOptions {
  /** ANSI colors; only for a terminal, never for files or CI logs. */
  color: boolean;
  /** Also list every passed and skipped cell, matrices that matched completely, timings and the environment. */
  verbose: boolean;
  /** Only what needs attention: suites with problems, run errors and the totals (wins over `verbose`). */
  quiet: boolean;
}

const WIDTH = 120;
const CELL_INDENT = '  ';
const DETAIL_INDENT = '      ';
/** Without verbose, the skipped cells shown under each reason; the rest are counted. */
const SKIPPED_SHOWN = 3;

const DETAIL_STYLES: Record<CellDetailKind, (palette: Palette) => (text: string) => string> = {
  verdicts: () => (text) => text,
  diagnosis: (palette) => palette.yellow,
  message: () => (text) => text,
  attempts: () => (text) => text,
  detail: (palette) => palette.dim,
  spec: (palette) => palette.dim,
};

export const STATUS_MARKS: Record<CellStatus, string> = {
  passed: '✓',
  failed: '✗',
  error: '!',
  flaky: '~',
  skipped: '-',
};

/** The whole console summary, ending with a newline. */
export function formatConsoleReport(run: RunResult, options: ConsoleFormatOptions): string {
  const palette = createPalette(options.color);
  const verbose = options.verbose && !options.quiet;
  const lines: string[] = [];
  if (!options.quiet) lines.push(formatRunHeader(run));
  if (verbose) lines.push(...formatEnvironment(run.environment));
  for (const suite of run.suites) {
    if (options.quiet && !suiteNeedsAttention(suite)) continue;
    if (lines.length > 0) lines.push('');
    appendAll(lines, formatSuite(run, suite, { verbose, quiet: options.quiet }, palette));
  }
  if (run.errors.length > 0) {
    lines.push(...(lines.length > 0 ? [''] : []), palette.bold('Run errors'));
    for (const error of run.errors) lines.push(...formatRunError(error, palette));
  }
  const split = options.quiet ? [] : formatTimeSplit(run);
  if (split.length > 0) lines.push(...(lines.length > 0 ? [''] : []), ...split);
  lines.push(...(lines.length > 0 ? [''] : []), formatTotals(run, palette));
  const crossNode = describeCrossNode(run);
  if (crossNode !== undefined && !options.quiet) lines.push(crossNode);
  if (run.timings.length > 0 && !options.quiet) lines.push(...wrapText(`timings: ${formatTimings(run.timings)}`, WIDTH));
  return `${lines.join('\n')}\n`;
}

function formatRunHeader(run: RunResult): string {
  const parts = [`${run.tool.name} ${run.tool.version} ${run.command}`];
  if (run.runId !== undefined) parts.push(`run id ${run.runId}`);
  parts.push(`${run.suites.length} ${run.suites.length === 1 ? 'suite' : 'suites'}`);
  parts.push(`started ${run.startedAt}`);
  return parts.join(' · ');
}

function formatEnvironment(environment: Record<string, string>): string[] {
  return Object.keys(environment)
    .sort()
    .map((key) => `  ${key}: ${environment[key]}`);
}

function suiteNeedsAttention(suite: SuiteResult): boolean {
  const counts = countSuite(suite);
  return suite.errors.length > 0 || counts.failed + counts.errors + counts.flaky > 0;
}

function formatSuite(run: RunResult, suite: SuiteResult, show: { verbose: boolean; quiet: boolean }, palette: Palette): string[] {
  const { verbose } = show;
  const counts = countSuite(suite);
  const failed = suiteNeedsAttention(suite);
  const title = `${suite.name} (${suite.file})`;
  const lines = [
    `${failed ? palette.red(palette.bold(title)) : palette.bold(title)}: ${describeCounts(counts, suite.errors.length, 'suite')} in ${formatDuration(suite.durationMs)}`,
  ];
  for (const error of suite.errors) lines.push(...formatRunError(error, palette));

  const shownMatrices = new Set<MatrixResult>();
  for (const cell of suite.cells) {
    if (!isProblem(cell)) continue;
    appendAll(lines, formatProblemCell(suite, cell, palette));
    if (cell.expected === 'table') {
      const matrix = findCellMatrix(suite, cell);
      if (matrix) {
        shownMatrices.add(matrix);
        lines.push(...formatMatrix(run, suite, matrix, palette, DETAIL_INDENT));
      }
    }
  }
  for (const matrix of suite.matrices) {
    if (shownMatrices.has(matrix)) continue;
    if (matrix.aggregate) {
      appendAll(lines, formatAggregate(run, suite, matrix, matrix.aggregate, palette));
      continue;
    }
    const grid = buildMatrixGrid(matrix);
    // A suite's truth tables are always shown; a corpus has hundreds, so there only those with mismatches.
    const always = run.command !== 'conformance';
    if (grid.mismatches > 0 || verbose || always) lines.push(...formatMatrix(run, suite, matrix, palette, CELL_INDENT));
  }
  if (!verbose && !show.quiet) appendAll(lines, formatSkippedByReason(suite, palette));
  if (verbose) {
    for (const cell of suite.cells) {
      if (cell.status === 'passed' || cell.status === 'skipped') lines.push(formatCompactCell(suite, cell, palette));
    }
    if (suite.timings.length > 0) lines.push(...wrapText(`timings: ${formatTimings(suite.timings)}`, WIDTH, CELL_INDENT));
  }
  return lines;
}

function markCell(status: CellStatus, palette: Palette): string {
  const mark = STATUS_MARKS[status];
  switch (status) {
    case 'passed':
      return palette.green(mark);
    case 'failed':
    case 'error':
      return palette.red(mark);
    case 'flaky':
      return palette.yellow(mark);
    case 'skipped':
      return palette.dim(mark);
  }
}

function formatProblemCell(suite: SuiteResult, cell: CellResult, palette: Palette): string[] {
  const statusWord = cell.status === 'failed' ? '' : ` [${cell.status}]`;
  const lines = [
    `${CELL_INDENT}${markCell(cell.status, palette)} ${describeCell(cell)}${statusWord}  ${palette.dim(describeLocation(suite, cell))}`,
  ];
  for (const detail of explainCell(cell)) {
    const style = DETAIL_STYLES[detail.kind](palette);
    for (const line of wrapText(detail.text, WIDTH, DETAIL_INDENT)) {
      const text = line.trimStart();
      lines.push(line.slice(0, line.length - text.length) + style(text));
    }
  }
  return lines;
}

/** Skipped cells grouped by their reason, in the order met: the count, the reason, the first cells. */
function formatSkippedByReason(suite: SuiteResult, palette: Palette): string[] {
  const groups = new Map<string, CellResult[]>();
  for (const cell of suite.cells) {
    if (cell.status !== 'skipped') continue;
    const reason = (cell.message ?? 'no reason recorded').replace(/^skipped: /, '');
    const group = groups.get(reason);
    if (group) group.push(cell);
    else groups.set(reason, [cell]);
  }
  const lines: string[] = [];
  for (const [reason, cells] of groups) {
    const heading = wrapText(`${STATUS_MARKS.skipped} ${cells.length} skipped: ${reason}`, WIDTH, CELL_INDENT, `${CELL_INDENT}  `);
    heading[0] = (heading[0] ?? '').replace(STATUS_MARKS.skipped, markCell('skipped', palette));
    lines.push(...heading);
    for (const cell of cells.slice(0, SKIPPED_SHOWN)) lines.push(`${DETAIL_INDENT}${describeCell(cell)}  ${palette.dim(describeLocation(suite, cell))}`);
    const more = cells.length - SKIPPED_SHOWN;
    if (more > 0) lines.push(`${DETAIL_INDENT}${palette.dim(`… and ${more} more (--verbose lists every skipped cell)`)}`);
  }
  return lines;
}

function formatCompactCell(suite: SuiteResult, cell: CellResult, palette: Palette): string {
  const why = cell.status === 'skipped' && cell.message !== undefined ? ` (${cell.message})` : '';
  return `${CELL_INDENT}${markCell(cell.status, palette)} ${describeCell(cell)}${why}  ${palette.dim(describeLocation(suite, cell))}`;
}

function formatMatrix(run: RunResult, suite: SuiteResult, matrix: MatrixResult, palette: Palette, indent: string): string[] {
  const grid = buildMatrixGrid(matrix);
  const verdict = describeMatrixVerdict(grid);
  const title = `${indent}${describeMatrix(matrix)}: ${verdict}`;
  const location = `${suite.file}:${matrix.position.line}`;
  const heading =
    title.length + 2 + location.length <= WIDTH
      ? [`${title}  ${palette.dim(location)}`]
      : [title, `${indent}  ${palette.dim(location)}`];
  const table = formatMatrixLines(grid, (cell) => (cell.mismatch ? palette.red(palette.bold(cell.text)) : cell.text));
  return [
    ...heading,
    ...table.map((line) => `${indent}  ${line}`),
    `${indent}  ${palette.dim(describeMatrixLegend(run.command))}`,
  ];
}

/** A matrix at scale: its heading with counts, the first mismatches with their explanations, then counts. */
function formatAggregate(run: RunResult, suite: SuiteResult, matrix: MatrixResult, aggregate: MatrixAggregate, palette: Palette): string[] {
  const title = `${CELL_INDENT}${describeMatrix(matrix)}: ${describeAggregateVerdict(aggregate)}`;
  const lines = [`${title}  ${palette.dim(`${suite.file}:${matrix.position.line}`)}`];
  for (const line of formatAggregateLines(matrix, aggregate, run.command)) appendAll(lines, wrapText(line, WIDTH, DETAIL_INDENT));
  return lines;
}

function formatRunError(error: RunError, palette: Palette): string[] {
  const lines = wrapText(`✗ [${error.code}] ${error.message}`, WIDTH, CELL_INDENT);
  lines[0] = (lines[0] ?? '').replace('✗', palette.red('✗'));
  if (error.hint !== undefined) lines.push(...wrapText(`hint: ${error.hint}`, WIDTH, DETAIL_INDENT));
  return lines;
}

function formatTotals(run: RunResult, palette: Palette): string {
  const counts = describeRunCounts(run);
  const result = runPassed(run) ? palette.green(palette.bold('PASSED')) : palette.red(palette.bold('FAILED'));
  return `${result}: ${counts} in ${formatDuration(run.durationMs)}`;
}

function formatTimings(timings: readonly Timing[]): string {
  return timings.map((t) => `${t.name} ${formatDuration(t.ms)}`).join(', ');
}
