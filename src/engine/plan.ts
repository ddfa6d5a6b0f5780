/**
 * Planning: a validated Suite becomes, per step, the cluster state the model evaluates and the list of cells
 * (single connections or lookups) to judge. Static verify and the live run share this plan, so both judge
 * exactly the same cells with the same names and ids. Names describe the connection; reporters add the step
 * for cells after step 0.
 */
import type { ClusterState, IpFamily, NamespaceInfo, NetworkPolicy, PodInfo, Protocol } from '../model/index.js';
import { familyName, podKey } from '../model/index.js';
import type {
  Assertion,
  ConnectAssertion,
  DnsAssertion,
  MatrixAssertion,
  LoadedPolicy,
  Suite,
  SuiteExternal,
  SuiteService,
  SuiteServicePort,
  SuiteStep,
  SuiteWorkload,
  SourceRef,
  TargetRef,
  WorkloadRef,
  LabelsInForce,
} from '../suite/index.js';
import { fixtureLabels, isExternalSourceRef, labelsAfter } from '../suite/index.js';
import type { SourcePosition } from '../util/index.js';
import type { Expectation, MatrixSymbol } from '../results/index.js';
import { CLUSTER_DNS } from './cluster-dns.js';
import { appendAll } from '../util/index.js';

/** `<namespace>/<name>` */
export function refKey(ref: WorkloadRef): string {
  return podKey(ref);
}

/**
 * Where a cell's connection starts: a workload's probe pod, or an external (a client container beside the
 * cluster, at exactly its declared IP). DNS cells always start at a workload.
 */
export type CellSource = SuiteWorkload | SuiteExternal;

/** The external a cell starts at, or undefined when it starts at a workload. */
export function externalSource(source: CellSource): SuiteExternal | undefined {
  return 'ip' in source ? source : undefined;
}

/** The workload a cell starts at, or undefined when it starts at an external. */
export function workloadSource(source: CellSource): SuiteWorkload | undefined {
  return 'ip' in source ? undefined : source;
}

/** `<namespace>/<workload>`, or `external <name> (<ip>)`. */
export function sourceLabel(source: CellSource): string {
  return 'ip' in source ? `external ${source.name} (${source.ip})` : refKey(source);
}

export type PlannedTarget =
  | { kind: 'workload'; workload: SuiteWorkload; port: number }
  | {
      kind: 'service';
      service: SuiteService;
      /** The Service port probed. */
      port: number;
      /** Each backend workload with the container port the Service forwards to. */
      backends: { workload: SuiteWorkload; port: number }[];
    }
  | { kind: 'external'; external: SuiteExternal; port: number }
  | { kind: 'dns'; name: string };

export interface PlannedCell {
  assertionId: string;
  cellId: string;
  name: string;
  kind: 'connect' | 'dns';
  step: { index: number; name: string };
  position: SourcePosition;
  source: CellSource;
  target: PlannedTarget;
  /** Human label of the target, e.g. `prod/api`, `service prod/api`, `external partner (203.0.113.10)`. */
  targetLabel: string;
  /** The port as the user wrote it (number or name); undefined for DNS. */
  portLabel?: number | string;
  protocol?: Protocol;
  /**
   * The address family the assertion names (connect and matrix cells): the cell is that one connection. Absent:
   * every family the pair shares.
   */
  family?: IpFamily;
  expected: Expectation;
  /** For cells of a matrix assertion: where in the table. */
  matrix?: { assertionId: string; row: number; column: number };
}

export interface PlannedMatrix {
  /** The assertion the matrix comes from (its cells are planned from it, see planMatrixCell). */
  assertion: MatrixAssertion;
  assertionId: string;
  position: SourcePosition;
  port: number | string;
  protocol: Protocol;
  /** The address family the matrix names (see PlannedCell.family). */
  family?: IpFamily;
  rows: string[];
  columns: string[];
  expected: MatrixSymbol[][];
}

/** The state of the fixture after a step's changes: the labels in force and the policies that exist. */
export interface StepState extends LabelsInForce {
  /** Keyed by `<namespace>/<policy name>`, in application order. */
  policies: Map<string, LoadedPolicy>;
}

export interface StepPlan {
  step: SuiteStep;
  state: StepState;
  /** The fixture's workloads with the labels in force at this step, keyed `<namespace>/<name>`. */
  workloads: Map<string, SuiteWorkload>;
  /** Every cell to judge; a matrix's cells only when planned with `matrixCells` (the default). */
  cells: PlannedCell[];
  matrices: PlannedMatrix[];
}

export interface PlanOptions {
  /**
   * Plan every cell of every matrix into `cells` (default true: the live run probes them). Static verify passes
   * false and judges matrices as whole tables, planning a cell (planMatrixCell) only when it must report it.
   */
  matrixCells?: boolean;
}

export function planSuite(suite: Suite, options: PlanOptions = {}): StepPlan[] {
  const matrixCells = options.matrixCells ?? true;
  const workloads = new Map(suite.fixture.workloads.map((w) => [refKey(w), w]));
  let state: StepState = { ...fixtureLabels(suite.fixture.namespaces, suite.fixture.workloads), policies: new Map() };
  const plans: StepPlan[] = [];
  for (const step of suite.steps) {
    state = applyStep(state, step);
    const stepRef = { index: step.index, name: step.name };
    const relabeled = relabelWorkloads(workloads, state);
    const cells: PlannedCell[] = [];
    const matrices: PlannedMatrix[] = [];
    for (const assertion of step.assertions) {
      const planned = planAssertion(suite, relabeled, assertion, stepRef, matrixCells);
      appendAll(cells, planned.cells);
      if (planned.matrix) matrices.push(planned.matrix);
    }
    plans.push({ step, state, workloads: relabeled, cells, matrices });
  }
  return plans;
}

function applyStep(previous: StepState, step: SuiteStep): StepState {
  const next: StepState = { ...labelsAfter(previous, step.labels), policies: new Map(previous.policies) };
  for (const removed of step.delete) next.policies.delete(`${removed.namespace}/${removed.name}`);
  for (const loaded of step.apply) {
    const key = `${loaded.policy.metadata.namespace}/${loaded.policy.metadata.name}`;
    next.policies.delete(key); // a replaced policy moves to the end, as a re-apply would
    next.policies.set(key, loaded);
  }
  return next;
}

/** Workloads with the labels in force at this step. */
export function relabelWorkloads(workloads: Map<string, SuiteWorkload>, state: StepState): Map<string, SuiteWorkload> {
  const result = new Map<string, SuiteWorkload>();
  for (const [key, workload] of workloads) {
    result.set(key, { ...workload, labels: state.workloadLabels.get(key) ?? workload.labels });
  }
  return result;
}

function planAssertion(
  suite: Suite,
  workloads: Map<string, SuiteWorkload>,
  assertion: Assertion,
  step: { index: number; name: string },
  matrixCells: boolean,
): { cells: PlannedCell[]; matrix?: PlannedMatrix } {
  switch (assertion.kind) {
    case 'connect':
      return { cells: [planConnect(suite, workloads, assertion, step)] };
    case 'dns':
      return { cells: [planDns(workloads, assertion, step)] };
    case 'matrix':
      return planMatrix(suite, workloads, assertion, step, matrixCells);
  }
}

function planConnect(suite: Suite, workloads: Map<string, SuiteWorkload>, assertion: ConnectAssertion, step: { index: number; name: string }): PlannedCell {
  return connectCell({
    assertionId: assertion.id,
    cellId: assertion.id,
    step,
    position: assertion.expectPosition ?? assertion.position,
    source: resolveSource(suite, workloads, assertion.from, assertion.id),
    target: resolveTarget(suite, workloads, assertion.to, assertion.port, assertion.protocol, assertion.id),
    portLabel: assertion.port,
    protocol: assertion.protocol,
    expected: assertion.expect,
    family: assertion.family,
  });
}

function resolveSource(suite: Suite, workloads: Map<string, SuiteWorkload>, from: SourceRef, assertionId: string): CellSource {
  if (!isExternalSourceRef(from)) return mustGet(workloads, refKey(from), assertionId);
  const external = suite.fixture.externals.find((e) => e.name === from.external);
  if (!external) throw planningBug(assertionId, `external ${from.external} is not in the fixture`);
  return external;
}

const DNS_VERBS = { resolves: 'should resolve', nxdomain: 'should not exist (NXDOMAIN)', blocked: 'should be blocked' } as const;

function planDns(workloads: Map<string, SuiteWorkload>, assertion: DnsAssertion, step: { index: number; name: string }): PlannedCell {
  const source = mustGet(workloads, refKey(assertion.from), assertion.id);
  return {
    assertionId: assertion.id,
    cellId: assertion.id,
    name: `${refKey(source)} DNS lookup of ${assertion.name} ${DNS_VERBS[assertion.expect]}`,
    kind: 'dns',
    step,
    position: assertion.expectPosition ?? assertion.position,
    source,
    target: { kind: 'dns', name: assertion.name },
    targetLabel: `dns ${assertion.name}`,
    expected: assertion.expect,
  };
}

/**
 * The table, and (with `matrixCells`) one cell per row and column whose symbol is not `skip` (self-connections
 * are skipped).
 */
function planMatrix(
  suite: Suite,
  workloads: Map<string, SuiteWorkload>,
  assertion: MatrixAssertion,
  step: { index: number; name: string },
  matrixCells: boolean,
): { cells: PlannedCell[]; matrix: PlannedMatrix } {
  const cells: PlannedCell[] = [];
  const rows = assertion.rows.map(refKey);
  const columns = assertion.columns.map(refKey);
  const columnIndex = new Map(columns.map((key, c) => [key, c]));
  const expected: MatrixSymbol[][] = assertion.expected.map((row, r) => {
    const diagonal = columnIndex.get(rows[r] as string) ?? -1;
    const symbols = new Array<MatrixSymbol>(columns.length);
    for (let c = 0; c < columns.length; c += 1) symbols[c] = c === diagonal ? 'skip' : (row[c] ?? 'skip');
    return symbols;
  });
  const matrix: PlannedMatrix = {
    assertion,
    assertionId: assertion.id,
    position: assertion.expectPosition ?? assertion.position,
    port: assertion.port,
    protocol: assertion.protocol,
    rows,
    columns,
    expected,
  };
  if (assertion.family !== undefined) matrix.family = assertion.family;
  if (matrixCells) {
    expected.forEach((row, r) =>
      row.forEach((symbol, c) => {
        if (symbol !== 'skip') cells.push(planMatrixCell(suite, workloads, matrix, r, c, step));
      }),
    );
  }
  return { cells, matrix };
}

/** The cell of a matrix at (row, column), which must be asserted (its expected symbol is not `skip`). */
export function planMatrixCell(
  suite: Suite,
  workloads: Map<string, SuiteWorkload>,
  matrix: PlannedMatrix,
  r: number,
  c: number,
  step: { index: number; name: string },
): PlannedCell {
  const assertion = matrix.assertion;
  const rowRef = assertion.rows[r] as WorkloadRef;
  const columnRef = assertion.columns[c] as WorkloadRef;
  const symbol = matrix.expected[r]?.[c];
  if (symbol !== 'allow' && symbol !== 'deny') throw planningBug(assertion.id, `cell ${r},${c} of the matrix is not asserted`);
  const to: TargetRef = { kind: 'workload', namespace: columnRef.namespace, name: columnRef.name };
  return connectCell({
    assertionId: assertion.id,
    cellId: `${assertion.id}[${refKey(rowRef)}->${refKey(columnRef)}]`,
    step,
    position: assertion.rowPositions[r] ?? assertion.position,
    source: mustGet(workloads, refKey(rowRef), assertion.id),
    target: resolveTarget(suite, workloads, to, assertion.port, assertion.protocol, assertion.id),
    portLabel: assertion.port,
    protocol: assertion.protocol,
    expected: symbol,
    family: assertion.family,
    matrix: { assertionId: assertion.id, row: r, column: c },
  });
}

/** One connection at a step that no assertion names (explain): from a workload or an external to a target, on one port. */
export interface Connection {
  from: SourceRef;
  to: TargetRef;
  /** A number, or a port name of the target. */
  port: number | string;
  protocol: Protocol;
}

/**
 * Plans one connection at a step exactly as a connect assertion of the suite would be planned (the labels in
 * force, Service backends, named ports): the cell whose model verdict `explain` prints.
 */
export function planConnection(suite: Suite, plan: StepPlan, connection: Connection): PlannedCell {
  const workloads = relabelWorkloads(new Map(suite.fixture.workloads.map((w) => [refKey(w), w])), plan.state);
  const position = resolveSource(suite, workloads, connection.from, 'explain').position;
  const assertion: ConnectAssertion = { kind: 'connect', id: 'explain', position, ...connection, expect: 'allow' };
  return planConnect(suite, workloads, assertion, { index: plan.step.index, name: plan.step.name });
}

/** A DNS lookup from a workload, as a dns assertion would plan it (explain --to dns:<name>). */
export function planLookup(suite: Suite, plan: StepPlan, from: WorkloadRef, name: string): PlannedCell {
  const workloads = relabelWorkloads(new Map(suite.fixture.workloads.map((w) => [refKey(w), w])), plan.state);
  const source = mustGet(workloads, refKey(from), 'explain');
  const assertion: DnsAssertion = { kind: 'dns', id: 'explain', position: source.position, from, name, expect: 'resolves' };
  return planDns(workloads, assertion, { index: plan.step.index, name: plan.step.name });
}

/** The implicit cluster DNS pod as a workload (it is no fixture workload; the model always has it). */
export function clusterDnsWorkload(position: SourcePosition): SuiteWorkload {
  const pod = CLUSTER_DNS.pod;
  return { namespace: pod.namespace, name: pod.name, labels: { ...pod.labels }, ports: pod.ports.map((p) => ({ ...p })), position };
}

/** A connection to the cluster DNS pod on one of its ports (explain --to kube-system/coredns). */
export function planClusterDnsConnection(suite: Suite, plan: StepPlan, from: WorkloadRef, port: number | string, protocol: Protocol): PlannedCell {
  const workloads = relabelWorkloads(new Map(suite.fixture.workloads.map((w) => [refKey(w), w])), plan.state);
  const source = mustGet(workloads, refKey(from), 'explain');
  const dns = clusterDnsWorkload(source.position);
  const number = typeof port === 'number' ? port : dns.ports.find((p) => p.name === port && p.protocol === protocol)?.port;
  if (number === undefined) throw planningBug('explain', `the cluster DNS pod has no port ${port}/${protocol}`);
  return connectCell({
    assertionId: 'explain',
    cellId: 'explain',
    step: { index: plan.step.index, name: plan.step.name },
    position: source.position,
    source,
    target: { kind: 'workload', workload: dns, port: number },
    portLabel: port,
    protocol,
    expected: 'allow',
  });
}

function connectCell(input: {
  assertionId: string;
  cellId: string;
  step: { index: number; name: string };
  position: SourcePosition;
  source: CellSource;
  target: PlannedTarget;
  portLabel: number | string;
  protocol: Protocol;
  expected: 'allow' | 'deny';
  family?: IpFamily | undefined;
  matrix?: { assertionId: string; row: number; column: number };
}): PlannedCell {
  const targetLabel = describeTarget(input.target, input.source);
  const port = 'port' in input.target ? input.target.port : undefined;
  const portText =
    typeof input.portLabel === 'string' && port !== undefined ? `${input.portLabel}(${port})` : String(input.portLabel);
  const verb = input.expected === 'allow' ? 'should be allowed' : 'should be denied';
  const over = input.family !== undefined ? ` over ${familyName(input.family)}` : '';
  const cell: PlannedCell = {
    assertionId: input.assertionId,
    cellId: input.cellId,
    name: `${sourceLabel(input.source)} -> ${targetLabel}:${portText}/${input.protocol}${over} ${verb}`,
    kind: 'connect',
    step: input.step,
    position: input.position,
    source: input.source,
    target: input.target,
    targetLabel,
    portLabel: input.portLabel,
    protocol: input.protocol,
    expected: input.expected,
  };
  if (input.family !== undefined) cell.family = input.family;
  if (input.matrix) cell.matrix = input.matrix;
  return cell;
}

/** From an external source a Service is reached at its NodePort (the loader allows no other way in). */
function describeTarget(target: PlannedTarget, source: CellSource): string {
  switch (target.kind) {
    case 'workload':
      return refKey(target.workload);
    case 'service':
      return `service ${refKey(target.service)}${externalSource(source) ? ' via NodePort' : ''}`;
    case 'external':
      return `external ${target.external.name} (${target.external.ip})`;
    case 'dns':
      return `dns ${target.name}`;
  }
}

function resolveTarget(
  suite: Suite,
  workloads: Map<string, SuiteWorkload>,
  to: TargetRef,
  port: number | string,
  protocol: Protocol,
  assertionId: string,
): PlannedTarget {
  switch (to.kind) {
    case 'workload': {
      const workload = mustGet(workloads, `${to.namespace}/${to.name}`, assertionId);
      return { kind: 'workload', workload, port: resolveWorkloadPort(workload, port, protocol, assertionId) };
    }
    case 'service': {
      const service = suite.fixture.services.find((s) => s.namespace === to.namespace && s.name === to.name);
      if (!service) throw planningBug(assertionId, `service ${to.namespace}/${to.name} is not in the fixture`);
      const servicePort = service.ports.find((p) =>
        typeof port === 'number' ? p.port === port && p.protocol === protocol : p.name === port,
      );
      if (!servicePort) throw planningBug(assertionId, `service ${to.namespace}/${to.name} has no port ${port}/${protocol}`);
      return { kind: 'service', service, port: servicePort.port, backends: serviceBackends(service, servicePort, workloads.values()) };
    }
    case 'external': {
      const external = suite.fixture.externals.find((e) => e.name === to.name);
      if (!external) throw planningBug(assertionId, `external ${to.name} is not in the fixture`);
      if (typeof port !== 'number') throw planningBug(assertionId, `external ports are numbers, got ${port}`);
      return { kind: 'external', external, port };
    }
  }
}

function resolveWorkloadPort(workload: SuiteWorkload, port: number | string, protocol: Protocol, assertionId: string): number {
  if (typeof port === 'number') return port;
  const named = workload.ports.find((p) => p.name === port && p.protocol === protocol);
  if (!named) throw planningBug(assertionId, `${refKey(workload)} has no port named ${port} for ${protocol}`);
  return named.port;
}

/** The workloads a Service port forwards to, each with the container port its targetPort names. */
export function serviceBackends(
  service: SuiteService,
  servicePort: SuiteServicePort,
  workloads: Iterable<SuiteWorkload>,
): { workload: SuiteWorkload; port: number }[] {
  return [...workloads]
    .filter((w) => w.namespace === service.namespace && selectorSubset(service.selector, w.labels))
    .flatMap((workload) => {
      const match = workload.ports.find(
        (p) =>
          p.protocol === servicePort.protocol &&
          (typeof servicePort.targetPort === 'number' ? p.port === servicePort.targetPort : p.name === servicePort.targetPort),
      );
      return match ? [{ workload, port: match.port }] : [];
    });
}

/** A Service selector selects a pod when every selector label is on the pod. */
export function selectorSubset(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function mustGet(workloads: Map<string, SuiteWorkload>, key: string, assertionId: string): SuiteWorkload {
  const workload = workloads.get(key);
  if (!workload) throw planningBug(assertionId, `workload ${key} is not in the fixture`);
  return workload;
}

/**
 * The suite loader guarantees references resolve; reaching one that does not is a bug in netpol-e2e, not in
 * the user's suite.
 */
function planningBug(assertionId: string, what: string): Error {
  return new Error(`internal error while planning assertion ${assertionId}: ${what} (the suite validator should have caught this; please report it)`);
}

/** An existing namespace as a live run found it: its real labels and the policies already in it. */
export interface ExistingNamespaceState {
  name: string;
  labels: Record<string, string>;
  policies: readonly NetworkPolicy[];
}

/**
 * The state the model evaluates for a step: the fixture's namespaces and workloads (with the labels in force),
 * the implicit cluster DNS, and the step's policies. `podIps` supplies live pod IPs (keyed `<ns>/<workload>`);
 * without them pods have no IP and no ipBlock matches a pod, which is what the explanation then says.
 */
export function modelStateFor(
  suite: Suite,
  plan: StepPlan,
  podIps?: ReadonlyMap<string, string[]>,
  existing: readonly ExistingNamespaceState[] = [],
): ClusterState {
  const real = new Map(existing.map((n) => [n.name, n]));
  const namespaces: NamespaceInfo[] = suite.fixture.namespaces.map((n) => ({
    name: n.name,
    labels: { ...(real.get(n.name)?.labels ?? plan.state.namespaceLabels.get(n.name) ?? n.labels), 'kubernetes.io/metadata.name': n.name },
  }));
  const pods: PodInfo[] = suite.fixture.workloads.map((w) => {
    const key = refKey(w);
    const pod: PodInfo = {
      namespace: w.namespace,
      name: w.name,
      labels: plan.state.workloadLabels.get(key) ?? w.labels,
      ports: w.ports,
    };
    const ips = podIps?.get(key);
    if (ips) pod.ips = ips;
    return pod;
  });
  if (!namespaces.some((n) => n.name === CLUSTER_DNS.namespace)) namespaces.push(CLUSTER_DNS.namespaceInfo);
  pods.push(CLUSTER_DNS.pod);
  const policies: NetworkPolicy[] = [...plan.state.policies.values()].map((p) => p.policy);
  for (const namespace of existing) policies.push(...namespace.policies);
  const state: ClusterState = { namespaces, pods, policies };
  if (suite.fixture.podNetwork) state.podNetwork = [...suite.fixture.podNetwork];
  return state;
}
