/**
 * Reads one case file of the corpus (cases/<slug>.yaml): a matrix case (steps with cumulative policies, label
 * overrides that persist, probes with expected tables) or a traffic-check case (ad-hoc peers, single connections).
 * Every problem is recorded with its line:col and field; the result is undefined when there was any.
 */
import { isValidIp } from '../model/index.js';
import { PROTOCOLS, type Labels, type NamespaceInfo, type NetworkPolicy, type PodInfo, type PodPort, type Protocol } from '../model/index.js';
import { readPolicyObject } from '../suite/index.js';
import { isPlainMap, type FieldPath, type PathReader, type PlainMap } from '../util/yaml/index.js';
import type {
  CaseProbe,
  CaseStep,
  CheckPeer,
  CorpusCase,
  CorpusModel,
  LabelOverrides,
  MatrixCase,
  ServedPorts,
  TrafficCheck,
  TrafficCheckCase,
} from './corpus-types.js';
import { findIpBlockReferences } from './ipblock-references.js';
import { readExpectedTable } from './read-expected-table.js';

const CASE_KINDS = ['matrix', 'traffic-checks'] as const;

/** The container port name of a served (port, protocol): model.yaml's `containers.rule.port_name`. */
export function servedPortName(port: number, protocol: Protocol): string {
  return `serve-${port}-${protocol.toLowerCase()}`;
}

/** The container ports every pod of a matrix case runs: one per port and protocol, in that nesting order. */
export function servedContainerPorts(served: ServedPorts): PodPort[] {
  return served.ports.flatMap((port) => served.protocols.map((protocol) => ({ port, protocol, name: servedPortName(port, protocol) })));
}

function optionalStringList(reader: PathReader, object: PlainMap, key: string, path: FieldPath): string[] {
  if (object[key] === undefined || object[key] === null) return [];
  return reader.stringList(object[key], [...path, key]) ?? [];
}

function optionalString(reader: PathReader, object: PlainMap, key: string, path: FieldPath): string | undefined {
  if (object[key] === undefined || object[key] === null) return undefined;
  return reader.string(object[key], [...path, key]);
}

/**
 * A NetworkPolicy of a case, checked by the API server's rules (the suite's validator). The corpus also wants
 * `spec.podSelector` written out, as upstream always builds it: a missing one is a slip in transcription.
 */
function readPolicy(reader: PathReader, value: unknown, path: FieldPath): NetworkPolicy | undefined {
  const policy = readPolicyObject(reader.issues.within(path), value);
  const spec = isPlainMap(value) ? value['spec'] : undefined;
  if (isPlainMap(spec) && reader.required(spec, 'podSelector', [...path, 'spec']) === undefined) return undefined;
  return policy;
}

function readPolicies(reader: PathReader, value: unknown, path: FieldPath): NetworkPolicy[] | undefined {
  if (value === null) return [];
  const policies = reader.listOf(value, path, (v, p) => readPolicy(reader, v, p));
  if (policies === undefined) return undefined;
  const seen = new Map<string, number>();
  let ok = true;
  policies.forEach((policy, i) => {
    const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      reader.problem([...path, i, 'metadata', 'name'], `policy ${key} appears twice in one state (first as item ${first + 1}); a step lists every policy that exists once`);
      ok = false;
    } else seen.set(key, i);
  });
  return ok ? policies : undefined;
}

function readServed(reader: PathReader, root: PlainMap): ServedPorts | undefined {
  const served = reader.map(reader.required(root, 'served', []), ['served']);
  if (served === undefined) return undefined;
  const ports = reader.listOf(reader.required(served, 'ports', ['served']), ['served', 'ports'], (v, p) => reader.integer(v, p, 1, 65535));
  const protocols = reader.listOf(reader.required(served, 'protocols', ['served']), ['served', 'protocols'], (v, p) => reader.choice(v, PROTOCOLS, p));
  return ports === undefined || protocols === undefined ? undefined : { ports, protocols };
}

function readCasePods(reader: PathReader, root: PlainMap, model: CorpusModel): string[] | undefined {
  const value = reader.required(root, 'pods', []);
  if (value === undefined) return undefined;
  if (value === 'all') return [...model.matrixOrder];
  const pods = reader.listOf(value, ['pods'], (v, p) => {
    const key = reader.string(v, p);
    if (key !== undefined && !model.pods.some((pod) => pod.key === key)) {
      reader.problem(p, `unknown pod ${key}: expected one of ${model.matrixOrder.join(', ')} (or pods: all)`);
      return undefined;
    }
    return key;
  });
  if (pods !== undefined && pods.length === 0) {
    reader.problem(['pods'], 'expected "all" or a non-empty list of pods, found an empty list');
    return undefined;
  }
  return pods;
}

function readLabelOverrides(reader: PathReader, value: unknown, path: FieldPath, namespaces: readonly string[], pods: readonly string[]): LabelOverrides | undefined {
  const overrides: LabelOverrides = { namespaces: {}, pods: {} };
  if (value === undefined || value === null) return overrides;
  const object = reader.map(value, path);
  if (object === undefined) return undefined;
  let ok = true;
  for (const key of Object.keys(object)) {
    if (key !== 'namespaces' && key !== 'pods') {
      reader.problem([...path, key], `unknown field "${key}" (expected namespaces, pods)`, 'key');
      ok = false;
    }
  }
  const section = (key: 'namespaces' | 'pods', known: readonly string[]) => {
    if (object[key] === undefined || object[key] === null) return;
    const entries = reader.map(object[key], [...path, key]);
    if (entries === undefined) {
      ok = false;
      return;
    }
    for (const [name, labels] of Object.entries(entries)) {
      const entryPath = [...path, key, name];
      if (!known.includes(name)) {
        reader.problem(entryPath, `unknown ${key === 'pods' ? 'pod' : 'namespace'} ${name}: expected one of ${known.join(', ')}`, 'key');
        ok = false;
        continue;
      }
      const read = reader.stringMap(labels, entryPath);
      if (read === undefined) ok = false;
      else overrides[key][name] = read;
    }
  };
  section('namespaces', namespaces);
  section('pods', pods);
  return ok ? overrides : undefined;
}

function readProbe(reader: PathReader, value: unknown, path: FieldPath, index: number, pods: readonly string[]): CaseProbe | undefined {
  const object = reader.map(value, path);
  if (object === undefined) return undefined;
  const port = reader.integer(reader.required(object, 'port', path), [...path, 'port'], 1, 65535);
  const protocol = reader.choice(reader.required(object, 'protocol', path), PROTOCOLS, [...path, 'protocol']);
  const expectedText = reader.string(reader.required(object, 'expected', path), [...path, 'expected']);
  const table = expectedText === undefined ? undefined : readExpectedTable(reader, expectedText, [...path, 'expected'], pods);
  let upstreamExpectation: Record<string, unknown>[] | undefined;
  if (object.upstream_expectation !== undefined && object.upstream_expectation !== null) {
    upstreamExpectation = reader.listOf(object.upstream_expectation, [...path, 'upstream_expectation'], (v, p) => reader.map(v, p));
  }
  let helperDiagonalBlocked: string[] | undefined;
  if (object.helper_diagonal_blocked !== undefined) {
    helperDiagonalBlocked = reader.stringList(object.helper_diagonal_blocked, [...path, 'helper_diagonal_blocked']);
  }
  if (port === undefined || protocol === undefined || table === undefined) return undefined;
  const probe: CaseProbe = {
    index,
    port,
    protocol,
    rows: table.rows,
    columns: table.columns,
    expected: table.expected,
    position: reader.issues.position([...path, 'expected'], 'key'),
    rowPositions: table.rowPositions,
  };
  if (upstreamExpectation !== undefined) probe.upstreamExpectation = upstreamExpectation;
  if (helperDiagonalBlocked !== undefined) probe.helperDiagonalBlocked = helperDiagonalBlocked;
  return probe;
}

interface CaseTopology {
  model: CorpusModel;
  pods: string[];
  served: ServedPorts;
}

function caseNamespaces(topology: CaseTopology, policies: readonly NetworkPolicy[]): string[] {
  const wanted = new Set<string>();
  for (const key of topology.pods) wanted.add(key.slice(0, key.indexOf('/')));
  for (const policy of policies) wanted.add(policy.metadata.namespace);
  return topology.model.namespaces.map((n) => n.name).filter((n) => wanted.has(n));
}

function buildState(topology: CaseTopology, labels: LabelOverrides, policies: NetworkPolicy[]) {
  const ports = servedContainerPorts(topology.served);
  const namespaces: NamespaceInfo[] = caseNamespaces(topology, policies).map((name) => ({
    name,
    labels: labels.namespaces[name] ?? topology.model.namespaces.find((n) => n.name === name)?.labels ?? {},
  }));
  const pods: PodInfo[] = topology.pods.map((key) => {
    const pod = topology.model.pods.find((p) => p.key === key);
    if (pod === undefined) throw new Error(`internal error: pod ${key} was validated against model.yaml but is missing`);
    return { namespace: pod.namespace, name: pod.name, labels: labels.pods[key] ?? pod.labels, ips: [pod.ip], ports: ports.map((p) => ({ ...p })) };
  });
  return { namespaces, pods, policies };
}

function readSteps(reader: PathReader, root: PlainMap, topology: CaseTopology): CaseStep[] | undefined {
  const values = reader.list(reader.required(root, 'steps', []), ['steps']);
  if (values === undefined) return undefined;
  if (values.length === 0) {
    reader.problem(['steps'], 'expected at least one step, found an empty list');
    return undefined;
  }
  const namespaceNames = topology.model.namespaces.map((n) => n.name);
  const inForce: LabelOverrides = { namespaces: {}, pods: {} };
  const steps: CaseStep[] = [];
  let ok = true;
  values.forEach((value, s) => {
    const path = ['steps', s];
    const object = reader.map(value, path);
    if (object === undefined) {
      ok = false;
      return;
    }
    const stepNumber = reader.integer(reader.required(object, 'step', path), [...path, 'step'], 1, 1000);
    if (stepNumber !== undefined && stepNumber !== s + 1) {
      reader.problem([...path, 'step'], `expected step ${s + 1} (steps are numbered in order from 1), found ${stepNumber}`);
      ok = false;
    }
    const actions = optionalStringList(reader, object, 'actions', path);
    const labels = readLabelOverrides(reader, object.labels, [...path, 'labels'], namespaceNames, topology.pods);
    const policies = readPolicies(reader, reader.required(object, 'policies', path), [...path, 'policies']);
    policies?.forEach((policy, i) => {
      if (!namespaceNames.includes(policy.metadata.namespace)) {
        reader.problem([...path, 'policies', i, 'metadata', 'namespace'], `namespace ${policy.metadata.namespace} is not in model.yaml (expected one of ${namespaceNames.join(', ')})`);
        ok = false;
      }
    });
    const probeValues = reader.list(reader.required(object, 'probes', path), [...path, 'probes']);
    if (probeValues !== undefined && probeValues.length === 0) {
      reader.problem([...path, 'probes'], 'expected at least one probe, found an empty list');
      ok = false;
    }
    const probes = (probeValues ?? []).map((v, i) => readProbe(reader, v, [...path, 'probes', i], i, topology.pods));
    if (stepNumber === undefined || labels === undefined || policies === undefined || probeValues === undefined || probes.some((p) => p === undefined)) {
      ok = false;
      return;
    }
    Object.assign(inForce.namespaces, labels.namespaces);
    Object.assign(inForce.pods, labels.pods);
    steps.push({
      step: stepNumber,
      actions,
      labels,
      state: buildState(topology, { namespaces: { ...inForce.namespaces }, pods: { ...inForce.pods } }, policies),
      policyPositions: policies.map((_, i) => reader.issues.position([...path, 'policies', i])),
      probes: probes as CaseProbe[],
      position: reader.issues.position(path),
    });
  });
  return ok ? steps : undefined;
}

function readDerivation(reader: PathReader, root: PlainMap): Record<string, string> | undefined {
  if (root.ipblock_derivation === undefined || root.ipblock_derivation === null) return undefined;
  return reader.stringMap(root.ipblock_derivation, ['ipblock_derivation']);
}

function readMatrixCase(reader: PathReader, root: PlainMap, base: CaseBaseFields, model: CorpusModel): MatrixCase | undefined {
  const served = readServed(reader, root);
  const pods = readCasePods(reader, root, model);
  const selfConnections = optionalString(reader, root, 'self_connections', []) ?? 'not-asserted';
  const latest = root.upstream_latest_topology === undefined ? undefined : reader.stringList(root.upstream_latest_topology, ['upstream_latest_topology']);
  const derivation = readDerivation(reader, root);
  if (served === undefined || pods === undefined) return undefined;
  const steps = readSteps(reader, root, { model, pods, served });
  if (steps === undefined) return undefined;
  const ipBlockReferences = steps.flatMap((step, s) =>
    findIpBlockReferences(step.step, step.state.policies, step.state.pods, ['steps', s, 'policies'], reader.issues.locator),
  );
  const matrixCase: MatrixCase = { kind: 'matrix', ...base, served, pods, selfConnections, ipBlockReferences, steps };
  if (latest !== undefined) matrixCase.upstreamLatestTopology = latest;
  if (derivation !== undefined) matrixCase.ipblockDerivation = derivation;
  return matrixCase;
}

function readCheckPeer(reader: PathReader, value: unknown, path: FieldPath): CheckPeer | undefined {
  const object = reader.map(value, path);
  if (object === undefined) return undefined;
  const kind = reader.choice(reader.required(object, 'kind', path), ['pod', 'external'] as const, [...path, 'kind']);
  const ip = reader.string(reader.required(object, 'ip', path), [...path, 'ip']);
  if (ip !== undefined && !isValidIp(ip)) {
    reader.problem([...path, 'ip'], `expected an IPv4 or IPv6 address, found ${JSON.stringify(ip)}`);
    return undefined;
  }
  if (kind === undefined || ip === undefined) return undefined;
  if (kind === 'external') return { kind, ip };
  const namespace = reader.string(reader.required(object, 'namespace', path), [...path, 'namespace']);
  const labelsOf = (key: string): Labels | undefined =>
    object[key] === undefined || object[key] === null ? {} : reader.stringMap(object[key], [...path, key]);
  const namespaceLabels = labelsOf('namespace_labels');
  const podLabels = labelsOf('pod_labels');
  let containerPorts: Extract<CheckPeer, { kind: 'pod' }>['containerPorts'] | undefined = [];
  if (object.container_ports !== undefined && object.container_ports !== null) {
    containerPorts = reader.listOf(object.container_ports, [...path, 'container_ports'], (v, p) => {
      const port = reader.map(v, p);
      if (port === undefined) return undefined;
      const name = optionalString(reader, port, 'name', p);
      const protocol = reader.choice(reader.required(port, 'protocol', p), PROTOCOLS, [...p, 'protocol']);
      const raw = reader.required(port, 'containerPort', p);
      const containerPort = raw === null ? null : reader.integer(raw, [...p, 'containerPort'], 1, 65535);
      if (protocol === undefined || containerPort === undefined) return undefined;
      return name === undefined ? { protocol, containerPort } : { name, protocol, containerPort };
    });
  }
  if (namespace === undefined || namespaceLabels === undefined || podLabels === undefined || containerPorts === undefined) return undefined;
  return { kind, namespace, namespaceLabels, podLabels, ip, containerPorts };
}

function readCheck(reader: PathReader, value: unknown, path: FieldPath, index: number): TrafficCheck | undefined {
  const object = reader.map(value, path);
  if (object === undefined) return undefined;
  const it = reader.string(reader.required(object, 'it', path), [...path, 'it']);
  const source = readCheckPeer(reader, reader.required(object, 'source', path), [...path, 'source']);
  const destination = readCheckPeer(reader, reader.required(object, 'destination', path), [...path, 'destination']);
  const rawPort = object.port;
  const port = rawPort === undefined || rawPort === null ? null : reader.integer(rawPort, [...path, 'port'], 1, 65535);
  const portName = optionalString(reader, object, 'port_name', path);
  const protocol = reader.choice(reader.required(object, 'protocol', path), PROTOCOLS, [...path, 'protocol']);
  const expected = reader.choice(reader.required(object, 'expected', path), ['allowed', 'blocked'] as const, [...path, 'expected']);
  if (port === null && portName === undefined) {
    reader.problem(path, 'a check needs "port" or "port_name", found neither');
    return undefined;
  }
  if (it === undefined || source === undefined || destination === undefined || port === undefined || protocol === undefined || expected === undefined) {
    return undefined;
  }
  if (source.kind === 'pod' && destination.kind === 'pod' && source.namespace === destination.namespace && JSON.stringify(source.namespaceLabels) !== JSON.stringify(destination.namespaceLabels)) {
    reader.problem([...path, 'destination', 'namespace_labels'], `namespace ${destination.namespace} is given different labels for the source and the destination`);
    return undefined;
  }
  const check: TrafficCheck = { index, it, source, destination, port, protocol, expected, position: reader.issues.position(path) };
  if (portName !== undefined) check.portName = portName;
  return check;
}

function readTrafficCheckCase(reader: PathReader, root: PlainMap, base: CaseBaseFields): TrafficCheckCase | undefined {
  const policies = readPolicies(reader, reader.required(root, 'policies', []), ['policies']);
  const checkValues = reader.list(reader.required(root, 'checks', []), ['checks']);
  if (checkValues !== undefined && checkValues.length === 0) reader.problem(['checks'], 'expected at least one check, found an empty list');
  const checks = (checkValues ?? []).map((v, i) => readCheck(reader, v, ['checks', i], i));
  const semantics = optionalString(reader, root, 'semantics', []);
  if (policies === undefined || checkValues === undefined || checkValues.length === 0 || checks.some((c) => c === undefined)) return undefined;
  const trafficCase: TrafficCheckCase = {
    kind: 'traffic-checks',
    ...base,
    policies,
    policyPositions: policies.map((_, i) => reader.issues.position(['policies', i])),
    checks: checks as TrafficCheck[],
  };
  if (semantics !== undefined) trafficCase.semantics = semantics;
  return trafficCase;
}

type CaseBaseFields = Omit<MatrixCase, 'kind' | 'served' | 'pods' | 'selfConnections' | 'upstreamLatestTopology' | 'ipblockDerivation' | 'ipBlockReferences' | 'steps'>;

/** Reads the parsed case file `file` (`value`) whose base name is `slug`; undefined when any problem was recorded. */
export function readCase(reader: PathReader, value: unknown, file: string, slug: string, model: CorpusModel): CorpusCase | undefined {
  const before = reader.issues.count;
  const root = reader.map(value, []);
  if (root === undefined) return undefined;
  const name = reader.string(reader.required(root, 'name', []), ['name']);
  if (name !== undefined && name !== slug) reader.problem(['name'], `expected the case name to equal its file name ${JSON.stringify(slug)}, found ${JSON.stringify(name)}`);
  const upstream = reader.string(reader.required(root, 'upstream', []), ['upstream']);
  const source = reader.string(reader.required(root, 'source', []), ['source']);
  const upstreamFullName = optionalString(reader, root, 'upstream_full_name', []);
  const features = optionalStringList(reader, root, 'features', []);
  const notes = optionalStringList(reader, root, 'notes', []);
  const kind = root.kind === undefined ? 'matrix' : reader.choice(root.kind, CASE_KINDS, ['kind']);
  if (name === undefined || upstream === undefined || source === undefined || kind === undefined) return undefined;
  const base: CaseBaseFields = { name, file, upstream, source, features, notes, position: reader.issues.position([]) };
  if (upstreamFullName !== undefined) base.upstreamFullName = upstreamFullName;
  const read = kind === 'matrix' ? readMatrixCase(reader, root, base, model) : readTrafficCheckCase(reader, root, base);
  return reader.issues.count === before ? read : undefined;
}
