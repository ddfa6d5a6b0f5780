/** Reporters: the public API of src/report. */
export type { Reporter, ReporterHook, RunInfo, StepInfo } from './reporter.js';
export { MultiplexReporter, describeReporterFailure, type NamedReporter, type ReporterFailure } from './multiplex-reporter.js';
export { createReporter, isReporterName, REPORTER_NAMES, type ReporterName, type ReporterOptions } from './create-reporter.js';
export { ConsoleReporter, type ConsoleReporterOptions } from './console-reporter.js';
export { OutputReporter } from './output-reporter.js';
export { ReportWriteError } from './report-write-error.js';
export { writeReportOutput, describeReportTarget, type ReportStream, type ReportTarget } from './write-report-output.js';
export { formatConsoleReport, type ConsoleFormatOptions } from './format-console-report.js';
export { formatJunitReport, buildJunitTree, JUNIT_SCHEMAS, type JunitSchema, type JunitFormatOptions } from './format-junit-report.js';
export { junitCellClassname, junitCellName, junitSetupClassname, uniqueTestcaseNames, JUNIT_ROOT_NAME } from './junit-naming.js';
export { formatHtmlReport, escapeHtml, type HtmlFormatOptions } from './format-html-report.js';
export { findRepositoryRoot, reportPathsFor, relocateRun, toReportPath, type ReportPaths } from './report-paths.js';
export { formatJsonReport, formatJsonReportChunks, buildJsonReport, JSON_REPORT_SCHEMA_VERSION } from './format-json-report.js';
export { formatMarkdownReport, MARKDOWN_MAX_BYTES, type MarkdownFormatOptions } from './format-markdown-report.js';
export {
  formatGithubAnnotations,
  escapeAnnotationData,
  escapeAnnotationProperty,
  GITHUB_ANNOTATIONS_PER_STEP,
  type GithubAnnotationOptions,
} from './format-github-annotations.js';
export { serializeXml, escapeXmlAttribute, escapeXmlText, stripInvalidXmlChars, type XmlElement, type XmlNode } from './serialize-xml.js';
export { escapeMarkdown, escapeMarkdownCell } from './escape-markdown.js';
export { diagnoseCell } from './diagnose-cell.js';
export { buildMatrixGrid, type MatrixGrid, type MatrixGridCell } from './matrix-grid.js';
export { coverageProperties, coverageShortfall, formatCoverageConsole, formatCoverageHtml, formatCoverageMarkdown } from './format-coverage.js';
