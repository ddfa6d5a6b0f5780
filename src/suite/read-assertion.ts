/**
 * Reads one assertion in any of its three forms (connect, `dns:`, `matrix:`), resolving every reference against
 * the fixture and checking that the destination actually serves the port and protocol asked about. Ids are
 * assigned afterwards (assign-assertion-ids.ts), once every explicit id of the suite is known.
 */
import { PROTOCOLS } from '../model/index.js';
import { preservesClientIp, type Assertion, type ConnectAssertion, type ConnectExpectation, type DnsAssertion, type DnsExpectation, type SourceRef, type SuiteExternal, type SuiteService, type SuiteWorkload, type TargetRef, type WorkloadRef } from './types.js';
import { describeValue, isPlainMap, MapReader, type FieldPath, type IssueList } from '../util/yaml/index.js';
import { refText, type FixtureIndex } from './fixture-index.js';
import { dnsNameProblem } from './k8s-names.js';
import { checkFamilyEnds, readFamily } from './read-family.js';
import { readMatrix } from './read-matrix.js';
import { resolvePort, type PortNames, type ServedPort } from './resolve-port.js';
import { SUITE_FIELDS } from './suite-fields.js';

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
  const expectPath = form === 'dns' ? ['dns', 'expect'] : form === 'matrix' ? ['matrix', 'expected'] : ['expect'];
  const assertion = { ...base, expectPosition: issues.position([...path, ...expectPath], 'key'), ...read.assertion } as Assertion;
  return { assertion, derivedId: read.derivedId, path, ...(explicitId !== undefined ? { explicitId } : {}) };
}

type AssertionBody<T extends Assertion> = T extends Assertion ? Omit<T, 'id' | 'position' | 'description'> : never;

function readConnect(reader: MapReader, fixture: FixtureIndex): { assertion: AssertionBody<ConnectAssertion>; derivedId: string } | undefined {
  const from = readConnectSource(reader, fixture);
  const target = readTarget(reader, fixture);
  const protocol = reader.choice('protocol', 'a protocol', PROTOCOLS);
  const family = readFamily(reader);
  const expect = reader.choice('expect', 'the expectation', CONNECT_EXPECTATIONS, { required: true });
  if (!reader.has('port')) reader.missing('port', 'the destination port (a number or a port name)');
  if (!from || !target || !reader.has('port') || (reader.has('protocol') && !protocol) || !expect || (reader.has('family') && !family)) return undefined;
  if (family !== undefined) {
    const externals = [from.kind === 'external' ? from.external : undefined, target.external].filter((e): e is SuiteExternal => e !== undefined);
    if (!checkFamilyEnds(reader, family, { podNetwork: fixture.podNetwork, externals })) return undefined;
  }
  if (from.kind === 'external') {
    if (!externalSourceTargetAllowed(reader, from.external, target)) return undefined;
  } else if (target.ref.kind === 'workload' && target.ref.namespace === from.workload.namespace && target.ref.name === from.workload.name) {
    reader.report('to', `the assertion connects ${refText(from.workload)} to itself: NetworkPolicy never filters a pod's traffic to itself (it does not leave the pod), so this is never asserted; name another destination`);
    return undefined;
  }
  const resolved = resolvePort(reader.issues, reader.at('port'), reader.get('port'), protocol, target.label, target.ports, target.names);
  if (!resolved) return undefined;
  const source = from.kind === 'external' ? `external-${from.external.name}` : `${from.workload.namespace}-${from.workload.name}`;
  const derivedId = `${source}-to-${target.slug}-${resolved.port}-${resolved.protocol.toLowerCase()}${family !== undefined ? `-ipv${family}` : ''}`;
  const ref: SourceRef = from.kind === 'external' ? { external: from.external.name } : workloadRef(from.workload);
  return {
    assertion: { kind: 'connect', from: ref, to: target.ref, port: resolved.port, protocol: resolved.protocol, expect, ...(family !== undefined ? { family } : {}) },
    derivedId,
  };
}

type ReadSource = { kind: 'workload'; workload: SuiteWorkload } | { kind: 'external'; external: SuiteExternal };

/** `from:` of a connect assertion: "<namespace>/<workload>", {workload: ...} or {external: <name>}. */
function readConnectSource(reader: MapReader, fixture: FixtureIndex): ReadSource | undefined {
  const value = reader.get('from');
  if (value === undefined) {
    reader.missing('from', 'the source: "<namespace>/<workload>", {workload: ...} or {external: <name>}');
    return undefined;
  }
  if (!isPlainMap(value)) {
    const workload = readSource(reader, 'from', fixture);
    return workload ? { kind: 'workload', workload } : undefined;
  }
  const from = MapReader.open(reader.issues, reader.at('from'), value, 'the source', SUITE_FIELDS.source);
  if (!from) return undefined;
  const present = SUITE_FIELDS.source.filter((key) => from.has(key));
  if (present.length !== 1) {
    reader.report('from', present.length === 0
      ? 'the source must give one of workload or external'
      : `the source must give exactly one of workload or external; found ${present.join(' and ')}`);
    return undefined;
  }
  if (from.has('workload')) {
    const workload = fixture.workload(reader.issues, from.at('workload'), from.get('workload'), 'source workload');
    return workload ? { kind: 'workload', workload } : undefined;
  }
  const external = fixture.external(reader.issues, from.at('external'), from.get('external'), 'source external');
  return external ? { kind: 'external', external } : undefined;
}

/**
 * An external source reaches workloads, and Services from outside the cluster: a NodePort Service with
 * `externalTrafficPolicy: Local` (the node forwards to its own backends and keeps the client's address). A
 * connection between two externals never crosses the cluster; a ClusterIP exists only inside it; with
 * `externalTrafficPolicy: Cluster` the node may SNAT the client to its own address, so the ipBlock rules would
 * judge the node, not the client, and no verdict could be trusted.
 */
function externalSourceTargetAllowed(reader: MapReader, external: SuiteExternal, target: ReadTarget): boolean {
  const source = `external ${external.name} (${external.ip})`;
  if (target.ref.kind === 'external') {
    reader.report('to', `the source is ${source} and the destination is ${target.label}: traffic between two externals never enters the cluster, so no NetworkPolicy decides it; give a workload as the destination`);
    return false;
  }
  const service = target.service;
  if (target.ref.kind !== 'service' || !service || preservesClientIp(service)) return true;
  const where = `(${service.position.file}:${service.position.line})`;
  if (service.type !== 'NodePort') {
    reader.report('to', `the source is ${source}, but ${target.label} is a ClusterIP Service, reachable only from inside the cluster; declare it with "type: NodePort" and "externalTrafficPolicy: Local" ${where}, or give its backend workload as the destination ("<namespace>/<workload>")`);
  } else {
    reader.report('to', `the source is ${source}, but NodePort ${target.label} has externalTrafficPolicy: Cluster (the Kubernetes default when none is given): a node may forward the connection to a backend elsewhere and SNAT the client to a node address, so ipBlock rules would see the node's IP, not ${external.ip}, and no verdict about the client could be trusted; write "externalTrafficPolicy: Local" on the Service ${where}`);
  }
  return false;
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
  names: PortNames;
  external?: SuiteExternal;
  service?: SuiteService;
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
      service,
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
    external,
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

function readDns(reader: MapReader, fixture: FixtureIndex): { assertion: AssertionBody<DnsAssertion>; derivedId: string } | undefined {
  const dns = reader.map('dns', 'the DNS lookup', SUITE_FIELDS.dns, { required: true });
  if (!dns) return undefined;
  const fromValue = dns.get('from');
  if (isPlainMap(fromValue) && fromValue['external'] !== undefined) {
    dns.report('from', 'a DNS lookup is made from a workload ("<namespace>/<workload>"): an external source is a client outside the cluster, which does not use the cluster DNS; assert connections from it instead');
    return undefined;
  }
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

function workloadRef(workload: { namespace: string; name: string }): WorkloadRef {
  return { namespace: workload.namespace, name: workload.name };
}
