/**
 * The JSON report: the RunResult itself, plus `schemaVersion`, whether the run passed and computed counts (for the
 * run and each suite). Keys come in a fixed order (fields a tool adds later follow, sorted), so two reports of the
 * same run are byte-identical and diff well. Arrays of short scalars (matrix rows) stay on one line.
 */
import { aggregateRow, countRun, countSuite, runPassed, type MatrixResult, type RunResult, type SuiteResult } from '../results/index.js';

export const JSON_REPORT_SCHEMA_VERSION = 1;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The canonical key order of each object kind of the report. */
const KEY_ORDER = {
  run: ['schemaVersion', 'tool', 'command', 'runId', 'startedAt', 'durationMs', 'passed', 'counts', 'environment', 'errors', 'timings', 'plannedSuites', 'suites'],
  tool: ['name', 'version'],
  counts: ['total', 'passed', 'failed', 'errors', 'flaky', 'skipped'],
  planned: ['name', 'file', 'fixtureLine'],
  suite: ['name', 'file', 'fixtureLine', 'durationMs', 'counts', 'errors', 'timings', 'cells', 'matrices'],
  cell: ['assertionId', 'cellId', 'name', 'kind', 'step', 'position', 'source', 'sourceNamespace', 'target', 'sourceNode', 'targetNode', 'port', 'protocol', 'expected', 'status', 'message', 'model', 'observed'],
  step: ['index', 'name'],
  position: ['file', 'line', 'column'],
  model: ['verdict', 'explanation'],
  observed: ['outcome', 'verdict', 'detail', 'attempts', 'history', 'durationMs'],
  matrix: ['assertionId', 'step', 'position', 'port', 'protocol', 'rows', 'columns', 'expected', 'observed', 'aggregate'],
  aggregate: ['counts', 'rowLines', 'expectedRows', 'observedRows', 'details'],
  error: ['code', 'message', 'hint', 'suite'],
  timing: ['name', 'ms'],
} as const satisfies Record<string, readonly string[]>;

/** How to order the fields nested in an object of each kind. */
const NESTED: Partial<Record<keyof typeof KEY_ORDER, Record<string, keyof typeof KEY_ORDER | 'sorted'>>> = {
  run: { tool: 'tool', counts: 'counts', environment: 'sorted', errors: 'error', timings: 'timing', plannedSuites: 'planned', suites: 'suite' },
  suite: { counts: 'counts', errors: 'error', timings: 'timing', cells: 'cell', matrices: 'matrix' },
  cell: { step: 'step', position: 'position', model: 'model', observed: 'observed' },
  matrix: { step: 'step', position: 'position', aggregate: 'aggregate' },
  aggregate: { counts: 'counts', details: 'cell' },
};

/** The report object, ordered. */
export function buildJsonReport(run: RunResult): Json {
  const withCounts = {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    ...run,
    passed: runPassed(run),
    counts: countRun(run),
    suites: run.suites.map((suite: SuiteResult) => ({ ...suite, counts: countSuite(suite), matrices: suite.matrices.map(jsonMatrix) })),
  };
  return orderValue(withCounts, 'run');
}

/**
 * A matrix at scale in JSON: its tables as one string per row, a character per cell (`.` allow, `X` deny, `?` not
 * asserted or not judged, `E` error, `~` flaky), with the counts and the explained cells that did not pass.
 */
function jsonMatrix(matrix: MatrixResult): unknown {
  const aggregate = matrix.aggregate;
  if (!aggregate) return matrix;
  const width = matrix.columns.length;
  return {
    ...matrix,
    aggregate: {
      counts: aggregate.counts,
      expectedRows: matrix.rows.map((_, r) => aggregateRow(aggregate.expected, width, r)),
      observedRows: matrix.rows.map((_, r) => aggregateRow(aggregate.observed, width, r)),
      details: aggregate.details,
      rowLines: aggregate.rowLines,
    },
  };
}

export function formatJsonReport(run: RunResult): string {
  return [...formatJsonReportChunks(run)].join('');
}

/** The JSON report as chunks, for streaming to a file (formatJsonReport is the same text in one string). */
export function* formatJsonReportChunks(run: RunResult): Generator<string> {
  yield* stringifyJson(buildJsonReport(run), '');
  yield '\n';
}

function orderValue(value: unknown, kind: keyof typeof KEY_ORDER | 'sorted' | undefined): Json {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => orderValue(item === undefined ? null : item, kind));
  if (typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const known: readonly string[] = kind === undefined || kind === 'sorted' ? [] : KEY_ORDER[kind];
  const rest = Object.keys(record)
    .filter((key) => !known.includes(key))
    .sort();
  const nested = kind === undefined || kind === 'sorted' ? undefined : NESTED[kind];
  const result: { [key: string]: Json } = {};
  for (const key of [...known, ...rest]) {
    const field = record[key];
    if (field === undefined) continue;
    result[key] = orderValue(field, nested?.[key]);
  }
  return result;
}

const INLINE_LIMIT = 100;

/**
 * JSON.stringify with two-space indentation, except that arrays of scalars fitting in a line stay on one line;
 * as chunks, so a big report streams.
 */
function* stringifyJson(value: Json, indent: string): Generator<string> {
  if (value === null || typeof value !== 'object') {
    yield JSON.stringify(value);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    const inline = inlineArray(value);
    if (inline !== undefined) {
      yield inline;
      return;
    }
    yield '[\n';
    for (let i = 0; i < value.length; i += 1) {
      yield inner;
      yield* stringifyJson(value[i] as Json, inner);
      yield i === value.length - 1 ? `\n${indent}]` : ',\n';
    }
    return;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i += 1) {
    const [key, item] = entries[i] as [string, Json];
    yield `${inner}${JSON.stringify(key)}: `;
    yield* stringifyJson(item, inner);
    yield i === entries.length - 1 ? `\n${indent}}` : ',\n';
  }
}

/** An array of scalars on one line, when it fits in INLINE_LIMIT characters (given up as soon as it cannot). */
function inlineArray(value: Json[]): string | undefined {
  let length = 2;
  const parts: string[] = [];
  for (const item of value) {
    if (item !== null && typeof item === 'object') return undefined;
    const text = JSON.stringify(item);
    length += text.length + (parts.length > 0 ? 2 : 0);
    if (length > INLINE_LIMIT) return undefined;
    parts.push(text);
  }
  return `[${parts.join(', ')}]`;
}
