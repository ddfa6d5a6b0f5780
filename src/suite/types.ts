/**
 * A validated suite, as the rest of netpol-e2e sees it. The YAML format (apiVersion `netpol-e2e/v1`,
 * kind `Suite`) is documented in README.md and schema/suite.schema.json; src/suite/load-suite.ts turns a file
 * into this, or fails with an InputError listing every problem with file:line:col.
 *
 * Every element that a report or an error may point at carries the position of its YAML node.
 */
import type { SourcePosition } from '../util/index.js';
import type { IpFamily, NetworkPolicy, PodPort, Protocol } from '../model/index.js';

export const SUITE_API_VERSION = 'netpol-e2e/v1';

export interface SuiteNamespace {
  name: string;
  /**
   * The suite's labels. kubernetes.io/metadata.name is added by the API server and by the model. For an existing
   * namespace: the labels it is expected to carry (a live run checks them and uses the labels it really has).
   */
  labels: Record<string, string>;
  /**
   * The namespace exists already (`default`, or one that exists on staging): a live run creates its pods and Services
   * there (labelled with the run id), never creates, changes or deletes the namespace or anything it did not create.
   */
  existing?: boolean;
  position: SourcePosition;
}

/** A workload becomes one probe pod in a live run: it carries exactly these labels and serves these ports. */
export interface SuiteWorkload {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: PodPort[];
  position: SourcePosition;
}

export interface SuiteServicePort {
  name?: string;
  port: number;
  /** A number, or the name of a workload port. Defaults to `port`. */
  targetPort: number | string;
  protocol: Protocol;
}

/** The Service types a suite may declare (LoadBalancer needs a cloud or MetalLB, ExternalName selects no pods). */
export const SERVICE_TYPES = ['ClusterIP', 'NodePort'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/**
 * How a node forwards traffic that arrives at a NodePort: `Local` only to backends on that node, keeping the
 * client's address; `Cluster` (Kubernetes' default) to any backend, possibly SNATed to a node address.
 */
export const EXTERNAL_TRAFFIC_POLICIES = ['Local', 'Cluster'] as const;
export type ExternalTrafficPolicy = (typeof EXTERNAL_TRAFFIC_POLICIES)[number];

export interface SuiteService {
  namespace: string;
  name: string;
  /** The Service's selector. Defaults to the labels of the workload named by `workload`. */
  selector: Record<string, string>;
  ports: SuiteServicePort[];
  /**
   * `NodePort`: also reachable from outside the cluster at every node's address on an allocated port, so an
   * external source may connect to it. Absent: ClusterIP.
   */
  type?: 'NodePort';
  /** Only with `type: NodePort`; Kubernetes' default, `Cluster`, when the suite gives none. */
  externalTrafficPolicy?: ExternalTrafficPolicy;
  position: SourcePosition;
}

/** A NodePort Service that keeps the client's address: the only kind an external source may connect to. */
export function preservesClientIp(service: SuiteService): boolean {
  return service.type === 'NodePort' && service.externalTrafficPolicy === 'Local';
}

/**
 * An endpoint outside the cluster (an "internet" or partner endpoint): a destination of connect assertions, a
 * source of connections to workloads, or both. In a live run the harness starts a container at exactly `ip`
 * beside the cluster that answers on `ports` and makes the probes of the assertions it is the source of.
 */
export interface SuiteExternal {
  name: string;
  ip: string;
  /** What it serves as a destination; empty for an external that is only a client (a source). */
  ports: { port: number; protocol: Protocol }[];
  position: SourcePosition;
}

export interface SuiteFixture {
  namespaces: SuiteNamespace[];
  workloads: SuiteWorkload[];
  services: SuiteService[];
  externals: SuiteExternal[];
  /**
   * CIDRs the cluster's pod IPs come from (e.g. kind + Calico 192.168.0.0/16). Static verify knows no pod IPs;
   * with this it decides ipBlock peers that contain or exclude the whole pod network.
   */
  podNetwork?: string[];
}

export interface WorkloadRef {
  namespace: string;
  name: string;
}

/** An external of the fixture as the source of a connection (`from: {external: <name>}`). */
export interface ExternalSourceRef {
  external: string;
}

/** The source of a connect assertion: a workload, or an external (a client outside the cluster). */
export type SourceRef = WorkloadRef | ExternalSourceRef;

export function isExternalSourceRef(ref: SourceRef): ref is ExternalSourceRef {
  return 'external' in ref;
}

export type TargetRef =
  | { kind: 'workload'; namespace: string; name: string }
  | { kind: 'service'; namespace: string; name: string }
  | { kind: 'external'; name: string };

export type ConnectExpectation = 'allow' | 'deny';
export type DnsExpectation = 'resolves' | 'nxdomain' | 'blocked';

interface AssertionBase {
  /** Stable id, unique within the suite; used in report names. Defaults to a slug of the assertion. */
  id: string;
  description?: string;
  position: SourcePosition;
  /**
   * Where the expectation is written (`expect:`, `dns.expect:`, `matrix.expected:`): the line a pull request
   * edits, so reports point there. Absent for assertions built in code (then `position`).
   */
  expectPosition?: SourcePosition;
}

export interface ConnectAssertion extends AssertionBase {
  kind: 'connect';
  /**
   * A workload, or an external (then `to` is a workload, or a NodePort Service with `externalTrafficPolicy:
   * Local`: the suite loader refuses other destinations).
   */
  from: SourceRef;
  to: TargetRef;
  /** A number or a port name of the destination (workload port name, or Service port name). */
  port: number | string;
  protocol: Protocol;
  expect: ConnectExpectation;
  /**
   * The address family of the connection asserted (`family: 4` or `6`). Absent: every family the pair shares (a
   * dual-stack pair is two connections, each judged and, live, probed on its own).
   */
  family?: IpFamily;
}

export interface DnsAssertion extends AssertionBase {
  kind: 'dns';
  from: WorkloadRef;
  /** The name to look up, e.g. `api.prod.svc.cluster.local` or `example.com`. */
  name: string;
  expect: DnsExpectation;
}

/** A whole truth table in the corpus' `.`/`X` notation; rows are sources, columns destinations. */
export interface MatrixAssertion extends AssertionBase {
  kind: 'matrix';
  rows: WorkloadRef[];
  columns: WorkloadRef[];
  port: number | string;
  protocol: Protocol;
  /** expected[row][column]: 'allow', 'deny', or 'skip' (`?`, and always the diagonal: self-connections). */
  expected: ('allow' | 'deny' | 'skip')[][];
  /** The address family of every cell's connection (see ConnectAssertion.family). */
  family?: IpFamily;
  /** Position of each row line of the table, for reports that point at the exact line. */
  rowPositions: SourcePosition[];
}

export type Assertion = ConnectAssertion | DnsAssertion | MatrixAssertion;

/** Where a policy came from: a file's document, or an inline object of the suite. */
export interface PolicySource {
  file: string;
  /** 0-based index of the YAML document in a multi-document file. */
  document: number;
  position: SourcePosition;
  /**
   * Where each field of the policy's spec is written, keyed by its path inside the policy as formatFieldPath
   * writes it (`spec.ingress[0].from[1].namespaceSelector`), for findings that point at the field. Plain data (a
   * suite is cloned and serialised); absent for policies built in code.
   */
  fieldPositions?: Record<string, SourcePosition>;
}

export interface LoadedPolicy {
  policy: NetworkPolicy;
  source: PolicySource;
}

/** Complete replacement label sets (after merging the change into the previous state). */
export interface LabelChanges {
  namespaces: Record<string, Record<string, string>>;
  /** Keyed by "<namespace>/<workload>". */
  workloads: Record<string, Record<string, string>>;
}

/**
 * One stage of a suite. Stage 0 is the suite's top-level `policies` and `assertions`; each entry of `steps`
 * follows. Changes are cumulative: `apply` creates or replaces (by namespace/name), `delete` removes.
 */
export interface SuiteStep {
  index: number;
  name: string;
  apply: LoadedPolicy[];
  delete: { namespace: string; name: string; position: SourcePosition }[];
  labels: LabelChanges;
  assertions: Assertion[];
  position: SourcePosition;
}

export interface Suite {
  apiVersion: typeof SUITE_API_VERSION;
  /** Suite name (defaults to the file's base name); used in JUnit classnames. */
  name: string;
  description?: string;
  /** Absolute path of the suite file. */
  file: string;
  /** The path as the user gave it (relative paths stay relative), for reports and annotations. */
  displayFile: string;
  /** Where the `fixture:` key is (a corpus case: where the case begins): setup errors are reported there. */
  fixturePosition?: SourcePosition;
  fixture: SuiteFixture;
  steps: SuiteStep[];
}
