/**
 * The JUnit XML report, in the dialect CI consumers read (GitHub test reporters, GitLab, Jenkins' `junit` step):
 * one <testsuite> per suite, one <testcase> per cell. A wrong verdict is a <failure type="WrongVerdict">, a flaky
 * cell a <failure type="Flaky"> with every attempt, a cell that could not be judged an <error>, a skipped cell
 * <skipped> with its reason as message and text. Errors that stopped a suite become `setup` testcases in the
 * suite's group, at the suite's `fixture:` line, with the time the suite spent; errors that stopped the whole
 * run the same in a `netpol-e2e` testsuite, at the first suite that did not run (run-error-location.ts). So the report is meaningful even when
 * no cell ran.
 *
 * Paths are repository-relative (report-paths.ts); names are unique within their classname (junit-naming.ts).
 * `<properties>` are written once, in the first testsuite (xunitparser merges every testsuite's properties and
 * rejects a repeated name). Schema `strict` leaves out what Jenkins' junit-10.xsd does not allow (testcase
 * `file`/`line`, the root's `skipped`); the location stays in each failure's text. docs/reports.md says which
 * consumer reads what. The tree is built as data and serialised by serialize-xml.ts.
 */
import type { CellResult, PlannedSuite, RunError, RunResult, SuiteResult } from '../results/index.js';
import { countCells } from '../results/index.js';
import { describeVerdicts } from './describe-cell.js';
import { explainCell } from './explain-cell.js';
import { formatSeconds } from './format-duration.js';
import { buildAggregateTestcases } from './junit-aggregate.js';
import {
  JUNIT_ROOT_NAME,
  JUNIT_RUN_SETUP_CLASSNAME,
  junitCellClassname,
  junitCellName,
  junitSetupClassname,
  junitSetupName,
  uniqueTestcaseNames,
} from './junit-naming.js';
import { buildMatrixGrid, describeMatrix, describeMatrixLegend, findCellMatrix, formatMatrixLines } from './matrix-grid.js';
import { relocateRun, type ReportPaths } from './report-paths.js';
import { runErrorLocation } from './run-error-location.js';
import { serializeXml, xmlElement, type XmlElement } from './serialize-xml.js';
import { coverageProperties } from './format-coverage.js';

export { JUNIT_ROOT_NAME } from './junit-naming.js';

/** `default`: what GitHub's, GitLab's and Jenkins' `junit` readers use (file/line). `strict`: valid against junit-10.xsd. */
export const JUNIT_SCHEMAS = ['default', 'strict'] as const;
export type JunitSchema = (typeof JUNIT_SCHEMAS)[number];

export interface JunitFormatOptions {
  schema?: JunitSchema;
  /** How suite paths become repository-relative; without it they are only normalised (no `./`, forward slashes). */
  paths?: ReportPaths;
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** A testcase before its name is made unique. */
interface Testcase {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  timeMs: number;
  children: XmlElement[];
}

interface Testsuite {
  attributes: Record<string, string | number | undefined>;
  counts: SuiteCounts;
  testcases: Testcase[];
}

export function formatJunitReport(run: RunResult, options: JunitFormatOptions = {}): string {
  return serializeXml(buildJunitTree(run, options));
}

export function buildJunitTree(input: RunResult, options: JunitFormatOptions = {}): XmlElement {
  const strict = options.schema === 'strict';
  const run = relocateRun(input, options.paths);
  const testsuites: Testsuite[] = [];
  if (run.errors.length > 0) testsuites.push(buildRunErrorSuite(run));
  for (const suite of run.suites) testsuites.push(buildSuite(run, suite));

  // Unique names across the document (classnames already differ between suites).
  const named = uniqueTestcaseNames(testsuites.flatMap((suite) => suite.testcases));
  let next = 0;
  const elements = testsuites.map((suite, index) => {
    const testcases = suite.testcases.map(() => named[next++] as Testcase);
    const children: XmlElement[] = index === 0 ? [buildProperties(run)] : [];
    children.push(...testcases.map((testcase) => testcaseElement(testcase, strict)));
    return xmlElement('testsuite', suite.attributes, children);
  });
  const totals = sumCounts(testsuites.map((suite) => suite.counts));
  return xmlElement(
    'testsuites',
    {
      name: JUNIT_ROOT_NAME,
      tests: totals.tests,
      failures: totals.failures,
      errors: totals.errors,
      skipped: strict ? undefined : totals.skipped,
      time: formatSeconds(run.durationMs),
    },
    elements,
  );
}

function testcaseElement(testcase: Testcase, strict: boolean): XmlElement {
  return xmlElement(
    'testcase',
    {
      classname: testcase.classname,
      name: testcase.name,
      file: strict ? undefined : testcase.file,
      line: strict ? undefined : testcase.line,
      time: formatSeconds(testcase.timeMs),
    },
    testcase.children,
  );
}

function suiteAttributes(run: RunResult, name: string, counts: SuiteCounts, durationMs: number, file: string | undefined): Testsuite['attributes'] {
  return {
    name,
    timestamp: run.startedAt,
    tests: counts.tests,
    failures: counts.failures,
    errors: counts.errors,
    skipped: counts.skipped,
    time: formatSeconds(durationMs),
    file,
  };
}

function buildRunErrorSuite(run: RunResult): Testsuite {
  const location = runErrorLocation(run);
  // The time not spent in any suite: cluster, canary, cleanup.
  const outsideSuites = Math.max(0, run.durationMs - run.suites.reduce((sum, suite) => sum + suite.durationMs, 0));
  const testcases = run.errors.map((error, i) => setupTestcase(JUNIT_RUN_SETUP_CLASSNAME, error, i, i === 0 ? outsideSuites : 0, location));
  const counts = { tests: testcases.length, failures: 0, errors: testcases.length, skipped: 0 };
  return { attributes: suiteAttributes(run, JUNIT_ROOT_NAME, counts, outsideSuites, location?.file), counts, testcases };
}

function buildSuite(run: RunResult, suite: SuiteResult): Testsuite {
  const cells = countCells(suite.cells);
  // The setup errors carry the time the suite spent outside its cells (deploying, waiting, tearing down).
  const inCells = suite.cells.reduce((sum, cell) => sum + (cell.observed?.durationMs ?? 0), 0);
  const setupMs = Math.max(0, suite.durationMs - inCells);
  const location = { name: suite.name, file: suite.file, ...(suite.fixtureLine !== undefined ? { fixtureLine: suite.fixtureLine } : {}) };
  const setup = suite.errors.map((error, i) => setupTestcase(junitSetupClassname(suite.name), error, i, i === 0 ? setupMs : 0, location));
  const testcases: Testcase[] = [...setup, ...suite.cells.map((cell) => buildTestcase(run, suite, cell))];
  // matrices at scale: one testcase per row (junit-aggregate.ts)
  let aggregateFailures = 0;
  let aggregateSkipped = 0;
  for (const matrix of suite.matrices) {
    if (!matrix.aggregate) continue;
    const rows = buildAggregateTestcases(run, suite, matrix, matrix.aggregate);
    for (const testcase of rows.testcases) testcases.push(testcase);
    aggregateFailures += rows.failures;
    aggregateSkipped += rows.skipped;
  }
  const counts = {
    tests: testcases.length,
    failures: cells.failed + cells.flaky + aggregateFailures,
    errors: cells.errors + setup.length,
    skipped: cells.skipped + aggregateSkipped,
  };
  return { attributes: suiteAttributes(run, suite.name, counts, suite.durationMs, suite.file), counts, testcases };
}

function buildProperties(run: RunResult): XmlElement {
  const properties: [string, string][] = [
    ['command', run.command],
    ['tool', `${run.tool.name} ${run.tool.version}`],
    ['started-at', run.startedAt],
  ];
  if (run.runId !== undefined) properties.splice(1, 0, ['run-id', run.runId]);
  for (const key of Object.keys(run.environment).sort()) {
    properties.push([`environment.${key}`, run.environment[key] ?? '']);
  }
  if (run.coverage !== undefined) {
    // written once (see above), so each suite's coverage carries its name
    for (const suite of run.coverage.suites) properties.push(...coverageProperties(run.coverage, suite.suite));
    properties.push(...coverageProperties(run.coverage));
  }
  return xmlElement(
    'properties',
    {},
    properties.map(([name, value]) => xmlElement('property', { name, value })),
  );
}

function describeLocation(file: string | undefined, line: number | undefined): string | undefined {
  if (file === undefined) return undefined;
  return line === undefined ? `at ${file}` : `at ${file}:${line}`;
}

/** An error that stopped a suite or the run: testcase `setup` (then `setup (2)`, ...) with an <error>. */
function setupTestcase(classname: string, error: RunError, index: number, timeMs: number, location: PlannedSuite | undefined): Testcase {
  const lines = [error.message];
  if (error.hint !== undefined) lines.push(`hint: ${error.hint}`);
  const at = describeLocation(location?.file, location?.fixtureLine);
  if (at !== undefined) lines.push(`${at} (the suite's fixture)`);
  const testcase: Testcase = {
    classname,
    name: junitSetupName(index),
    timeMs,
    children: [xmlElement('error', { message: error.message, type: error.code }, [lines.join('\n')])],
  };
  if (location !== undefined) testcase.file = location.file;
  if (location?.fixtureLine !== undefined) testcase.line = location.fixtureLine;
  return testcase;
}

function buildTestcase(run: RunResult, suite: SuiteResult, cell: CellResult): Testcase {
  const base = {
    classname: junitCellClassname(suite.name, cell),
    name: junitCellName(cell),
    file: suite.file,
    line: cell.position.line,
    timeMs: cell.observed?.durationMs ?? 0,
  };
  const body = describeBody(run, suite, cell);
  const children = (element: XmlElement): Testcase => ({ ...base, children: [element] });
  switch (cell.status) {
    case 'passed':
      return { ...base, children: body === '' ? [] : [xmlElement('system-out', {}, [body])] };
    case 'failed':
      return children(xmlElement('failure', { message: describeFailureMessage(cell), type: 'WrongVerdict' }, [body]));
    case 'flaky':
      return children(xmlElement('failure', { message: describeFailureMessage(cell), type: 'Flaky' }, [body]));
    case 'error':
      return children(xmlElement('error', { message: cell.message ?? describeVerdicts(cell), type: describeErrorType(cell) }, [body]));
    case 'skipped': {
      // The reason as text too: GitLab shows the element's text, not its message attribute.
      const reason = cell.message ?? 'skipped';
      return children(xmlElement('skipped', { message: reason }, [reason]));
    }
  }
}

function describeFailureMessage(cell: CellResult): string {
  if (cell.expected === 'table' && !cell.model && !cell.observed) return cell.message ?? 'the truth table does not match';
  return describeVerdicts(cell);
}

function describeErrorType(cell: CellResult): string {
  return cell.observed?.outcome === 'exec-error' ? 'ExecError' : 'NotJudged';
}

/** The body text: every detail line, for a conformance 'table' cell its truth table, and where it is asserted. */
function describeBody(run: RunResult, suite: SuiteResult, cell: CellResult): string {
  const lines = explainCell(cell).map((detail) => detail.text);
  const matrix = cell.expected === 'table' ? findCellMatrix(suite, cell) : undefined;
  if (matrix) {
    lines.push(describeMatrix(matrix));
    lines.push(...formatMatrixLines(buildMatrixGrid(matrix)).map((line) => `  ${line}`));
    lines.push(`  ${describeMatrixLegend(run.command)}`);
  }
  if (cell.status !== 'passed') lines.push(describeLocation(suite.file, cell.position.line) as string);
  return lines.join('\n');
}

function sumCounts(all: SuiteCounts[]): SuiteCounts {
  return all.reduce(
    (sum, c) => ({ tests: sum.tests + c.tests, failures: sum.failures + c.failures, errors: sum.errors + c.errors, skipped: sum.skipped + c.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
}
