/**
 * GitHub Actions workflow commands that annotate the suite file at the failing assertion's line:
 * `::error file=<file>,line=<line>,title=<title>::<message>`, one per failed, error and flaky cell, plus one per
 * error that stopped a suite (at the suite's `fixture:` line) or the run (run-error-location.ts). Paths are
 * repository-relative (report-paths.ts). The CLI prints them when GITHUB_ACTIONS=true.
 * Escaping as the Actions toolkit does: in the message %, \r, \n; in properties also : and ,.
 * GitHub shows at most 10 error annotations per step, so by default the first 10 are written (run and suite
 * errors first) and a final notice says how many more there were.
 */
import type { RunError, RunResult } from '../results/index.js';
import { describeCell, isProblem } from './describe-cell.js';
import { explainCell } from './explain-cell.js';
import { relocateRun, type ReportPaths } from './report-paths.js';
import { runErrorLocation } from './run-error-location.js';

export function escapeAnnotationData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeAnnotationProperty(text: string): string {
  return escapeAnnotationData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function formatAnnotation(properties: [string, string | number][], message: string): string {
  const props = properties.map(([name, value]) => `${name}=${escapeAnnotationProperty(String(value))}`).join(',');
  return `::error${props === '' ? '' : ` ${props}`}::${escapeAnnotationData(message)}`;
}

function describeRunError(error: RunError): string {
  return error.hint === undefined ? error.message : `${error.message}\nhint: ${error.hint}`;
}

/** GitHub's limit of error annotations per step. */
export const GITHUB_ANNOTATIONS_PER_STEP = 10;

export interface GithubAnnotationOptions {
  /** How many error annotations to write at most (default GITHUB_ANNOTATIONS_PER_STEP). */
  max?: number;
  /** How suite paths become repository-relative (GitHub annotates only those); without it only normalised. */
  paths?: ReportPaths;
}

export function formatGithubAnnotations(run: RunResult, options: GithubAnnotationOptions = {}): string[] {
  const max = options.max ?? GITHUB_ANNOTATIONS_PER_STEP;
  const all = formatAllAnnotations(relocateRun(run, options.paths));
  if (all.length <= max) return all;
  const more = all.length - max;
  return [
    ...all.slice(0, max),
    `::notice title=${escapeAnnotationProperty(`${more} more ${more === 1 ? 'failure' : 'failures'} not annotated`)}::${escapeAnnotationData(
      `GitHub shows at most ${GITHUB_ANNOTATIONS_PER_STEP} error annotations per step; the job summary, JUnit and JSON reports list all ${all.length}.`,
    )}`,
  ];
}

function fixtureLine(line: number | undefined): [string, number][] {
  return line === undefined ? [] : [['line', line]];
}

function formatAllAnnotations(run: RunResult): string[] {
  // Errors that stopped the run: at a suite's fixture, as in the JUnit report.
  const first = runErrorLocation(run);
  const runLocation: [string, string | number][] = first === undefined ? [] : [['file', first.file], ...fixtureLine(first.fixtureLine)];
  const lines = run.errors.map((error) =>
    formatAnnotation([...runLocation, ['title', `${run.tool.name} ${run.command}: ${error.code}`]], describeRunError(error)),
  );
  for (const suite of run.suites) {
    for (const error of suite.errors) {
      lines.push(
        formatAnnotation([['file', suite.file], ...fixtureLine(suite.fixtureLine), ['title', `${suite.name}: ${error.code}`]], describeRunError(error)),
      );
    }
    for (const cell of suite.cells) {
      if (!isProblem(cell)) continue;
      const title = `${suite.name}: ${describeCell(cell)} (${cell.status})`;
      const message = explainCell(cell)
        .map((detail) => detail.text)
        .join('\n');
      lines.push(
        formatAnnotation(
          [
            ['file', suite.file],
            ['line', cell.position.line],
            ['title', title],
          ],
          message === '' ? cell.status : message,
        ),
      );
    }
  }
  return lines;
}
