/**
 * The compiled NetworkPolicy model. compileModel precomputes, once per state:
 * - for every policy, the pods it selects, and for every pod and direction the policies that select it (in order);
 * - for every rule peer, the set of pods it matches (selectors and ipBlocks resolved against pods), as a bitset;
 * - ipBlocks and pod IPs parsed once.
 * Judging a pair then costs work proportional to the rules of the policies that select its two endpoints, and a
 * truth table (evaluateMatrix) costs one bitset pass per row and column plus one bit test per cell.
 */
import {
  addressesOfFamily,
  connectionFamilies,
  FAMILY_AT,
  noSharedFamilyText,
  familyIndex,
  networksOfFamily,
  podFamilies,
  type ConnectionFamily,
  type EndpointFamilies,
  type FamilyIndex,
} from './address-family.js';
import type { Cidr, IpAddress } from './cidr.js';
import { ipBlockContains, ipBlockMatchesNetwork, parseExternalIp, parseIpBlock, parsePodIps, parsePodNetwork, type ParsedIpBlock } from './ip-block.js';
import { selectorKey, selectorMatches } from './label-selector.js';
import { addAll, addIntersection, addPod, createPodSet, hasPod, type PodSet } from './pod-set.js';
import { CELL, podKey, singleConnectionVerdict, type MatrixQuery, type MatrixVerdicts, type PolicyModel } from './policy-model.js';
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
  notIsolatedText,
  notIsolatedVerdict,
} from './verdict-text.js';

/** A pod set per connection family, by FamilyIndex (unknown, IPv4, IPv6); one shared set when family is moot. */
type ByFamily = readonly [PodSet, PodSet, PodSet];

interface CompiledPeer {
  /** The pods this peer matches, per connection family (an ipBlock matches a pod by its address of that family). */
  pods: ByFamily;
  /** Set for an ipBlock peer: what external addresses are judged against. */
  ipBlock: ParsedIpBlock | undefined;
  /** ipBlock peers: pods without a known IP whose real IP decides (see ClusterState.podNetwork), per family. */
  undecided?: ByFamily;
}

interface CompiledRule {
  /** Undefined when the rule has no peers (it matches every peer). */
  peers: CompiledPeer[] | undefined;
  /** Undefined when the rule has no ports (it matches every port). */
  ports: NetworkPolicyPort[] | undefined;
  /** Union of the peers' pod sets per family (undefined with `peers`). */
  peerPods: ByFamily | undefined;
  /** Union of the ipBlock peers' undecided pods per family; undefined when the rule has no ipBlock peer. */
  undecidedPods: ByFamily | undefined;
  /** formatRuleRef texts of this rule, by peer and port index (cached: explanations repeat). */
  refTexts: Map<number, string>;
  /**
   * When no port entry is a name (so the match does not depend on the destination): the last port query judged
   * and its firstPortMatch result. Per-pair evaluation asks the same port over and over.
   */
  portMemo: { port: number; protocol: string; portName: string | undefined; index: number | undefined } | undefined;
  portsIndependent: boolean;
}

interface CompiledPolicy {
  key: string;
  rules: Record<PolicyType, CompiledRule[]>;
}

type ResolvedEndpoint =
  | { kind: 'pod'; index: number; text: string; families: EndpointFamilies }
  | { kind: 'external'; ip: IpAddress; text: string; families: EndpointFamilies };

/** Per-pod family bits for the matrix: 1 IPv4, 2 IPv6, 0 unknown. */
const FAMILY_BITS_OF = (families: EndpointFamilies): number => (families === undefined ? 0 : (families.includes(4) ? 1 : 0) | (families.includes(6) ? 2 : 0));

const NO_MATCH = -1;
const DIRECTIONS: readonly PolicyType[] = ['Ingress', 'Egress'];

/** Index of the first entry that matches, undefined when there are no entries (all match), NO_MATCH when none does. */
function firstPortMatch(ports: NetworkPolicyPort[] | undefined, query: PortQuery, destinationPorts: readonly PodPort[] | undefined): number | undefined {
  if (ports === undefined) return undefined;
  for (let i = 0; i < ports.length; i += 1) if (portMatches(ports[i] as NetworkPolicyPort, query, destinationPorts)) return i;
  return NO_MATCH;
}

function portMemoFor(ports: NetworkPolicyPort[] | undefined): Pick<CompiledRule, 'portMemo' | 'portsIndependent'> {
  return { portMemo: undefined, portsIndependent: (ports ?? []).every(isDestinationIndependent) };
}

/** firstPortMatch of a rule, remembered per port query when the rule's ports do not depend on the destination. */
function rulePortMatch(rule: CompiledRule, query: PortQuery, destinationPorts: readonly PodPort[] | undefined): number | undefined {
  if (!rule.portsIndependent) return firstPortMatch(rule.ports, query, destinationPorts);
  const memo = rule.portMemo;
  if (memo !== undefined && memo.port === query.port && memo.protocol === query.protocol && memo.portName === query.portName) return memo.index;
  const index = firstPortMatch(rule.ports, query, destinationPorts);
  rule.portMemo = { port: query.port, protocol: query.protocol, portName: query.portName, index };
  return index;
}

class CompiledPolicyModel implements PolicyModel {
  readonly state: ClusterState;
  private readonly pods: PodInfo[];
  private readonly podIps: IpAddress[][];
  private readonly podFamilies: EndpointFamilies[];
  /** ClusterState.podNetwork as given, per FamilyIndex (for explanations); undefined without one. */
  private readonly podNetworkTexts: (string[] | undefined)[];
  private readonly podKeys: string[];
  private readonly podIndex = new Map<string, number>();
  /** namespace -> name -> index: resolving an endpoint without building its key. */
  private readonly podsByName = new Map<string, Map<string, number>>();
  private readonly policies: CompiledPolicy[] = [];
  /** selecting[direction][pod] = indexes of the policies that select the pod for that direction, in policy order. */
  private readonly selecting: Record<PolicyType, number[][]>;
  private readonly selectedByKeys: Record<PolicyType, string[][]>;
  /** isolationText (or, for a pod no policy selects, notIsolatedText) per direction and pod, computed on first use. */
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
    const podNetwork = state.podNetwork?.map((cidr) => parsePodNetwork(cidr));
    this.podFamilies = this.podIps.map((ips) => podFamilies(ips, podNetwork));
    this.podNetworkTexts = FAMILY_AT.map((family) => (podNetwork === undefined ? undefined : networksOfFamily(podNetwork, family).map((n) => n.text)));
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
    const verdicts = this.evaluateFamilies(traffic);
    if (verdicts.length === 1) return verdicts[0] as Verdict;
    const source = this.resolve(traffic.source);
    const destination = this.resolve(traffic.destination);
    return singleConnectionVerdict(verdicts, `${source.text} -> ${destination.text} on ${traffic.port}/${traffic.protocol}`, () => noSharedFamilyText(source, destination));
  }

  evaluateFamilies(traffic: Traffic): Verdict[] {
    const source = this.resolve(traffic.source);
    const destination = this.resolve(traffic.destination);
    const query: PortQuery = { port: traffic.port, protocol: traffic.protocol, portName: traffic.portName };
    const destinationPorts = destination.kind === 'pod' ? (this.pods[destination.index] as PodInfo).ports : undefined;
    return connectionFamilies(source, destination, traffic.family).map((family) => this.evaluateConnection(source, destination, query, destinationPorts, family));
  }

  private evaluateConnection(
    source: ResolvedEndpoint,
    destination: ResolvedEndpoint,
    query: PortQuery,
    destinationPorts: readonly PodPort[] | undefined,
    family: ConnectionFamily,
  ): Verdict {
    const fi = familyIndex(family);
    const egress =
      source.kind === 'pod'
        ? this.judge('Egress', source, destination, query, destinationPorts, fi)
        : externalVerdict('Egress', source.text);
    const ingress =
      destination.kind === 'pod'
        ? this.judge('Ingress', destination, source, query, destinationPorts, fi)
        : externalVerdict('Ingress', destination.text);
    const verdict: Verdict = { allowed: egress.allowed && ingress.allowed, egress, ingress };
    if (family !== undefined) verdict.family = family;
    return verdict;
  }

  evaluateMatrix(query: MatrixQuery): MatrixVerdicts {
    const sources = query.sources ? [...query.sources] : [...this.podKeys];
    const destinations = query.destinations ? [...query.destinations] : [...this.podKeys];
    const rows = Int32Array.from(sources, (key) => this.indexOf(key));
    const columns = Int32Array.from(destinations, (key) => this.indexOf(key));
    const portQuery: PortQuery = { port: query.port, protocol: query.protocol };
    const masks = new RulePortMasks(this.pods, portQuery);
    const bits = this.podFamilies.map(FAMILY_BITS_OF);
    const pairFamilies = query.family === undefined ? PAIR_FAMILIES : NAMED_PAIR_FAMILIES[query.family === 4 ? 1 : 2] as readonly (readonly FamilyIndex[])[];
    // The connection families some pair of the table has: from the few distinct family bits of rows and columns.
    const families = new Set<FamilyIndex>();
    const rowBits = new Set(Array.from(rows, (s) => bits[s] as number));
    const columnBits = new Set(Array.from(columns, (d) => bits[d] as number));
    // every pair has the same one connection (no pair without a connection, none with two)
    let uniform = true;
    for (const a of rowBits) {
      for (const b of columnBits) {
        const pair = pairFamilies[a * 4 + b] as readonly FamilyIndex[];
        if (pair.length !== 1) uniform = false;
        for (const fi of pair) families.add(fi);
      }
    }
    const ingress: (DirectionSets | undefined)[][] = [[], [], []];
    const egress: (DirectionSets | undefined)[][] = [[], [], []];
    for (const fi of families) {
      ingress[fi] = Array.from(columns, (d) => this.ingressAdmits(d, masks, fi));
      egress[fi] = Array.from(rows, (s) => this.egressReaches(s, masks, fi));
    }
    const width = columns.length;
    const cells = new Uint8Array(rows.length * width);
    const only = uniform && families.size === 1 ? ([...families][0] as FamilyIndex) : undefined;
    if (only !== undefined) {
      // every pair has the same single connection family (the usual case): one set look-up per side and cell
      fillSingleFamily(cells, rows, columns, egress[only] ?? [], ingress[only] ?? []);
    } else for (let i = 0; i < rows.length; i += 1) {
      const s = rows[i] as number;
      for (let j = 0; j < width; j += 1) {
        const d = columns[j] as number;
        let allowedCount = 0;
        let undecided = false;
        const pair = pairFamilies[(bits[s] as number) * 4 + (bits[d] as number)] as readonly FamilyIndex[];
        for (const fi of pair) {
          const out = egress[fi]?.[i];
          const into = ingress[fi]?.[j];
          const egressAllowed = out === undefined || hasPod(out.allowed, d);
          const ingressAllowed = into === undefined || hasPod(into.allowed, s);
          if (egressAllowed && ingressAllowed) {
            allowedCount += 1;
          } else if (
            (egressAllowed || (out?.undecided !== undefined && hasPod(out.undecided, d))) &&
            (ingressAllowed || (into?.undecided !== undefined && hasPod(into.undecided, s)))
          ) {
            undecided = true;
          }
        }
        cells[i * width + j] = pair.length === 0 ? CELL.NO_CONNECTION : undecided ? CELL.UNDECIDED : allowedCount === pair.length ? CELL.ALLOW : allowedCount === 0 ? CELL.DENY : CELL.MIXED;
      }
    }
    return {
      sources,
      destinations,
      port: query.port,
      protocol: query.protocol,
      cells,
      allowed: (row, column) => cells[row * width + column] === CELL.ALLOW,
      verdicts: (row, column) =>
        this.matrixCellVerdicts({
          source: this.podEndpoint(rows[row], sources[row]),
          destination: this.podEndpoint(columns[column], destinations[column]),
          port: query.port,
          protocol: query.protocol,
          ...(query.family !== undefined ? { family: query.family } : {}),
        }),
    };
  }

  /** A table cell's verdicts: none when the table names a family an end has no address of (NO_CONNECTION). */
  private matrixCellVerdicts(traffic: Traffic): Verdict[] {
    if (traffic.family !== undefined) {
      const fi = traffic.family === 4 ? 1 : 2;
      const source = this.resolve(traffic.source);
      const destination = this.resolve(traffic.destination);
      if ((NAMED_PAIR_FAMILIES[fi]?.[FAMILY_BITS_OF(source.families) * 4 + FAMILY_BITS_OF(destination.families)] ?? NO_FAMILY).length === 0) return [];
    }
    return this.evaluateFamilies(traffic);
  }

  private resolvePod(index: number): Extract<ResolvedEndpoint, { kind: 'pod' }> {
    return { kind: 'pod', index, text: this.podKeys[index] as string, families: this.podFamilies[index] };
  }

  private podEndpoint(index: number | undefined, key: string | undefined): Endpoint {
    const pod = index === undefined ? undefined : this.pods[index];
    if (pod === undefined) throw unknownPodError(key ?? '(no pod)', this.pods.length);
    return { kind: 'pod', namespace: pod.namespace, name: pod.name };
  }

  /**
   * The sources `destination` admits for ingress on the queried port over family `fi`, or undefined when it admits
   * every source; with the IP-less sources whose real IP could be admitted by an ipBlock peer (see judge).
   */
  private ingressAdmits(destination: number, masks: RulePortMasks, fi: FamilyIndex): DirectionSets | undefined {
    const selected = this.selecting.Ingress[destination] ?? [];
    if (selected.length === 0) return undefined;
    const sets: DirectionSets = { allowed: createPodSet(this.pods.length), undecided: undefined };
    for (const p of selected) {
      for (const rule of (this.policies[p] as CompiledPolicy).rules.Ingress) {
        const mask = masks.of(rule);
        if (mask !== true && !hasPod(mask, destination)) continue;
        if (rule.peerPods === undefined) return undefined;
        addAll(sets.allowed, rule.peerPods[fi]);
        if (rule.undecidedPods !== undefined) addAll((sets.undecided ??= createPodSet(this.pods.length)), rule.undecidedPods[fi]);
      }
    }
    return sets;
  }

  /** The destinations `source` may reach for egress on the queried port over family `fi`, or undefined for all. */
  private egressReaches(source: number, masks: RulePortMasks, fi: FamilyIndex): DirectionSets | undefined {
    const selected = this.selecting.Egress[source] ?? [];
    if (selected.length === 0) return undefined;
    const sets: DirectionSets = { allowed: createPodSet(this.pods.length), undecided: undefined };
    for (const p of selected) {
      for (const rule of (this.policies[p] as CompiledPolicy).rules.Egress) {
        const mask = masks.of(rule);
        if (rule.peerPods === undefined) {
          if (mask === true) return undefined;
          addAll(sets.allowed, mask);
          continue;
        }
        if (mask === true) addAll(sets.allowed, rule.peerPods[fi]);
        else addIntersection(sets.allowed, rule.peerPods[fi], mask);
        if (rule.undecidedPods === undefined) continue;
        const undecided = (sets.undecided ??= createPodSet(this.pods.length));
        if (mask === true) addAll(undecided, rule.undecidedPods[fi]);
        else addIntersection(undecided, rule.undecidedPods[fi], mask);
      }
    }
    return sets;
  }

  private judge(
    direction: PolicyType,
    subject: Extract<ResolvedEndpoint, { kind: 'pod' }>,
    peer: ResolvedEndpoint,
    query: PortQuery,
    destinationPorts: readonly PodPort[] | undefined,
    fi: FamilyIndex,
  ): DirectionVerdict {
    const selected = this.selecting[direction][subject.index] ?? [];
    if (selected.length === 0) {
      let text = this.isolationTexts[direction][subject.index];
      if (text === undefined) {
        text = notIsolatedText(direction, subject.text);
        this.isolationTexts[direction][subject.index] = text;
      }
      return notIsolatedVerdict(direction, subject.text, text);
    }
    const selectedBy = this.selectedByKeys[direction][subject.index] ?? [];
    let undecided = false;
    for (const p of selected) {
      const policy = this.policies[p] as CompiledPolicy;
      const rules = policy.rules[direction];
      for (let r = 0; r < rules.length; r += 1) {
        const rule = rules[r] as CompiledRule;
        const portIndex = rulePortMatch(rule, query, destinationPorts);
        if (portIndex === NO_MATCH) continue;
        if (!undecided && peer.kind === 'pod' && rule.undecidedPods !== undefined) undecided = hasPod(rule.undecidedPods[fi], peer.index);
        const peerIndex = this.firstPeerMatch(rule.peers, peer, fi);
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
      podNetwork: this.podNetworkTexts[fi],
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

  private firstPeerMatch(peers: CompiledPeer[] | undefined, peer: ResolvedEndpoint, fi: FamilyIndex): number | undefined {
    if (peers === undefined) return undefined;
    for (let i = 0; i < peers.length; i += 1) {
      const candidate = peers[i] as CompiledPeer;
      if (peer.kind === 'pod' ? hasPod(candidate.pods[fi], peer.index) : candidate.ipBlock !== undefined && ipBlockContains(candidate.ipBlock, peer.ip)) {
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
    if (endpoint.kind === 'external') {
      const ip = parseExternalIp(endpoint.ip);
      return { kind: 'external', ip, text: externalText(endpoint.ip), families: [ip.family] };
    }
    const index = this.podsByName.get(endpoint.namespace)?.get(endpoint.name);
    if (index === undefined) throw unknownPodError(podKey(endpoint), this.pods.length);
    return this.resolvePod(index);
  }
}

/** One set for every family: a peer whose match does not depend on addresses. */
function same(set: PodSet): ByFamily {
  return [set, set, set];
}

/** The cells of a table whose pairs all have one connection family, from that family's row and column sets. */
function fillSingleFamily(
  cells: Uint8Array,
  rows: Int32Array,
  columns: Int32Array,
  egress: readonly (DirectionSets | undefined)[],
  ingress: readonly (DirectionSets | undefined)[],
): void {
  const width = columns.length;
  for (let i = 0; i < rows.length; i += 1) {
    const s = rows[i] as number;
    const sWord = s >>> 5;
    const sBit = 1 << (s & 31);
    const out = egress[i];
    const reach = out?.allowed;
    const reachUndecided = out?.undecided;
    const base = i * width;
    for (let j = 0; j < width; j += 1) {
      const d = columns[j] as number;
      const dWord = d >>> 5;
      const dBit = 1 << (d & 31);
      const into = ingress[j];
      const egressAllowed = reach === undefined || ((reach[dWord] as number) & dBit) !== 0;
      const ingressAllowed = into === undefined || ((into.allowed[sWord] as number) & sBit) !== 0;
      if (egressAllowed && ingressAllowed) {
        cells[base + j] = CELL.ALLOW;
      } else if (
        (egressAllowed || (reachUndecided !== undefined && ((reachUndecided[dWord] as number) & dBit) !== 0)) &&
        (ingressAllowed || (into?.undecided !== undefined && ((into.undecided[sWord] as number) & sBit) !== 0))
      ) {
        cells[base + j] = CELL.UNDECIDED;
      } else {
        cells[base + j] = CELL.DENY;
      }
    }
  }
}

/** FamilyIndexes of the connections of a pair, by the bits its two ends share (1 IPv4, 2 IPv6, 0 unknown). */
const FAMILY_LISTS: readonly (readonly FamilyIndex[])[] = [[0], [1], [2], [1, 2]];
const NO_FAMILY: readonly FamilyIndex[] = [];
/** The connection families of a pod pair (see connectionFamilies) by its ends' family bits: PAIR_FAMILIES[a * 4 + b]. */
const PAIR_FAMILIES: readonly (readonly FamilyIndex[])[] = Array.from({ length: 16 }, (_, i) => {
  const a = i >> 2;
  const b = i & 3;
  if (a === 0) return FAMILY_LISTS[b] as readonly FamilyIndex[];
  if (b === 0) return FAMILY_LISTS[a] as readonly FamilyIndex[];
  return (a & b) === 0 ? NO_FAMILY : (FAMILY_LISTS[a & b] as readonly FamilyIndex[]);
});

/**
 * The connection of a pod pair when a table names family fi (1 IPv4, 2 IPv6): [fi] when each end has it or has
 * unknown families, none otherwise. NAMED_PAIR_FAMILIES[fi][a * 4 + b]; index 0 unused.
 */
const NAMED_PAIR_FAMILIES: readonly (readonly (readonly FamilyIndex[])[])[] = [[], namedPairs(1), namedPairs(2)];

function namedPairs(fi: 1 | 2): readonly (readonly FamilyIndex[])[] {
  return Array.from({ length: 16 }, (_, i) => {
    const a = i >> 2;
    const b = i & 3;
    return (a === 0 || (a & fi) !== 0) && (b === 0 || (b & fi) !== 0) ? (FAMILY_LISTS[fi] as readonly FamilyIndex[]) : NO_FAMILY;
  });
}

/** What one side of a table's pairs allows: the other ends admitted, and the IP-less ones an ipBlock could admit. */
interface DirectionSets {
  allowed: PodSet;
  undecided: PodSet | undefined;
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
      return { peers: undefined, ports: compiledPorts, peerPods: undefined, undecidedPods: undefined, refTexts: new Map(), ...portMemoFor(compiledPorts) };
    }
    const compiledPeers = peers.map((peer, i) =>
      this.compilePeer(peer, namespace, `policy ${policyKey} ${direction} rule ${ruleIndex + 1} peer ${i + 1}`),
    );
    const peerPods = this.union(compiledPeers.map((peer) => peer.pods));
    const undecided = compiledPeers.flatMap((peer) => (peer.undecided === undefined ? [] : [peer.undecided]));
    const undecidedPods = undecided.length === 0 ? undefined : this.union(undecided);
    return { peers: compiledPeers, ports: compiledPorts, peerPods, undecidedPods, refTexts: new Map(), ...portMemoFor(compiledPorts) };
  }

  /** The union of per-family sets; one shared set when no input depends on the family. */
  private union(sets: readonly ByFamily[]): ByFamily {
    const perFamily = sets.some((set) => set[0] !== set[1] || set[0] !== set[2]);
    const make = (fi: FamilyIndex): PodSet => {
      const out = createPodSet(this.pods.length);
      for (const set of sets) addAll(out, set[fi]);
      return out;
    };
    if (!perFamily) return same(make(0));
    return [make(0), make(1), make(2)];
  }

  private compilePeer(peer: NetworkPolicyPeer, namespace: string, subject: string): CompiledPeer {
    if (peer.ipBlock !== undefined) {
      const block = parseIpBlock(peer.ipBlock, subject);
      const pods = [createPodSet(this.pods.length), createPodSet(this.pods.length), createPodSet(this.pods.length)] as const;
      const undecided = [createPodSet(this.pods.length), createPodSet(this.pods.length), createPodSet(this.pods.length)] as const;
      FAMILY_AT.forEach((family, fi) => {
        // pods without an IP: the pod network (of the connection's family) decides, or (without one) their real IP would
        const withoutIp = this.podNetwork === undefined ? 'some' : ipBlockMatchesNetwork(block, networksOfFamily(this.podNetwork, family));
        this.podIps.forEach((ips, i) => {
          if (ips.length === 0) {
            if (withoutIp === 'all') addPod(pods[fi] as PodSet, i);
            else if (withoutIp === 'some') addPod(undecided[fi] as PodSet, i);
          } else if (addressesOfFamily(ips, family).some((ip) => ipBlockContains(block, ip))) {
            addPod(pods[fi] as PodSet, i);
          }
        });
      });
      return { pods, ipBlock: block, undecided };
    }
    if (peer.namespaceSelector === undefined && peer.podSelector === undefined) {
      return { pods: same(createPodSet(this.pods.length)), ipBlock: undefined };
    }
    if (peer.namespaceSelector === undefined) {
      return { pods: same(this.selectPods(namespace, peer.podSelector ?? {})), ipBlock: undefined };
    }
    const pods = createPodSet(this.pods.length);
    for (const ns of this.selectNamespaces(peer.namespaceSelector)) {
      addAll(pods, this.selectPods(ns, peer.podSelector ?? {}));
    }
    return { pods: same(pods), ipBlock: undefined };
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
