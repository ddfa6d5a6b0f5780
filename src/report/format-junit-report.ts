/**
 * The JUnit XML report, in the dialect CI consumers read (GitHub test reporters, Jenkins, GitLab): one
 * <testsuite> per suite, one <testcase> per cell. A wrong verdict is a <failure type="WrongVerdict">, a flaky
 * cell a <failure type="Flaky"> with its attempts, a cell that could not be judged an <error>, a skipped cell
 * <skipped>. Errors that stopped a suite (or the run) become a `setup` testcase with an <error>, so the report is
 * meaningful even when no cell ran. The tree is built as data and serialised by serialize-xml.ts.
 */
import { countCells, type CellResult, type RunError, type RunResult, type SuiteResult } from '../engine/results.js';
import { describeCell, describeVerdicts } from './describe-cell.js';
import { explainCell } from './explain-cell.js';
import { formatSeconds } from './format-duration.js';
import { buildMatrixGrid, describeMatrix, describeMatrixLegend, findCellMatrix, formatMatrixLines } from './matrix-grid.js';
import { serializeXml, xmlElement, type XmlElement } from './serialize-xml.js';
import { coverageProperties } from '../coverage/format-coverage.js';

/** The name of the tool-level <testsuites> and of the testsuite that holds run-level errors. */
export const JUNIT_ROOT_NAME = 'netpol-e2e';

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function formatJunitReport(run: RunResult): string {
  return serializeXml(buildJunitTree(run));
}

export function buildJunitTree(run: RunResult): XmlElement {
  const testsuites: XmlElement[] = [];
  if (run.errors.length > 0) testsuites.push(buildRunErrorSuite(run));
  for (const suite of run.suites) testsuites.push(buildSuite(run, suite));
  const totals = sumCounts(testsuites.map(readCounts));
  return xmlElement(
    'testsuites',
    {
      name: JUNIT_ROOT_NAME,
      tests: totals.tests,
      failures: totals.failures,
      errors: totals.errors,
      skipped: totals.skipped,
      time: formatSeconds(run.durationMs),
    },
    testsuites,
  );
}

function buildRunErrorSuite(run: RunResult): XmlElement {
  const testcases = run.errors.map((error, i) => buildSetupTestcase(JUNIT_ROOT_NAME, error, i));
  return xmlElement(
    'testsuite',
    {
      name: JUNIT_ROOT_NAME,
      timestamp: run.startedAt,
      tests: testcases.length,
      failures: 0,
      errors: testcases.length,
      skipped: 0,
      time: formatSeconds(0),
    },
    [buildProperties(run), ...testcases],
  );
}

function buildSuite(run: RunResult, suite: SuiteResult): XmlElement {
  const counts = countCells(suite.cells);
  const setup = suite.errors.map((error, i) => buildSetupTestcase(`${JUNIT_ROOT_NAME}.${suite.name}`, error, i, suite.file));
  const testcases = suite.cells.map((cell) => buildTestcase(run, suite, cell));
  return xmlElement(
    'testsuite',
    {
      name: suite.name,
      timestamp: run.startedAt,
      tests: counts.total + setup.length,
      failures: counts.failed + counts.flaky,
      errors: counts.errors + setup.length,
      skipped: counts.skipped,
      time: formatSeconds(suite.durationMs),
      file: suite.file,
    },
    [buildProperties(run, suite.name), ...setup, ...testcases],
  );
}

function buildProperties(run: RunResult, suite?: string): XmlElement {
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
    if (suite !== undefined) properties.push(...coverageProperties(run.coverage, suite));
    properties.push(...coverageProperties(run.coverage));
  }
  return xmlElement(
    'properties',
    {},
    properties.map(([name, value]) => xmlElement('property', { name, value })),
  );
}

/** An error that stopped a suite or the run: testcase `setup` (then `setup (2)`, ...) with an <error>. */
function buildSetupTestcase(classname: string, error: RunError, index: number, file?: string): XmlElement {
  const body = error.hint === undefined ? error.message : `${error.message}\nhint: ${error.hint}`;
  const name = index === 0 ? 'setup' : `setup (${index + 1})`;
  return xmlElement('testcase', { classname, name, file, time: formatSeconds(0) }, [
    xmlElement('error', { message: error.message, type: error.code }, [body]),
  ]);
}

function buildTestcase(run: RunResult, suite: SuiteResult, cell: CellResult): XmlElement {
  const attributes = {
    classname: `${JUNIT_ROOT_NAME}.${suite.name}.${cell.sourceNamespace}`,
    name: describeCell(cell),
    file: suite.file,
    line: cell.position.line,
    time: formatSeconds(cell.observed?.durationMs ?? 0),
  };
  const body = describeBody(run, suite, cell);
  switch (cell.status) {
    case 'passed':
      return xmlElement('testcase', attributes, body === '' ? [] : [xmlElement('system-out', {}, [body])]);
    case 'failed':
      return xmlElement('testcase', attributes, [
        xmlElement('failure', { message: describeFailureMessage(cell), type: 'WrongVerdict' }, [body]),
      ]);
    case 'flaky':
      return xmlElement('testcase', attributes, [
        xmlElement('failure', { message: describeFailureMessage(cell), type: 'Flaky' }, [body]),
      ]);
    case 'error':
      return xmlElement('testcase', attributes, [
        xmlElement('error', { message: cell.message ?? describeVerdicts(cell), type: describeErrorType(cell) }, [body]),
      ]);
    case 'skipped':
      return xmlElement('testcase', attributes, [xmlElement('skipped', { message: cell.message ?? 'skipped' })]);
  }
}

function describeFailureMessage(cell: CellResult): string {
  if (cell.expected === 'table' && !cell.model && !cell.observed) return cell.message ?? 'the truth table does not match';
  return describeVerdicts(cell);
}

function describeErrorType(cell: CellResult): string {
  return cell.observed?.outcome === 'exec-error' ? 'ExecError' : 'NotJudged';
}

/** The body text: every detail line, and for a conformance 'table' cell its truth table. */
function describeBody(run: RunResult, suite: SuiteResult, cell: CellResult): string {
  const lines = explainCell(cell).map((detail) => detail.text);
  const matrix = cell.expected === 'table' ? findCellMatrix(suite, cell) : undefined;
  if (matrix) {
    lines.push(`${describeMatrix(matrix)} (${suite.file}:${matrix.position.line})`);
    lines.push(...formatMatrixLines(buildMatrixGrid(matrix)).map((line) => `  ${line}`));
    lines.push(`  ${describeMatrixLegend(run.command)}`);
  }
  return lines.join('\n');
}

function readCounts(testsuite: XmlElement): SuiteCounts {
  const read = (name: keyof SuiteCounts): number => Number(testsuite.attributes?.[name] ?? 0);
  return { tests: read('tests'), failures: read('failures'), errors: read('errors'), skipped: read('skipped') };
}

function sumCounts(all: SuiteCounts[]): SuiteCounts {
  return all.reduce(
    (sum, c) => ({ tests: sum.tests + c.tests, failures: sum.failures + c.failures, errors: sum.errors + c.errors, skipped: sum.skipped + c.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
}
