/**
 * The compiled NetworkPolicy model. compileModel precomputes, once per state:
 * - for every policy, the pods it selects, and for every pod and direction the policies that select it (in order);
 * - for every rule peer, the set of pods it matches (selectors and ipBlocks resolved against pods), as a bitset;
 * - ipBlocks and pod IPs parsed once.
 * Judging a pair then costs work proportional to the rules of the policies that select its two endpoints, and a
 * truth table (evaluateMatrix) costs one bitset pass per row and column plus one bit test per cell.
 */
import type { Cidr, IpAddress } from './cidr.js';
import { ipBlockContains, ipBlockMatchesNetwork, parseExternalIp, parseIpBlock, parsePodIps, parsePodNetwork, type ParsedIpBlock } from './ip-block.js';
import { selectorKey, selectorMatches } from './label-selector.js';
import { addAll, addIntersection, addPod, createPodSet, hasPod, type PodSet } from './pod-set.js';
import { podKey, type MatrixQuery, type MatrixVerdicts, type PolicyModel } from './policy-model.js';
import { isolatesFor } from './policy-types.js';
import { formatPortQuery, isDestinationIndependent, portMatches, portProtocol, type PortQuery } from './port-match.js';
import type {
  ClusterState,
  DirectionVerdict,
  Endpoint,
  Labels,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PodInfo,
  PodPort,
  PolicyType,
  RuleRef,
  Traffic,
  Verdict,
} from './types.js';
import { unknownPodError } from './unknown-pod-error.js';
import { InputError } from '../util/index.js';
import {
  allowedVerdict,
  deniedVerdict,
  externalText,
  externalVerdict,
  formatRuleRef,
  isolationText,
  notIsolatedVerdict,
} from './verdict-text.js';

interface CompiledPeer {
  /** The pods this peer matches. */
  pods: PodSet;
  /** Set for an ipBlock peer: what external addresses are judged against. */
  ipBlock: ParsedIpBlock | undefined;
  /** ipBlock peers: pods without a known IP whose real IP decides (see ClusterState.podNetwork). */
  undecided?: PodSet;
}

interface CompiledRule {
  /** Undefined when the rule has no peers (it matches every peer). */
  peers: CompiledPeer[] | undefined;
  /** Undefined when the rule has no ports (it matches every port). */
  ports: NetworkPolicyPort[] | undefined;
  /** Union of the peers' pod sets (undefined with `peers`). */
  peerPods: PodSet | undefined;
  /** Union of the ipBlock peers' undecided pods; undefined when the rule has no ipBlock peer. */
  undecidedPods: PodSet | undefined;
  /** formatRuleRef texts of this rule, by peer and port index (cached: explanations repeat). */
  refTexts: Map<number, string>;
}

interface CompiledPolicy {
  key: string;
  rules: Record<PolicyType, CompiledRule[]>;
}

type ResolvedEndpoint =
  | { kind: 'pod'; index: number; text: string }
  | { kind: 'external'; ip: IpAddress; text: string };

const NO_MATCH = -1;
const DIRECTIONS: readonly PolicyType[] = ['Ingress', 'Egress'];

/** Index of the first entry that matches, undefined when there are no entries (all match), NO_MATCH when none does. */
function firstPortMatch(ports: NetworkPolicyPort[] | undefined, query: PortQuery, destinationPorts: readonly PodPort[] | undefined): number | undefined {
  if (ports === undefined) return undefined;
  for (let i = 0; i < ports.length; i += 1) if (portMatches(ports[i] as NetworkPolicyPort, query, destinationPorts)) return i;
  return NO_MATCH;
}

class CompiledPolicyModel implements PolicyModel {
  readonly state: ClusterState;
  private readonly pods: PodInfo[];
  private readonly podIps: IpAddress[][];
  private readonly podKeys: string[];
  private readonly podIndex = new Map<string, number>();
  /** namespace -> name -> index: resolving an endpoint without building its key. */
  private readonly podsByName = new Map<string, Map<string, number>>();
  private readonly policies: CompiledPolicy[] = [];
  /** selecting[direction][pod] = indexes of the policies that select the pod for that direction, in policy order. */
  private readonly selecting: Record<PolicyType, number[][]>;
  private readonly selectedByKeys: Record<PolicyType, string[][]>;
  /** isolationText per direction and pod, computed on first use. */
  private readonly isolationTexts: Record<PolicyType, (string | undefined)[]>;

  constructor(state: ClusterState) {
    this.state = state;
    this.pods = state.pods;
    this.podKeys = this.pods.map(podKey);
    this.pods.forEach((pod, i) => {
      const key = this.podKeys[i] as string;
      if (this.podIndex.has(key)) {
        throw new InputError([{ message: `pod ${key} appears twice in the cluster state (items ${(this.podIndex.get(key) ?? 0) + 1} and ${i + 1})` }], {
          hint: 'a state holds each pod once; merge the two entries',
        });
      }
      this.podIndex.set(key, i);
      let byName = this.podsByName.get(pod.namespace);
      if (byName === undefined) {
        byName = new Map();
        this.podsByName.set(pod.namespace, byName);
      }
      byName.set(pod.name, i);
    });
    this.podIps = this.pods.map((pod) => parsePodIps(pod.ips, podKey(pod)));
    this.selecting = { Ingress: this.pods.map(() => []), Egress: this.pods.map(() => []) };
    this.selectedByKeys = { Ingress: this.pods.map(() => []), Egress: this.pods.map(() => []) };
    this.isolationTexts = { Ingress: [], Egress: [] };
    new StateCompiler(this.pods, this.podIps, state).compileInto(this.policies, this.selecting);
    for (const direction of DIRECTIONS) {
      this.selecting[direction].forEach((list, pod) => {
        this.selectedByKeys[direction][pod] = list.map((p) => (this.policies[p] as CompiledPolicy).key);
      });
    }
  }

  evaluate(traffic: Traffic): Verdict {
    const source = this.resolve(traffic.source);
    const destination = this.resolve(traffic.destination);
    const query: PortQuery = { port: traffic.port, protocol: traffic.protocol, portName: traffic.portName };
    const destinationPorts = destination.kind === 'pod' ? (this.pods[destination.index] as PodInfo).ports : undefined;
    const egress =
      source.kind === 'pod'
        ? this.judge('Egress', source, destination, query, destinationPorts)
        : externalVerdict('Egress', source.text);
    const ingress =
      destination.kind === 'pod'
        ? this.judge('Ingress', destination, source, query, destinationPorts)
        : externalVerdict('Ingress', destination.text);
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
  }

  evaluateMatrix(query: MatrixQuery): MatrixVerdicts {
    const sources = query.sources ? [...query.sources] : [...this.podKeys];
    const destinations = query.destinations ? [...query.destinations] : [...this.podKeys];
    const rows = sources.map((key) => this.indexOf(key));
    const columns = destinations.map((key) => this.indexOf(key));
    const portQuery: PortQuery = { port: query.port, protocol: query.protocol };
    const masks = new RulePortMasks(this.pods, portQuery);
    const admittedSources = columns.map((d) => this.ingressAdmits(d, masks));
    const reachableDestinations = rows.map((s) => this.egressReaches(s, masks));
    const allowed = rows.map((s, i) =>
      columns.map((d, j) => {
        const egress = reachableDestinations[i];
        const ingress = admittedSources[j];
        return (egress === undefined || hasPod(egress, d)) && (ingress === undefined || hasPod(ingress, s));
      }),
    );
    return {
      sources,
      destinations,
      port: query.port,
      protocol: query.protocol,
      allowed,
      verdict: (row: number, column: number): Verdict =>
        this.evaluate({
          source: this.podEndpoint(rows[row], sources[row]),
          destination: this.podEndpoint(columns[column], destinations[column]),
          port: query.port,
          protocol: query.protocol,
        }),
    };
  }

  private podEndpoint(index: number | undefined, key: string | undefined): Endpoint {
    const pod = index === undefined ? undefined : this.pods[index];
    if (pod === undefined) throw unknownPodError(key ?? '(no pod)', this.pods.length);
    return { kind: 'pod', namespace: pod.namespace, name: pod.name };
  }

  /** The sources `destination` admits for ingress on the queried port, or undefined when it admits every source. */
  private ingressAdmits(destination: number, masks: RulePortMasks): PodSet | undefined {
    const selected = this.selecting.Ingress[destination] ?? [];
    if (selected.length === 0) return undefined;
    const admitted = createPodSet(this.pods.length);
    for (const p of selected) {
      for (const rule of (this.policies[p] as CompiledPolicy).rules.Ingress) {
        const mask = masks.of(rule);
        if (mask !== true && !hasPod(mask, destination)) continue;
        if (rule.peerPods === undefined) return undefined;
        addAll(admitted, rule.peerPods);
      }
    }
    return admitted;
  }

  /** The destinations `source` may reach for egress on the queried port, or undefined when it may reach every one. */
  private egressReaches(source: number, masks: RulePortMasks): PodSet | undefined {
    const selected = this.selecting.Egress[source] ?? [];
    if (selected.length === 0) return undefined;
    const reachable = createPodSet(this.pods.length);
    for (const p of selected) {
      for (const rule of (this.policies[p] as CompiledPolicy).rules.Egress) {
        const mask = masks.of(rule);
        if (rule.peerPods === undefined) {
          if (mask === true) return undefined;
          addAll(reachable, mask);
        } else if (mask === true) {
          addAll(reachable, rule.peerPods);
        } else {
          addIntersection(reachable, rule.peerPods, mask);
        }
      }
    }
    return reachable;
  }

  private judge(
    direction: PolicyType,
    subject: Extract<ResolvedEndpoint, { kind: 'pod' }>,
    peer: ResolvedEndpoint,
    query: PortQuery,
    destinationPorts: readonly PodPort[] | undefined,
  ): DirectionVerdict {
    const selected = this.selecting[direction][subject.index] ?? [];
    if (selected.length === 0) return notIsolatedVerdict(direction, subject.text);
    const selectedBy = this.selectedByKeys[direction][subject.index] ?? [];
    let undecided = false;
    for (const p of selected) {
      const policy = this.policies[p] as CompiledPolicy;
      const rules = policy.rules[direction];
      for (let r = 0; r < rules.length; r += 1) {
        const rule = rules[r] as CompiledRule;
        const portIndex = firstPortMatch(rule.ports, query, destinationPorts);
        if (portIndex === NO_MATCH) continue;
        if (!undecided && peer.kind === 'pod' && rule.undecidedPods !== undefined) undecided = hasPod(rule.undecidedPods, peer.index);
        const peerIndex = this.firstPeerMatch(rule.peers, peer);
        if (peerIndex === NO_MATCH) continue;
        const ref: RuleRef = { policy: policy.key, direction, ruleIndex: r, peerIndex, portIndex };
        const textKey = ((peerIndex ?? -1) + 1) * 65536 + (portIndex ?? -1) + 1;
        let ruleText = rule.refTexts.get(textKey);
        if (ruleText === undefined) {
          ruleText = formatRuleRef(ref);
          rule.refTexts.set(textKey, ruleText);
        }
        return allowedVerdict(direction, [...selectedBy], this.isolationText(direction, subject), ref, ruleText);
      }
    }
    return deniedVerdict(direction, [...selectedBy], this.isolationText(direction, subject), {
      peerText: peer.text,
      portText: formatPortQuery(query, destinationPorts),
      peerIpUndecided: undecided,
      podNetwork: this.state.podNetwork,
    });
  }

  private isolationText(direction: PolicyType, subject: Extract<ResolvedEndpoint, { kind: 'pod' }>): string {
    let text = this.isolationTexts[direction][subject.index];
    if (text === undefined) {
      text = isolationText(subject.text, this.selectedByKeys[direction][subject.index] ?? []);
      this.isolationTexts[direction][subject.index] = text;
    }
    return text;
  }

  private firstPeerMatch(peers: CompiledPeer[] | undefined, peer: ResolvedEndpoint): number | undefined {
    if (peers === undefined) return undefined;
    for (let i = 0; i < peers.length; i += 1) {
      const candidate = peers[i] as CompiledPeer;
      if (peer.kind === 'pod' ? hasPod(candidate.pods, peer.index) : candidate.ipBlock !== undefined && ipBlockContains(candidate.ipBlock, peer.ip)) {
        return i;
      }
    }
    return NO_MATCH;
  }

  private indexOf(key: string): number {
    const index = this.podIndex.get(key);
    if (index === undefined) throw unknownPodError(key, this.pods.length);
    return index;
  }

  private resolve(endpoint: Endpoint): ResolvedEndpoint {
    if (endpoint.kind === 'external') return { kind: 'external', ip: parseExternalIp(endpoint.ip), text: externalText(endpoint.ip) };
    const index = this.podsByName.get(endpoint.namespace)?.get(endpoint.name);
    if (index === undefined) throw unknownPodError(podKey(endpoint), this.pods.length);
    return { kind: 'pod', index, text: this.podKeys[index] as string };
  }
}

/**
 * Per matrix query: for every rule, the destinations its ports admit on the queried port and protocol (`true`:
 * every destination, because an entry does not depend on the destination). Computed once per rule per query.
 */
class RulePortMasks {
  private readonly masks = new Map<CompiledRule, PodSet | true>();
  private readonly named = new Map<string, PodSet>();

  constructor(
    private readonly pods: readonly PodInfo[],
    private readonly query: PortQuery,
  ) {}

  of(rule: CompiledRule): PodSet | true {
    let mask = this.masks.get(rule);
    if (mask === undefined) {
      mask = this.compute(rule);
      this.masks.set(rule, mask);
    }
    return mask;
  }

  private compute(rule: CompiledRule): PodSet | true {
    if (rule.ports === undefined) return true;
    const mask = createPodSet(this.pods.length);
    for (const port of rule.ports) {
      if (isDestinationIndependent(port)) {
        if (portMatches(port, this.query, undefined)) return true;
      } else if (portProtocol(port) === this.query.protocol) {
        addAll(mask, this.podsNaming(port.port as string));
      }
    }
    return mask;
  }

  /** Pods whose container ports give `name` to the queried port and protocol. */
  private podsNaming(name: string): PodSet {
    let set = this.named.get(name);
    if (set === undefined) {
      set = createPodSet(this.pods.length);
      this.pods.forEach((pod, i) => {
        if (pod.ports.some((p) => p.name === name && p.port === this.query.port && p.protocol === this.query.protocol)) addPod(set as PodSet, i);
      });
      this.named.set(name, set);
    }
    return set;
  }
}

/** Resolves policies of one state to compiled rules, caching what each selector selects. */
class StateCompiler {
  private readonly podsByNamespace = new Map<string, number[]>();
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly namespaces: string[] = [];
  private readonly podSelections = new Map<string, PodSet>();
  private readonly namespaceSelections = new Map<string, string[]>();
  private readonly podNetwork: Cidr[] | undefined;

  constructor(
    private readonly pods: readonly PodInfo[],
    private readonly podIps: readonly IpAddress[][],
    private readonly state: ClusterState,
  ) {
    this.podNetwork = state.podNetwork?.map((cidr) => parsePodNetwork(cidr));
    for (const ns of state.namespaces) {
      if (!this.namespaceLabels.has(ns.name)) this.namespaces.push(ns.name);
      this.namespaceLabels.set(ns.name, ns.labels);
    }
    pods.forEach((pod, i) => {
      let list = this.podsByNamespace.get(pod.namespace);
      if (list === undefined) {
        list = [];
        this.podsByNamespace.set(pod.namespace, list);
        if (!this.namespaceLabels.has(pod.namespace)) {
          // A namespace the state does not describe has no labels (only `{}`-like selectors match it).
          this.namespaceLabels.set(pod.namespace, {});
          this.namespaces.push(pod.namespace);
        }
      }
      list.push(i);
    });
  }

  compileInto(policies: CompiledPolicy[], selecting: Record<PolicyType, number[][]>): void {
    this.state.policies.forEach((policy, p) => {
      const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
      const compiled: CompiledPolicy = {
        key,
        rules: {
          Ingress: (policy.spec.ingress ?? []).map((rule, r) => this.compileRule(key, 'ingress', r, policy.metadata.namespace, rule.from, rule.ports)),
          Egress: (policy.spec.egress ?? []).map((rule, r) => this.compileRule(key, 'egress', r, policy.metadata.namespace, rule.to, rule.ports)),
        },
      };
      policies.push(compiled);
      const selected = this.selectPods(policy.metadata.namespace, policy.spec.podSelector);
      for (const direction of DIRECTIONS) {
        if (!isolatesFor(policy.spec, direction)) continue;
        for (const i of this.podsByNamespace.get(policy.metadata.namespace) ?? []) {
          if (hasPod(selected, i)) (selecting[direction][i] as number[]).push(p);
        }
      }
    });
  }

  private compileRule(
    policyKey: string,
    direction: string,
    ruleIndex: number,
    namespace: string,
    peers: NetworkPolicyPeer[] | undefined,
    ports: NetworkPolicyPort[] | undefined,
  ): CompiledRule {
    const compiledPorts = ports !== undefined && ports.length > 0 ? ports : undefined;
    if (peers === undefined || peers.length === 0) {
      return { peers: undefined, ports: compiledPorts, peerPods: undefined, undecidedPods: undefined, refTexts: new Map() };
    }
    const compiledPeers = peers.map((peer, i) =>
      this.compilePeer(peer, namespace, `policy ${policyKey} ${direction} rule ${ruleIndex + 1} peer ${i + 1}`),
    );
    const peerPods = createPodSet(this.pods.length);
    for (const peer of compiledPeers) addAll(peerPods, peer.pods);
    let undecidedPods: PodSet | undefined;
    for (const peer of compiledPeers) {
      if (peer.undecided === undefined) continue;
      undecidedPods ??= createPodSet(this.pods.length);
      addAll(undecidedPods, peer.undecided);
    }
    return { peers: compiledPeers, ports: compiledPorts, peerPods, undecidedPods, refTexts: new Map() };
  }

  private compilePeer(peer: NetworkPolicyPeer, namespace: string, subject: string): CompiledPeer {
    if (peer.ipBlock !== undefined) {
      const block = parseIpBlock(peer.ipBlock, subject);
      const pods = createPodSet(this.pods.length);
      const undecided = createPodSet(this.pods.length);
      // pods without an IP: the pod network decides, or (without one) their real IP would
      const withoutIp = this.podNetwork === undefined ? 'some' : ipBlockMatchesNetwork(block, this.podNetwork);
      this.podIps.forEach((ips, i) => {
        if (ips.length === 0) {
          if (withoutIp === 'all') addPod(pods, i);
          else if (withoutIp === 'some') addPod(undecided, i);
        } else if (ips.some((ip) => ipBlockContains(block, ip))) {
          addPod(pods, i);
        }
      });
      return { pods, ipBlock: block, undecided };
    }
    if (peer.namespaceSelector === undefined && peer.podSelector === undefined) {
      return { pods: createPodSet(this.pods.length), ipBlock: undefined };
    }
    if (peer.namespaceSelector === undefined) {
      return { pods: this.selectPods(namespace, peer.podSelector ?? {}), ipBlock: undefined };
    }
    const pods = createPodSet(this.pods.length);
    for (const ns of this.selectNamespaces(peer.namespaceSelector)) {
      addAll(pods, this.selectPods(ns, peer.podSelector ?? {}));
    }
    return { pods, ipBlock: undefined };
  }

  /** The pods of `namespace` that `selector` selects (cached). */
  private selectPods(namespace: string, selector: NonNullable<NetworkPolicyPeer['podSelector']>): PodSet {
    const cacheKey = `${namespace}\u0000${selectorKey(selector)}`;
    let set = this.podSelections.get(cacheKey);
    if (set === undefined) {
      set = createPodSet(this.pods.length);
      for (const i of this.podsByNamespace.get(namespace) ?? []) {
        if (selectorMatches(selector, (this.pods[i] as PodInfo).labels)) addPod(set, i);
      }
      this.podSelections.set(cacheKey, set);
    }
    return set;
  }

  private selectNamespaces(selector: NonNullable<NetworkPolicyPeer['namespaceSelector']>): string[] {
    const cacheKey = selectorKey(selector);
    let names = this.namespaceSelections.get(cacheKey);
    if (names === undefined) {
      names = this.namespaces.filter((ns) => selectorMatches(selector, this.namespaceLabels.get(ns) ?? {}));
      this.namespaceSelections.set(cacheKey, names);
    }
    return names;
  }
}

/** Compiles a state once; the returned model judges any connection or truth table of that state. */
export function compileModel(state: ClusterState): PolicyModel {
  return new CompiledPolicyModel(state);
}
