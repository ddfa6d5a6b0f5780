/**
 * Reads one assertion in any of its three forms (connect, `dns:`, `matrix:`), resolving every reference against
 * the fixture and checking that the destination actually serves the port and protocol asked about. Ids are
 * assigned afterwards (assign-assertion-ids.ts), once every explicit id of the suite is known.
 */
import { PROTOCOLS, type Protocol } from '../model/types.js';
import type { SourcePosition } from '../util/errors.js';
import type { Assertion, ConnectAssertion, ConnectExpectation, DnsAssertion, DnsExpectation, MatrixAssertion, SuiteWorkload, TargetRef, WorkloadRef } from './types.js';
import type { FieldPath } from './field-path.js';
import { refText, type FixtureIndex } from './fixture-index.js';
import type { IssueList } from './issue-list.js';
import { dnsNameProblem } from './k8s-names.js';
import { headerColumns, MATRIX_SYMBOLS, tokenizeTable, type MatrixCellExpectation } from './matrix-table.js';
import { fixedLocator } from './source-locator.js';
import { describePorts } from './read-fixture.js';
import { SUITE_FIELDS } from './suite-fields.js';
import { describeValue, isPlainMap, MapReader } from './value-reader.js';

export interface ReadAssertion {
  /** The assertion with `id` still empty when the user gave none. */
  assertion: Assertion;
  /** The id the user wrote, if any. */
  explicitId?: string;
  /** The id derived from the assertion's content, used when none was given. */
  derivedId: string;
  path: FieldPath;
}

const ID_PATTERN = /^[A-Za-z0-9._-]+$/;
const ALL_ASSERTION_FIELDS = [...new Set([...SUITE_FIELDS.connectAssertion, ...SUITE_FIELDS.dnsAssertion, ...SUITE_FIELDS.matrixAssertion])];
const CONNECT_EXPECTATIONS: readonly ConnectExpectation[] = ['allow', 'deny'];
const DNS_EXPECTATIONS: readonly DnsExpectation[] = ['resolves', 'nxdomain', 'blocked'];

/** A port a destination serves, as assertions resolve against it. */
interface ServedPort {
  port: number;
  protocol: Protocol;
  name?: string;
}

export function readAssertionList(issues: IssueList, path: FieldPath, value: unknown, fixture: FixtureIndex): ReadAssertion[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, `expected the assertions (a list), found ${describeValue(value)}`);
    return [];
  }
  return value.flatMap((item, i) => readAssertion(issues, [...path, i], item, fixture) ?? []);
}

export function readAssertion(issues: IssueList, path: FieldPath, value: unknown, fixture: FixtureIndex): ReadAssertion | undefined {
  const form = isPlainMap(value) && value['dns'] !== undefined ? 'dns' : isPlainMap(value) && value['matrix'] !== undefined ? 'matrix' : 'connect';
  if (isPlainMap(value) && value['dns'] !== undefined && value['matrix'] !== undefined) {
    issues.add(path, 'an assertion is either a dns lookup or a matrix, not both; split it into two assertions');
    return undefined;
  }
  const known = form === 'dns' ? SUITE_FIELDS.dnsAssertion : form === 'matrix' ? SUITE_FIELDS.matrixAssertion : SUITE_FIELDS.connectAssertion;
  const what = form === 'connect' ? 'a connect assertion' : `a ${form} assertion`;
  const reader = MapReader.open(issues, path, value, what, known, ALL_ASSERTION_FIELDS);
  if (!reader) return undefined;
  const before = issues.count;
  const explicitId = reader.string('id', 'the assertion id');
  if (explicitId !== undefined && !ID_PATTERN.test(explicitId)) {
    reader.report('id', `assertion id "${explicitId}" may contain only letters, digits, ".", "_" and "-"`);
  }
  const description = reader.string('description', 'the assertion description');
  const base = { id: '', position: issues.position(path), ...(description !== undefined ? { description } : {}) };
  const read = form === 'dns' ? readDns(reader, fixture) : form === 'matrix' ? readMatrix(reader, fixture) : readConnect(reader, fixture);
  if (!read || issues.count > before) return undefined;
  const assertion = { ...base, ...read.assertion } as Assertion;
  return { assertion, derivedId: read.derivedId, path, ...(explicitId !== undefined ? { explicitId } : {}) };
}

type AssertionBody<T extends Assertion> = T extends Assertion ? Omit<T, 'id' | 'position' | 'description'> : never;

function readConnect(reader: MapReader, fixture: FixtureIndex): { assertion: AssertionBody<ConnectAssertion>; derivedId: string } | undefined {
  const from = readSource(reader, 'from', fixture);
  const target = readTarget(reader, fixture);
  const protocol = reader.choice('protocol', 'a protocol', PROTOCOLS);
  const expect = reader.choice('expect', 'the expectation', CONNECT_EXPECTATIONS, { required: true });
  if (!reader.has('port')) reader.missing('port', 'the destination port (a number or a port name)');
  if (!from || !target || !reader.has('port') || (reader.has('protocol') && !protocol) || !expect) return undefined;
  const resolved = resolvePort(reader.issues, reader.at('port'), reader.get('port'), protocol, target.label, target.ports, target.names);
  if (!resolved) return undefined;
  const derivedId = `${from.namespace}-${from.name}-to-${target.slug}-${resolved.port}-${resolved.protocol.toLowerCase()}`;
  return {
    assertion: { kind: 'connect', from: workloadRef(from), to: target.ref, port: resolved.port, protocol: resolved.protocol, expect },
    derivedId,
  };
}

function readSource(reader: MapReader, key: string, fixture: FixtureIndex): SuiteWorkload | undefined {
  if (!reader.has(key)) {
    reader.missing(key, 'the source workload as "<namespace>/<workload>"');
    return undefined;
  }
  return fixture.workload(reader.issues, reader.at(key), reader.get(key), `source "${key}"`);
}

interface ReadTarget {
  ref: TargetRef;
  label: string;
  slug: string;
  ports: ServedPort[];
  /** What port names mean for this target; undefined when it has none (externals). */
  names: 'workload' | 'service' | undefined;
}

function readTarget(reader: MapReader, fixture: FixtureIndex): ReadTarget | undefined {
  const value = reader.get('to');
  if (value === undefined) {
    reader.missing('to', 'the destination: "<namespace>/<workload>", {workload: ...}, {service: ...} or {external: ...}');
    return undefined;
  }
  if (typeof value === 'string') return workloadTarget(fixture.workload(reader.issues, reader.at('to'), value, 'destination "to"'));
  const to = MapReader.open(reader.issues, reader.at('to'), value, 'the destination', SUITE_FIELDS.target);
  if (!to) return undefined;
  const present = SUITE_FIELDS.target.filter((key) => to.has(key));
  if (present.length !== 1) {
    reader.report('to', present.length === 0
      ? 'the destination must give one of workload, service or external'
      : `the destination must give exactly one of workload, service or external; found ${present.join(' and ')}`);
    return undefined;
  }
  if (to.has('workload')) return workloadTarget(fixture.workload(reader.issues, to.at('workload'), to.get('workload'), 'destination workload'));
  if (to.has('service')) {
    const service = fixture.service(reader.issues, to.at('service'), to.get('service'), 'destination service');
    if (!service) return undefined;
    return {
      ref: { kind: 'service', namespace: service.namespace, name: service.name },
      label: `service ${refText(service)}`,
      slug: `service-${service.namespace}-${service.name}`,
      ports: service.ports.map((p) => ({ port: p.port, protocol: p.protocol, ...(p.name !== undefined ? { name: p.name } : {}) })),
      names: 'service',
    };
  }
  const external = fixture.external(reader.issues, to.at('external'), to.get('external'), 'destination external');
  if (!external) return undefined;
  return {
    ref: { kind: 'external', name: external.name },
    label: `external ${external.name} (${external.ip})`,
    slug: `external-${external.name}`,
    ports: external.ports,
    names: undefined,
  };
}

function workloadTarget(workload: SuiteWorkload | undefined): ReadTarget | undefined {
  if (!workload) return undefined;
  return {
    ref: { kind: 'workload', namespace: workload.namespace, name: workload.name },
    label: `workload ${refText(workload)}`,
    slug: `${workload.namespace}-${workload.name}`,
    ports: workload.ports,
    names: 'workload',
  };
}

/**
 * Resolves the port of an assertion against what the destination serves. A number needs (port, protocol) to be
 * served (protocol defaults to TCP); a name needs a port of that name, and gives the protocol when none is given.
 */
function resolvePort(
  issues: IssueList,
  path: FieldPath,
  raw: unknown,
  protocol: Protocol | undefined,
  label: string,
  ports: readonly ServedPort[],
  names: ReadTarget['names'],
): { port: number | string; protocol: Protocol } | undefined {
  const serves = `it serves ${describePorts(ports)}`;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1 || raw > 65535) {
      issues.add(path, `expected a port number from 1 to 65535 or a port name, found ${describeValue(raw)}`);
      return undefined;
    }
    const wanted = protocol ?? 'TCP';
    if (!ports.some((p) => p.port === raw && p.protocol === wanted)) {
      issues.add(path, `${label} does not serve ${raw}/${wanted}; ${serves}`);
      return undefined;
    }
    return { port: raw, protocol: wanted };
  }
  if (typeof raw !== 'string') {
    issues.add(path, `expected a port number or a port name, found ${describeValue(raw)}`);
    return undefined;
  }
  if (/^[0-9]+$/.test(raw)) {
    issues.add(path, `port "${raw}" is quoted; write the number without quotes (a quoted port is read as a port name)`);
    return undefined;
  }
  if (names === undefined) {
    issues.add(path, `${label} has no port names; give the port number (${serves})`);
    return undefined;
  }
  const named = ports.filter((p) => p.name === raw);
  const match = named.find((p) => protocol === undefined || p.protocol === protocol);
  if (named.length === 0) {
    issues.add(path, `${label} has no ${names === 'service' ? 'service ' : ''}port named "${raw}"; ${serves}`);
    return undefined;
  }
  if (!match) {
    issues.add(path, `port "${raw}" of ${label} is ${named.map((p) => p.protocol).join('/')}, but protocol ${protocol} was given`);
    return undefined;
  }
  return { port: raw, protocol: match.protocol };
}

function readDns(reader: MapReader, fixture: FixtureIndex): { assertion: AssertionBody<DnsAssertion>; derivedId: string } | undefined {
  const dns = reader.map('dns', 'the DNS lookup', SUITE_FIELDS.dns, { required: true });
  if (!dns) return undefined;
  const from = readSource(dns, 'from', fixture);
  const name = dns.string('name', 'the name to look up, e.g. api.prod.svc.cluster.local', { required: true });
  if (name !== undefined) {
    const problem = dnsNameProblem(name);
    if (problem) dns.report('name', `DNS name "${name}" ${problem}`);
  }
  const expect = dns.choice('expect', 'the expected lookup result', DNS_EXPECTATIONS, { required: true });
  if (!from || name === undefined || !expect) return undefined;
  return {
    assertion: { kind: 'dns', from: workloadRef(from), name, expect },
    derivedId: `dns-${from.namespace}-${from.name}-${name.replace(/\.$/, '')}`,
  };
}

function readMatrix(reader: MapReader, fixture: FixtureIndex): { assertion: AssertionBody<MatrixAssertion>; derivedId: string } | undefined {
  const matrix = reader.map('matrix', 'the matrix', SUITE_FIELDS.matrix, { required: true });
  if (!matrix) return undefined;
  const protocol = matrix.choice('protocol', 'a protocol', PROTOCOLS);
  const rawPort = matrix.get('port');
  if (rawPort === undefined) matrix.missing('port', 'the destination port (a number or a port name of the column workloads)');
  const text = matrix.string('expected', 'the expected table (rows: sources, columns: destinations)', { required: true });
  if (text === undefined || rawPort === undefined) return undefined;
  const table = readTable(matrix, text, fixture);
  if (!table) return undefined;
  const resolved = resolveMatrixPort(matrix, rawPort, protocol, table);
  if (!resolved) return undefined;
  return {
    assertion: { kind: 'matrix', rows: table.rows, columns: table.columns, port: resolved.port, protocol: resolved.protocol, expected: table.expected, rowPositions: table.rowPositions },
    derivedId: `matrix-${resolved.port}-${resolved.protocol.toLowerCase()}`,
  };
}

interface ReadTable {
  rows: WorkloadRef[];
  columns: WorkloadRef[];
  columnWorkloads: SuiteWorkload[];
  expected: MatrixCellExpectation[][];
  rowPositions: SourcePosition[];
}

function readTable(matrix: MapReader, text: string, fixture: FixtureIndex): ReadTable | undefined {
  const issues = matrix.issues;
  const path = matrix.at('expected');
  const place = tablePlacer(issues, path, text);
  const lines = tokenizeTable(text);
  const [header, ...body] = lines;
  if (!header || body.length === 0) {
    issues.add(path, 'expected a table: a header line of "<namespace>/<workload>" columns, then one line per source row');
    return undefined;
  }
  const before = issues.count;
  const columns = headerColumns(header);
  const columnWorkloads: SuiteWorkload[] = [];
  columns.forEach((token) => {
    const workload = resolveAt(issues, path, place(header.lineIndex, token.offset), token.text, `column`, fixture);
    if (!workload) return;
    if (columnWorkloads.some((w) => refText(w) === refText(workload))) {
      issues.addAt(place(header.lineIndex, token.offset), path, `column ${token.text} appears twice in the header`);
      return;
    }
    columnWorkloads.push(workload);
  });
  const rows: WorkloadRef[] = [];
  const expected: MatrixCellExpectation[][] = [];
  const rowPositions: SourcePosition[] = [];
  for (const line of body) {
    const [label, ...cells] = line.tokens;
    if (!label) continue;
    const position = place(line.lineIndex, label.offset);
    const workload = resolveAt(issues, path, position, label.text, 'row', fixture);
    if (workload && rows.some((r) => refText(r) === refText(workload))) {
      issues.addAt(position, path, `row ${label.text} appears twice`);
    }
    if (cells.length !== columns.length) {
      issues.addAt(position, path, `row ${label.text} has ${cells.length} cell${cells.length === 1 ? '' : 's'}, but the header has ${columns.length} column${columns.length === 1 ? '' : 's'}`);
    }
    const symbols: MatrixCellExpectation[] = [];
    cells.forEach((cell, c) => {
      const symbol = MATRIX_SYMBOLS[cell.text];
      if (symbol === undefined) {
        issues.addAt(place(line.lineIndex, cell.offset), path, `unknown symbol "${cell.text}" in row ${label.text}; use "." (allow), "X" (deny) or "?" (not asserted)`);
        return;
      }
      const column = columns[c]?.text;
      symbols.push(column === label.text ? 'skip' : symbol);
    });
    if (workload) {
      rows.push({ namespace: workload.namespace, name: workload.name });
      expected.push(symbols);
      rowPositions.push(position);
    }
  }
  if (issues.count > before) return undefined;
  return { rows, columns: columnWorkloads.map(workloadRef), columnWorkloads, expected, rowPositions };
}

/** Resolves a table label, reporting a problem at its place in the table. */
function resolveAt(issues: IssueList, path: FieldPath, position: SourcePosition, text: string, role: string, fixture: FixtureIndex): SuiteWorkload | undefined {
  return fixture.workload(issues.forDocument(fixedLocator(position), path), [], text, `matrix ${role}`);
}

/** Maps a line and offset of the table text to the source position (exact for `|` block scalars). */
function tablePlacer(issues: IssueList, path: FieldPath, text: string): (lineIndex: number, offset: number) => SourcePosition {
  const start = issues.position(path);
  const headerLine = issues.locator.lineText?.(start.line);
  const isLiteralBlock = headerLine !== undefined && /\|[-+0-9]*\s*(#.*)?$/.test(headerLine.slice(start.column - 1));
  const textLines = text.split(/\r?\n/);
  return (lineIndex, offset) => {
    if (!isLiteralBlock) return start;
    const line = start.line + 1 + lineIndex;
    const source = issues.locator.lineText?.(line);
    const value = textLines[lineIndex] ?? '';
    if (source === undefined || !source.endsWith(value)) return { ...start, line };
    return { file: start.file, line, column: source.length - value.length + offset + 1 };
  };
}

function resolveMatrixPort(
  matrix: MapReader,
  raw: unknown,
  protocol: Protocol | undefined,
  table: ReadTable,
): { port: number | string; protocol: Protocol } | undefined {
  let resolved: { port: number | string; protocol: Protocol } | undefined;
  let assertedColumns = 0;
  table.columnWorkloads.forEach((workload, c) => {
    const asserted = table.expected.some((row) => row[c] !== undefined && row[c] !== 'skip');
    if (!asserted) return;
    assertedColumns += 1;
    const result = resolvePort(matrix.issues, matrix.at('port'), raw, protocol, `column workload ${refText(workload)}`, workload.ports, 'workload');
    if (!result) return;
    if (resolved && resolved.protocol !== result.protocol) {
      matrix.report('port', `port "${String(raw)}" is ${resolved.protocol} on some columns and ${result.protocol} on ${refText(workload)}; give protocol explicitly`);
      return;
    }
    resolved = result;
  });
  if (assertedColumns === 0) {
    matrix.report('expected', 'no cell of the matrix is asserted (every cell is "?" or on the diagonal); assert a cell or remove the matrix');
  }
  return resolved;
}

function workloadRef(workload: { namespace: string; name: string }): WorkloadRef {
  return { namespace: workload.namespace, name: workload.name };
}
