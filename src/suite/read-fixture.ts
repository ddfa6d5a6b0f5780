/**
 * Reads `fixture:` (namespaces, workloads, Services, externals), checking names, labels, ports, references and
 * uniqueness. What cannot be read is left out (and reported), so later checks still run on the rest.
 */
import { externalAddressProblem } from './external-address.js';
import { describeCidrProblem, parseIp } from '../model/index.js';
import { PROTOCOLS, type PodPort, type Protocol } from '../model/index.js';
import { EXTERNAL_TRAFFIC_POLICIES, SERVICE_TYPES, type ExternalTrafficPolicy, type SuiteExternal, type SuiteFixture, type SuiteNamespace, type SuiteService, type SuiteServicePort, type SuiteWorkload } from './types.js';
import { checkLabels } from './check-labels.js';
import { refText } from './fixture-index.js';
import { describePorts } from './resolve-port.js';
import { describeValue, isPlainMap, MapReader, readString, type FieldPath, type IssueList } from '../util/yaml/index.js';
import { dns1035LabelProblem, dns1123LabelProblem, portNameProblem } from './k8s-names.js';
import { CLUSTER_DNS_NAMESPACE, NAMESPACE_NAME_LABEL, SUITE_FIELDS } from './suite-fields.js';

export function readFixture(suite: MapReader): SuiteFixture {
  const fixture: SuiteFixture = { namespaces: [], workloads: [], services: [], externals: [] };
  const reader = suite.map('fixture', 'the fixture', SUITE_FIELDS.fixture, { required: true });
  if (!reader) return fixture;
  const namespaceItems = reader.list('namespaces', 'the fixture namespaces', { required: true, nonEmpty: true }) ?? [];
  namespaceItems.forEach((item, i) => {
    const namespace = readNamespace(reader.issues, reader.at('namespaces', i), item);
    if (!namespace) return;
    if (fixture.namespaces.some((n) => n.name === namespace.name)) {
      reader.issues.add(reader.at('namespaces', i, 'name'), `namespace "${namespace.name}" is declared twice`);
    } else {
      fixture.namespaces.push(namespace);
    }
  });
  const namespaceNames = new Set(fixture.namespaces.map((n) => n.name));

  const workloadItems = reader.list('workloads', 'the fixture workloads', { required: true, nonEmpty: true }) ?? [];
  const workloadKeys = new Set<string>(); // a snapshot of a cluster has thousands: no quadratic look-up
  workloadItems.forEach((item, i) => {
    const workload = readWorkload(reader.issues, reader.at('workloads', i), item, namespaceNames);
    if (!workload) return;
    if (workloadKeys.has(refText(workload))) {
      reader.issues.add(reader.at('workloads', i, 'name'), `workload "${workload.name}" is declared twice in namespace ${workload.namespace}`);
    } else {
      workloadKeys.add(refText(workload));
      fixture.workloads.push(workload);
    }
  });

  (reader.list('services', 'the fixture services') ?? []).forEach((item, i) => {
    const service = readService(reader.issues, reader.at('services', i), item, namespaceNames, fixture.workloads);
    if (!service) return;
    if (fixture.services.some((s) => refText(s) === refText(service))) {
      reader.issues.add(reader.at('services', i, 'name'), `service "${service.name}" is declared twice in namespace ${service.namespace}`);
    } else {
      fixture.services.push(service);
    }
  });

  (reader.list('externals', 'the fixture externals') ?? []).forEach((item, i) => {
    const external = readExternal(reader.issues, reader.at('externals', i), item);
    if (!external) return;
    const sameName = fixture.externals.find((e) => e.name === external.name);
    const sameIp = fixture.externals.find((e) => sameAddress(e.ip, external.ip));
    if (sameName) reader.issues.add(reader.at('externals', i, 'name'), `external "${external.name}" is declared twice`);
    else if (sameIp) reader.issues.add(reader.at('externals', i, 'ip'), `externals "${sameIp.name}" and "${external.name}" have the same ip ${external.ip}; give each its own address`);
    else fixture.externals.push(external);
  });
  const podNetwork = readPodNetwork(reader);
  if (podNetwork) fixture.podNetwork = podNetwork;
  checkExternalAddresses(reader, fixture);
  return fixture;
}

/** Externals at loopback, unspecified, multicast or pod-network addresses (external-address.ts). */
function checkExternalAddresses(reader: MapReader, fixture: SuiteFixture): void {
  const items = reader.get('externals');
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => {
    const ip = isPlainMap(item) ? item['ip'] : undefined;
    if (typeof ip !== 'string') return;
    const problem = externalAddressProblem(ip, fixture.podNetwork ?? []);
    if (problem) reader.issues.add(reader.at('externals', i, 'ip'), problem);
  });
}

function readPodNetwork(reader: MapReader): string[] | undefined {
  const items = reader.list('podNetwork', 'the CIDRs pod IPs come from', { nonEmpty: true });
  if (items === undefined) return undefined;
  const cidrs: string[] = [];
  items.forEach((item, i) => {
    const path = reader.at('podNetwork', i);
    const cidr = readString(reader.issues, path, item, 'a CIDR such as 10.244.0.0/16');
    if (cidr === undefined) return;
    const problem = describeCidrProblem(cidr);
    if (problem !== undefined) reader.issues.add(path, `pod network "${cidr}" ${problem}`);
    else cidrs.push(cidr);
  });
  return cidrs.length === items.length ? cidrs : undefined;
}

function readNamespace(issues: IssueList, path: FieldPath, value: unknown): SuiteNamespace | undefined {
  const reader = MapReader.open(issues, path, value, 'a namespace', SUITE_FIELDS.namespace);
  if (!reader) return undefined;
  const name = reader.string('name', 'the namespace name', { required: true });
  const existing = readExistingFlag(reader);
  if (name !== undefined) checkNamespaceName(reader, name, existing);
  const labels = reader.stringMap('labels', 'the namespace labels') ?? {};
  checkLabels(issues, reader.at('labels'), labels);
  const implied = labels[NAMESPACE_NAME_LABEL];
  if (implied !== undefined && name !== undefined && implied !== name) {
    issues.add(reader.at('labels', NAMESPACE_NAME_LABEL), `label ${NAMESPACE_NAME_LABEL} is always the namespace name ("${name}"), found "${implied}"; remove it (it is implied)`);
  }
  if (name === undefined) return undefined;
  const { [NAMESPACE_NAME_LABEL]: _implied, ...own } = labels;
  return existing ? { name, labels: own, existing, position: issues.position(path) } : { name, labels: own, position: issues.position(path) };
}

/** `existing: true`: the namespace is there already and the run only adds its own objects to it. */
function readExistingFlag(reader: MapReader): boolean {
  const value = reader.get('existing');
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  reader.report('existing', `expected true or false (whether the namespace exists already), found ${describeValue(value)}`);
  return false;
}

function checkNamespaceName(reader: MapReader, name: string, existing: boolean): void {
  const problem = dns1123LabelProblem(name);
  if (problem) {
    reader.report('name', `namespace name "${name}" ${problem}`);
  } else if (name === CLUSTER_DNS_NAMESPACE) {
    reader.report('name', `namespace "${name}" is the cluster DNS's, which every suite sees implicitly (CoreDNS, k8s-app=kube-dns); do not declare it, and put no probe pods there`);
  } else if (!existing && (name === 'default' || name.startsWith('kube-'))) {
    reader.report('name', `namespace "${name}" already exists in every cluster; the harness never touches namespaces it did not create, so pick another name, or declare {name: ${name}, existing: true} to add the run's pods to it (the namespace itself is never changed)`);
  }
}

function readWorkload(issues: IssueList, path: FieldPath, value: unknown, namespaces: Set<string>): SuiteWorkload | undefined {
  const reader = MapReader.open(issues, path, value, 'a workload', SUITE_FIELDS.workload);
  if (!reader) return undefined;
  const name = reader.string('name', 'the workload name', { required: true });
  if (name !== undefined) {
    const problem = dns1123LabelProblem(name);
    if (problem) reader.report('name', `workload name "${name}" ${problem}`);
  }
  const namespace = readNamespaceRef(reader, namespaces);
  const labels = reader.stringMap('labels', 'the workload labels') ?? {};
  checkLabels(issues, reader.at('labels'), labels);
  const ports = readPodPorts(reader);
  if (name === undefined || namespace === undefined) return undefined;
  return { namespace, name, labels, ports, position: issues.position(path) };
}

function readNamespaceRef(reader: MapReader, namespaces: Set<string>): string | undefined {
  const namespace = reader.string('namespace', 'the namespace (a fixture namespace)', { required: true });
  if (namespace !== undefined && !namespaces.has(namespace)) {
    const known = [...namespaces].join(', ') || 'none';
    reader.report('namespace', `namespace "${namespace}" is not declared in fixture.namespaces (declared: ${known}); add it there`);
    return undefined;
  }
  return namespace;
}

function readPodPorts(reader: MapReader): PodPort[] {
  const ports: PodPort[] = [];
  (reader.list('ports', 'the ports the workload serves') ?? []).forEach((item, i) => {
    const port = MapReader.open(reader.issues, reader.at('ports', i), item, 'a workload port', SUITE_FIELDS.workloadPort);
    if (!port) return;
    const number = port.integer('port', 'the port number', 1, 65535, { required: true });
    const protocol = port.choice('protocol', 'a protocol', PROTOCOLS) ?? 'TCP';
    const name = port.string('name', 'the port name');
    if (name !== undefined) {
      const problem = portNameProblem(name);
      if (problem) port.report('name', `port name "${name}" ${problem}`);
      else if (ports.some((p) => p.name === name)) port.report('name', `port name "${name}" is used twice in this workload`);
    }
    if (number === undefined) return;
    if (ports.some((p) => p.port === number && p.protocol === protocol)) {
      port.report('port', `port ${number}/${protocol} is listed twice in this workload`);
      return;
    }
    const result: PodPort = { port: number, protocol };
    if (name !== undefined) result.name = name;
    ports.push(result);
  });
  return ports;
}

function readService(
  issues: IssueList,
  path: FieldPath,
  value: unknown,
  namespaces: Set<string>,
  workloads: readonly SuiteWorkload[],
): SuiteService | undefined {
  const reader = MapReader.open(issues, path, value, 'a service', SUITE_FIELDS.service);
  if (!reader) return undefined;
  const name = reader.string('name', 'the service name', { required: true });
  if (name !== undefined) {
    const problem = dns1035LabelProblem(name);
    if (problem) reader.report('name', `service name "${name}" ${problem}`);
  }
  const namespace = readNamespaceRef(reader, namespaces);
  const selector = readServiceSelector(reader, namespace, workloads);
  const ports = readServicePorts(reader);
  const exposure = readServiceType(reader);
  if (name === undefined || namespace === undefined || selector === undefined || exposure === undefined) return undefined;
  const selected = workloads.filter((w) => w.namespace === namespace && Object.entries(selector).every(([k, v]) => w.labels[k] === v));
  if (selected.length === 0) {
    issues.add(reader.at(reader.has('workload') ? 'workload' : 'selector'), `service ${namespace}/${name} selects no workload of namespace ${namespace}; its selector ${JSON.stringify(selector)} must match a workload's labels`);
  } else {
    ports.forEach((port) => checkTargetPort(reader, port, selected));
  }
  return { namespace, name, selector, ports: ports.map((p) => p.port), ...exposure, position: issues.position(path) };
}

/**
 * `type` (ClusterIP, the default, or NodePort) and `externalTrafficPolicy` (NodePort only; Kubernetes' default
 * `Cluster` when absent). Undefined after reporting a problem.
 */
function readServiceType(reader: MapReader): Pick<SuiteService, 'type' | 'externalTrafficPolicy'> | undefined {
  const rawType = reader.get('type');
  if (rawType === 'LoadBalancer' || rawType === 'ExternalName') {
    const why = rawType === 'LoadBalancer'
      ? 'a LoadBalancer needs a cloud provider or a load-balancer controller, and what its address forwards (and whether the client\'s IP survives) depends on them, so no policy verdict about it could be trusted'
      : 'an ExternalName Service is a DNS alias with no pods behind it, so no NetworkPolicy applies to it';
    reader.report('type', `service type ${rawType} is not supported: ${why}; use ClusterIP (the default) or NodePort`);
    return undefined;
  }
  const type = reader.choice('type', 'the service type', SERVICE_TYPES);
  const policy = reader.choice('externalTrafficPolicy', 'the external traffic policy', EXTERNAL_TRAFFIC_POLICIES);
  if ((reader.has('type') && type === undefined) || (reader.has('externalTrafficPolicy') && policy === undefined)) return undefined;
  if (type !== 'NodePort') {
    if (policy === undefined) return {};
    reader.report('externalTrafficPolicy', `externalTrafficPolicy applies only to traffic from outside the cluster, which a ${type ?? 'ClusterIP'} Service does not receive; add "type: NodePort" or remove externalTrafficPolicy`);
    return undefined;
  }
  const externalTrafficPolicy: ExternalTrafficPolicy = policy ?? 'Cluster';
  return { type, externalTrafficPolicy };
}

function readServiceSelector(reader: MapReader, namespace: string | undefined, workloads: readonly SuiteWorkload[]): Record<string, string> | undefined {
  if (reader.has('workload') && reader.has('selector')) {
    reader.report('selector', 'give either "workload" (select that workload\'s labels) or "selector", not both');
    return undefined;
  }
  if (reader.has('selector')) {
    const selector = reader.stringMap('selector', 'the service selector');
    if (selector && Object.keys(selector).length === 0) {
      reader.report('selector', 'a service selector must not be empty (a Service without a selector has no endpoints); give labels or use "workload"');
      return undefined;
    }
    if (selector && !checkLabels(reader.issues, reader.at('selector'), selector)) return undefined;
    return selector;
  }
  const workloadName = reader.string('workload', 'the workload the service selects');
  if (workloadName === undefined) {
    if (!reader.has('workload')) reader.missing('workload', 'the workload the service fronts', 'or give "selector" (labels)');
    return undefined;
  }
  if (namespace === undefined) return undefined;
  const [first, second] = workloadName.split('/');
  const bare = second === undefined ? first : first === namespace ? second : undefined;
  if (bare === undefined) {
    reader.report('workload', `a service selects workloads of its own namespace (${namespace}); found "${workloadName}"`);
    return undefined;
  }
  const workload = workloads.find((w) => w.namespace === namespace && w.name === bare);
  if (!workload) {
    const names = workloads.filter((w) => w.namespace === namespace).map((w) => w.name).join(', ') || 'none';
    reader.report('workload', `workload "${bare}" is not a workload of namespace ${namespace} (workloads there: ${names})`);
    return undefined;
  }
  if (Object.keys(workload.labels).length === 0) {
    reader.report('workload', `workload ${refText(workload)} has no labels, so a service cannot select it; give it labels`);
    return undefined;
  }
  return { ...workload.labels };
}

interface ReadServicePort {
  port: SuiteServicePort;
  index: number;
  /** The field that names the target: targetPort when given, else port. */
  field: 'targetPort' | 'port';
}

function readServicePorts(reader: MapReader): ReadServicePort[] {
  const items = reader.list('ports', 'the service ports', { required: true, nonEmpty: true }) ?? [];
  const result: ReadServicePort[] = [];
  items.forEach((item, index) => {
    const port = MapReader.open(reader.issues, reader.at('ports', index), item, 'a service port', SUITE_FIELDS.servicePort);
    if (!port) return;
    const number = port.integer('port', 'the service port number', 1, 65535, { required: true });
    const protocol: Protocol = port.choice('protocol', 'a protocol', PROTOCOLS) ?? 'TCP';
    const name = port.string('name', 'the service port name');
    if (name !== undefined) {
      const problem = dns1123LabelProblem(name);
      if (problem) port.report('name', `service port name "${name}" ${problem}`);
      else if (result.some((p) => p.port.name === name)) port.report('name', `service port name "${name}" is used twice`);
    } else if (items.length > 1) {
      port.missing('name', 'a name for the port', 'a Service with more than one port must name each one');
    }
    const rawTarget = port.get('targetPort');
    let targetPort: number | string | undefined = number;
    if (typeof rawTarget === 'string') {
      const problem = portNameProblem(rawTarget);
      if (problem) port.report('targetPort', `targetPort "${rawTarget}" ${problem}`);
      targetPort = problem ? undefined : rawTarget;
    } else if (rawTarget !== undefined) {
      targetPort = port.integer('targetPort', 'targetPort', 1, 65535);
    }
    if (number === undefined || targetPort === undefined) return;
    if (result.some((p) => p.port.port === number && p.port.protocol === protocol)) {
      port.report('port', `service port ${number}/${protocol} is listed twice`);
      return;
    }
    const servicePort: SuiteServicePort = { port: number, targetPort, protocol };
    if (name !== undefined) servicePort.name = name;
    result.push({ port: servicePort, index, field: rawTarget === undefined ? 'port' : 'targetPort' });
  });
  return result;
}

/** Every workload the service selects must serve the target port, or probes through the Service test nothing. */
function checkTargetPort(
  reader: MapReader,
  { port, index, field }: ReadServicePort,
  selected: readonly SuiteWorkload[],
): void {
  for (const workload of selected) {
    const served = workload.ports.some((p) =>
      typeof port.targetPort === 'number' ? p.port === port.targetPort && p.protocol === port.protocol : p.name === port.targetPort && p.protocol === port.protocol,
    );
    if (!served) {
      reader.issues.add(reader.at('ports', index, field), `the service forwards to ${typeof port.targetPort === 'number' ? `port ${port.targetPort}/${port.protocol}` : `the port named "${port.targetPort}" (${port.protocol})`}, but selected workload ${refText(workload)} does not serve it (it serves ${describePorts(workload.ports)})`);
    }
  }
}

function readExternal(issues: IssueList, path: FieldPath, value: unknown): SuiteExternal | undefined {
  const reader = MapReader.open(issues, path, value, 'an external', SUITE_FIELDS.external);
  if (!reader) return undefined;
  const name = reader.string('name', 'the external name', { required: true });
  if (name !== undefined) {
    const problem = dns1123LabelProblem(name);
    if (problem) reader.report('name', `external name "${name}" ${problem}`);
  }
  const ip = reader.string('ip', 'the address the external answers at (a literal IPv4 or IPv6 address)', { required: true });
  if (ip !== undefined && !parseIp(ip)) {
    reader.report('ip', `"${ip}" is not a literal IPv4 or IPv6 address${ip.includes('/') ? ' (give one address, not a CIDR)' : ''}`);
  }
  const ports: SuiteExternal['ports'] = [];
  (reader.list('ports', 'the ports the external serves (none: it is only a client, a source of connections)') ?? []).forEach((item, i) => {
    const port = MapReader.open(issues, reader.at('ports', i), item, 'an external port', SUITE_FIELDS.externalPort);
    if (!port) return;
    const number = port.integer('port', 'the port number', 1, 65535, { required: true });
    const protocol = port.choice('protocol', 'a protocol', PROTOCOLS) ?? 'TCP';
    if (number === undefined) return;
    if (ports.some((p) => p.port === number && p.protocol === protocol)) port.report('port', `port ${number}/${protocol} is listed twice`);
    else ports.push({ port: number, protocol });
  });
  if (name === undefined || ip === undefined || !parseIp(ip)) return undefined;
  return { name, ip, ports, position: issues.position(path) };
}

function sameAddress(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}
