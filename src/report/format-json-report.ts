/**
 * The JSON report: the RunResult itself, plus `schemaVersion`, whether the run passed and computed counts (for the
 * run and each suite). Keys come in a fixed order (fields a tool adds later follow, sorted), so two reports of the
 * same run are byte-identical and diff well. Arrays of short scalars (matrix rows) stay on one line.
 */
import { countCells, countRun, runPassed, type RunResult, type SuiteResult } from '../engine/results.js';

export const JSON_REPORT_SCHEMA_VERSION = 1;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The canonical key order of each object kind of the report. */
const KEY_ORDER = {
  run: ['schemaVersion', 'tool', 'command', 'runId', 'startedAt', 'durationMs', 'passed', 'counts', 'environment', 'errors', 'timings', 'suites'],
  tool: ['name', 'version'],
  counts: ['total', 'passed', 'failed', 'errors', 'flaky', 'skipped'],
  suite: ['name', 'file', 'durationMs', 'counts', 'errors', 'timings', 'cells', 'matrices'],
  cell: ['assertionId', 'cellId', 'name', 'kind', 'step', 'position', 'source', 'sourceNamespace', 'target', 'sourceNode', 'targetNode', 'port', 'protocol', 'expected', 'status', 'message', 'model', 'observed'],
  step: ['index', 'name'],
  position: ['file', 'line', 'column'],
  model: ['verdict', 'explanation'],
  observed: ['outcome', 'verdict', 'detail', 'attempts', 'history', 'durationMs'],
  matrix: ['assertionId', 'step', 'position', 'port', 'protocol', 'rows', 'columns', 'expected', 'observed'],
  error: ['code', 'message', 'hint', 'suite'],
  timing: ['name', 'ms'],
} as const satisfies Record<string, readonly string[]>;

/** How to order the fields nested in an object of each kind. */
const NESTED: Partial<Record<keyof typeof KEY_ORDER, Record<string, keyof typeof KEY_ORDER | 'sorted'>>> = {
  run: { tool: 'tool', counts: 'counts', environment: 'sorted', errors: 'error', timings: 'timing', suites: 'suite' },
  suite: { counts: 'counts', errors: 'error', timings: 'timing', cells: 'cell', matrices: 'matrix' },
  cell: { step: 'step', position: 'position', model: 'model', observed: 'observed' },
  matrix: { step: 'step', position: 'position' },
};

/** The report object, ordered. */
export function buildJsonReport(run: RunResult): Json {
  const withCounts = {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    ...run,
    passed: runPassed(run),
    counts: countRun(run),
    suites: run.suites.map((suite: SuiteResult) => ({ ...suite, counts: countCells(suite.cells) })),
  };
  return orderValue(withCounts, 'run');
}

export function formatJsonReport(run: RunResult): string {
  return `${stringifyJson(buildJsonReport(run), '')}\n`;
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

/** JSON.stringify with two-space indentation, except that arrays of scalars fitting in a line stay on one line. */
function stringifyJson(value: Json, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (inline.length <= INLINE_LIMIT) return inline;
    }
    return `[\n${value.map((item) => inner + stringifyJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${stringifyJson(item, inner)}`).join(',\n')}\n${indent}}`;
}
