/**
 * Built-in reporters by name. Each writes to the file or stream it is given; none writes to process.stdout by
 * itself.
 */
import { InputError } from '../util/index.js';
import { ConsoleReporter } from './console-reporter.js';
import { formatGithubAnnotations } from './format-github-annotations.js';
import { formatJsonReportChunks } from './format-json-report.js';
import { formatHtmlReport } from './format-html-report.js';
import { formatJunitReport, type JunitSchema } from './format-junit-report.js';
import { formatMarkdownReport } from './format-markdown-report.js';
import { OutputReporter } from './output-reporter.js';
import type { Reporter } from './reporter.js';
import { reportPathsFor, type ReportPaths } from './report-paths.js';
import type { ReportTarget } from './write-report-output.js';

export const REPORTER_NAMES = ['console', 'junit', 'json', 'markdown', 'github', 'html'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

export type ReporterOptions = ReportTarget & {
  /** ANSI colors (console on a terminal only; ignored for files). */
  color?: boolean;
  /** Console: also passed cells, matching matrices, timings, environment. */
  verbose?: boolean;
  /** Console: only suites with problems, run errors and totals. */
  quiet?: boolean;
  /** Console: a line per step and per finished cell while a live run goes. */
  progress?: boolean;
  /**
   * JUnit, Markdown, GitHub annotations, HTML: how suite paths become repository-relative (default: from the
   * process' working directory to its git top level).
   */
  paths?: ReportPaths;
  /** JUnit: `strict` for Jenkins' junit-10.xsd (no testcase file/line). */
  junitSchema?: JunitSchema;
};

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

export function createReporter(name: string, options: ReporterOptions): Reporter {
  if (!isReporterName(name)) {
    throw new InputError([{ message: `unknown reporter "${name}": expected one of ${REPORTER_NAMES.join(', ')}` }], {
      hint: `name a built-in reporter: ${REPORTER_NAMES.join(', ')}`,
    });
  }
  const target: ReportTarget =
    options.file !== undefined ? { file: options.file, append: options.append } : { stream: options.stream };
  const paths = options.paths ?? reportPathsFor(process.cwd());
  switch (name) {
    case 'console':
      return new ConsoleReporter(target, {
        color: options.color ?? false,
        verbose: options.verbose ?? false,
        quiet: options.quiet ?? false,
        progress: options.progress ?? false,
      });
    case 'junit':
      return new OutputReporter('junit', (run) => formatJunitReport(run, { paths, schema: options.junitSchema ?? 'default' }), target);
    case 'json':
      return new OutputReporter('json', formatJsonReportChunks, target);
    case 'markdown':
      return new OutputReporter('markdown', (run) => formatMarkdownReport(run, { paths }), target);
    case 'github':
      return new OutputReporter('github', (run) => formatGithubAnnotations(run, { paths }).map((line) => `${line}\n`).join(''), target);
    case 'html':
      return new OutputReporter('html', (run) => formatHtmlReport(run, { paths }), target);
  }
}
