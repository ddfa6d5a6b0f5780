/**
 * Types of the NetworkPolicy model (the "oracle").
 *
 * The Kubernetes object shapes below are the subset of networking.k8s.io/v1 that the model evaluates, typed
 * after validation: a NetworkPolicy that reaches the model has already passed the API server's own checks
 * (see src/suite/validate-policy.ts), so ports are numbers or IANA names, protocols are upper case and
 * selectors are well formed.
 */

import type { IpFamily } from './cidr.js';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface NetworkPolicyPort {
  /** Defaults to TCP when omitted (as the API server defaults it). */
  protocol?: Protocol;
  /** A number, or a named port resolved on the destination pod. Omitted: every port of the protocol. */
  port?: number | string;
  /** Inclusive end of a numeric port range; only with a numeric `port`. */
  endPort?: number;
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyIngressRule {
  ports?: NetworkPolicyPort[];
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: NetworkPolicySpec;
}

/** A namespace as the model sees it: its name and its complete label set (including kubernetes.io/metadata.name). */
export interface NamespaceInfo {
  name: string;
  labels: Labels;
}

/** A container port of a pod; `name` is what named ports in policies resolve against. */
export interface PodPort {
  port: number;
  protocol: Protocol;
  name?: string;
}

export interface PodInfo {
  namespace: string;
  name: string;
  labels: Labels;
  /** The pod's IP(s). Without one, no ipBlock peer can match the pod (the explanation says so). */
  ips?: string[];
  ports: PodPort[];
}

/** The whole state the model evaluates against. */
export interface ClusterState {
  namespaces: NamespaceInfo[];
  pods: PodInfo[];
  policies: NetworkPolicy[];
  /**
   * CIDRs the pod IPs come from, for pods whose IP is not known (static verify). An ipBlock that contains all of
   * them matches such a pod, one that excludes all of them does not; otherwise the pod's real IP decides, and a
   * denial that it could lift is marked `dependsOnPeerIp`. Without it, every ipBlock leaves such pods undecided.
   */
  podNetwork?: string[];
}

/** One end of a connection: a pod of the state (by namespace/name), or an address outside the cluster. */
export type Endpoint =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'external'; ip: string };

/**
 * One connection to judge. `port` is the destination port number. `portName` is set only where the question is
 * asked by name (e.g. a Cyclonus traffic check to a named port of an external peer); otherwise named ports in
 * policies are resolved on the destination pod's container ports.
 */
export interface Traffic {
  source: Endpoint;
  destination: Endpoint;
  port: number;
  protocol: Protocol;
  portName?: string;
  /**
   * The address family of the connection. Omitted: each family both ends have (a dual-stack pair is two
   * connections, see PolicyModel.evaluateFamilies); an end without a known address takes the other's families.
   */
  family?: IpFamily;
}

/** A reference to one rule and peer of one policy, for explanations. Indexes are 0-based. */
export interface RuleRef {
  policy: string; // "<namespace>/<name>"
  direction: PolicyType;
  ruleIndex: number;
  /** Index into from/to; undefined when the rule has no peers (matches every peer). */
  peerIndex?: number;
  /** Index into ports; undefined when the rule has no ports (matches every port). */
  portIndex?: number;
}

/** The verdict of one direction (the source's egress, or the destination's ingress). */
export interface DirectionVerdict {
  direction: PolicyType;
  /** False when the endpoint is external (not subject to this cluster's policies) or no policy isolates it. */
  isolated: boolean;
  /** "<namespace>/<name>" of every policy that selects the endpoint for this direction. */
  selectedBy: string[];
  allowed: boolean;
  /** The first rule (in policy order) that admits the connection, when isolated and allowed. */
  allowedBy?: RuleRef;
  /** One human sentence: why this direction allows or denies. */
  reason: string;
  /**
   * Denied only because the other end is a pod without an IP (static verify knows no pod IPs) while a rule
   * whose ports match has an ipBlock peer: with the pod's real IP, that rule could admit it.
   */
  dependsOnPeerIp?: true;
}

export interface Verdict {
  allowed: boolean;
  /** The family of the connection judged; absent when neither end has a known address (nor a pod network). */
  family?: IpFamily;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}
