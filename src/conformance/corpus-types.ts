/**
 * A loaded conformance corpus (format: test/fixtures/netpol-corpus/README.md), as neutral data: the static
 * conformance run judges it with the model, and a live conformance run can deploy the same cases to a cluster.
 * Every step carries its complete cluster state, and every element a report may point at carries its position.
 */
import type { ClusterState, Labels, NamespaceInfo, NetworkPolicy, Protocol } from '../model/index.js';
import type { SourcePosition } from '../util/index.js';

/** A pod of the corpus' shared model (model.yaml). */
export interface CorpusPod {
  namespace: string;
  name: string;
  /** `<namespace>/<name>` */
  key: string;
  labels: Labels;
  /** The corpus' fixed (fake) IP; a live run has real ones. */
  ip: string;
  position: SourcePosition;
}

/** model.yaml: the namespaces and pods every matrix case starts from. */
export interface CorpusModel {
  file: string;
  name: string;
  /** Rows and columns of every full matrix, as `<namespace>/<name>`. */
  matrixOrder: string[];
  namespaces: NamespaceInfo[];
  pods: CorpusPod[];
}

/** What the pods of a matrix case serve: one container per (port, protocol), port named `serve-<port>-<proto>`. */
export interface ServedPorts {
  ports: number[];
  protocols: Protocol[];
}

/** `.` allow, `X` deny, `?` skip (the source defines no expectation). */
export type ExpectedCell = 'allow' | 'deny' | 'skip';

export interface CaseProbe {
  /** 0-based index of the probe within its step. */
  index: number;
  port: number;
  protocol: Protocol;
  /** `<namespace>/<name>` of the sources, in table order. */
  rows: string[];
  /** `<namespace>/<name>` of the destinations, in table order. */
  columns: string[];
  /** expected[row][column], as written, the diagonal included (conformance does not score it). */
  expected: ExpectedCell[][];
  /** The upstream helper calls the table was derived from (e2e cases), as data. */
  upstreamExpectation?: Record<string, unknown>[];
  /** Diagonal cells the helpers leave blocked (e2e cases; informational). */
  helperDiagonalBlocked?: string[];
  /** Where the probe's `expected:` key is. */
  position: SourcePosition;
  /** Where each row line of the table is. */
  rowPositions: SourcePosition[];
}

export interface LabelOverrides {
  /** Complete label sets, by namespace name. */
  namespaces: Record<string, Labels>;
  /** Complete label sets, by `<namespace>/<name>`. */
  pods: Record<string, Labels>;
}

export interface CaseStep {
  /** The step number as written (1-based). */
  step: number;
  actions: string[];
  /** The label sets this step's `labels:` sets (they stay in force for later steps; `state` has them applied). */
  labels: LabelOverrides;
  /**
   * The complete state in force during this step: namespaces and pods (labels after every override so far,
   * IPs, served container ports) and every NetworkPolicy that exists (the step's cumulative list).
   */
  state: ClusterState;
  /** Position of each policy of `state.policies`. */
  policyPositions: SourcePosition[];
  probes: CaseProbe[];
  position: SourcePosition;
}

/**
 * Where an ipBlock CIDR of a case comes from, so a live run can rebuild it from live pod IPs:
 * - `pod-ip`: the single-address block of one pod's IP (/32, /128 on IPv6);
 * - `pod-network`: a wider block that contains these pods' IPs (mask any of their live IPs to `prefixLength`,
 *   see `ipblockDerivation` for how upstream chose it);
 * - `literal`: the block contains no pod IP of the case: use it as written.
 */
export type IpBlockDerivation =
  | { kind: 'pod-ip'; pod: string }
  | { kind: 'pod-network'; prefixLength: number; pods: string[] }
  | { kind: 'literal' };

export interface IpBlockReference {
  /** Step number, and index of the policy in that step's `state.policies`. */
  step: number;
  policyIndex: number;
  /** `<namespace>/<name>` of the policy. */
  policy: string;
  /** Path of the CIDR in the policy, e.g. `spec.egress[0].to[0].ipBlock.except[0]`. */
  field: string;
  /** The CIDR as written. */
  cidr: string;
  derivation: IpBlockDerivation;
  position: SourcePosition;
}

interface CaseBase {
  name: string;
  /** The case file as the caller named it (relative when the corpus directory was given relative). */
  file: string;
  upstream: string;
  upstreamFullName?: string;
  source: string;
  features: string[];
  notes: string[];
  position: SourcePosition;
}

export interface MatrixCase extends CaseBase {
  kind: 'matrix';
  served: ServedPorts;
  /** The pods of this case (`all` = model.yaml's matrix order), as `<namespace>/<name>`. */
  pods: string[];
  /** `not-asserted` (upstream ignores loopback) or `undefined` (policy-assistant); the diagonal is never scored. */
  selfConnections: string;
  upstreamLatestTopology?: string[];
  /** The case's `ipblock_derivation` block as written (prose, by field). */
  ipblockDerivation?: Record<string, string>;
  /** Every ipBlock CIDR of every step, related to the pod IPs it was built from. */
  ipBlockReferences: IpBlockReference[];
  steps: CaseStep[];
}

/** One end of an ad-hoc traffic check. */
export type CheckPeer =
  | {
      kind: 'pod';
      namespace: string;
      namespaceLabels: Labels;
      podLabels: Labels;
      ip: string;
      /** containerPort null: the source fixes no number (see the case notes). */
      containerPorts: { name?: string; protocol: Protocol; containerPort: number | null }[];
    }
  | { kind: 'external'; ip: string };

export interface TrafficCheck {
  index: number;
  it: string;
  source: CheckPeer;
  destination: CheckPeer;
  /** null when the check is asked only by port name. */
  port: number | null;
  portName?: string;
  protocol: Protocol;
  expected: 'allowed' | 'blocked';
  position: SourcePosition;
}

export interface TrafficCheckCase extends CaseBase {
  kind: 'traffic-checks';
  semantics?: string;
  policies: NetworkPolicy[];
  policyPositions: SourcePosition[];
  checks: TrafficCheck[];
}

export type CorpusCase = MatrixCase | TrafficCheckCase;

export interface Corpus {
  /** The corpus directory as the caller named it. */
  dir: string;
  model: CorpusModel;
  /** Every case, in file name order. */
  cases: CorpusCase[];
}
