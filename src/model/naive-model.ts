/**
 * The naive reference evaluator: the spec read literally, with no precompilation. Every judgement walks every
 * policy, every rule and every peer, evaluating selectors and parsing CIDRs on the spot. It exists to be obviously
 * right: the compiled model must agree with it on every verdict (test/unit/model/differential.test.ts), and the
 * benchmark measures how much the compilation buys.
 */
import { addressesOfFamily, connectionFamilies, familiesOfAddresses, networksOfFamily, noSharedFamilyText, type ConnectionFamily, type EndpointFamilies } from './address-family.js';
import type { IpAddress } from './cidr.js';
import { ipBlockContains, ipBlockMatchesNetwork, parseExternalIp, parseIpBlock, parsePodIps, parsePodNetwork, type ParsedIpBlock } from './ip-block.js';
import { selectorMatches } from './label-selector.js';
import { CELL, cellOf, podKey, singleConnectionVerdict, type MatrixQuery, type MatrixVerdicts, type PolicyModel } from './policy-model.js';
import { isolatesFor } from './policy-types.js';
import { formatPortQuery, portMatches, type PortQuery } from './port-match.js';
import type {
  ClusterState,
  DirectionVerdict,
  Endpoint,
  Labels,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PodInfo,
  PolicyType,
  Traffic,
  Verdict,
} from './types.js';
import { unknownPodError } from './unknown-pod-error.js';
import { InputError } from '../util/index.js';
import { allowedVerdict, deniedVerdict, externalText, externalVerdict, isolationText, notIsolatedVerdict } from './verdict-text.js';

type NaiveEndpoint = { kind: 'pod'; pod: PodInfo; text: string } | { kind: 'external'; ip: IpAddress; text: string };

function findPod(state: ClusterState, endpoint: { namespace: string; name: string }): PodInfo {
  for (const pod of state.pods) if (pod.namespace === endpoint.namespace && pod.name === endpoint.name) return pod;
  throw unknownPodError(podKey(endpoint), state.pods.length);
}

function namespaceLabels(state: ClusterState, name: string): Labels {
  for (const ns of state.namespaces) if (ns.name === name) return ns.labels;
  return {};
}

function resolve(state: ClusterState, endpoint: Endpoint): NaiveEndpoint {
  if (endpoint.kind === 'external') return { kind: 'external', ip: parseExternalIp(endpoint.ip), text: externalText(endpoint.ip) };
  return { kind: 'pod', pod: findPod(state, endpoint), text: podKey(endpoint) };
}

/** The families an end has addresses of: its IPs, or (a pod without one) the pod network's; undefined if unknown. */
function familiesOfEndpoint(state: ClusterState, endpoint: NaiveEndpoint): EndpointFamilies {
  if (endpoint.kind === 'external') return [endpoint.ip.family];
  const ips = parsePodIps(endpoint.pod.ips, endpoint.text);
  if (ips.length > 0) return familiesOfAddresses(ips);
  return familiesOfAddresses(state.podNetwork?.map((cidr) => parsePodNetwork(cidr)));
}

function peerMatches(state: ClusterState, peer: NetworkPolicyPeer, policyNamespace: string, endpoint: NaiveEndpoint, subject: string, family: ConnectionFamily): boolean {
  if (peer.ipBlock !== undefined) {
    const block = parseIpBlock(peer.ipBlock, subject);
    // a connection of one family: only the end's addresses of that family can match
    const all = endpoint.kind === 'pod' ? parsePodIps(endpoint.pod.ips, endpoint.text) : [endpoint.ip];
    if (all.length === 0) return networkMatch(state, block, family) === 'all';
    return addressesOfFamily(all, family).some((ip) => ipBlockContains(block, ip));
  }
  if (endpoint.kind === 'external') return false;
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) return false;
  const pod = endpoint.pod;
  if (peer.namespaceSelector === undefined) {
    return pod.namespace === policyNamespace && selectorMatches(peer.podSelector ?? {}, pod.labels);
  }
  return selectorMatches(peer.namespaceSelector, namespaceLabels(state, pod.namespace)) && selectorMatches(peer.podSelector ?? {}, pod.labels);
}

/** How an ipBlock treats a pod without an IP: the pod network of the family decides, or (without one) its real IP would. */
function networkMatch(state: ClusterState, block: ParsedIpBlock, family: ConnectionFamily): 'all' | 'none' | 'some' {
  if (state.podNetwork === undefined) return 'some';
  return ipBlockMatchesNetwork(block, networksOfFamily(state.podNetwork.map((cidr) => parsePodNetwork(cidr)), family));
}

/** The pod network CIDRs of a family, as written (for explanations). */
function podNetworkTexts(state: ClusterState, family: ConnectionFamily): string[] | undefined {
  return state.podNetwork?.filter((cidr) => family === undefined || parsePodNetwork(cidr).family === family);
}

function judge(
  state: ClusterState,
  direction: PolicyType,
  subject: NaiveEndpoint & { kind: 'pod' },
  peer: NaiveEndpoint,
  query: PortQuery,
  destination: NaiveEndpoint,
  family: ConnectionFamily,
): DirectionVerdict {
  const pod = subject.pod;
  const selecting = state.policies.filter(
    (policy) => policy.metadata.namespace === pod.namespace && isolatesFor(policy.spec, direction) && selectorMatches(policy.spec.podSelector, pod.labels),
  );
  const selectedBy = selecting.map((policy) => `${policy.metadata.namespace}/${policy.metadata.name}`);
  if (selecting.length === 0) return notIsolatedVerdict(direction, subject.text);
  const destinationPorts = destination.kind === 'pod' ? destination.pod.ports : undefined;
  let undecided = false;
  for (const policy of selecting) {
    const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
    const rules = direction === 'Ingress' ? (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    for (let r = 0; r < rules.length; r += 1) {
      const rule = rules[r] as { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] };
      const peers = rule.peers ?? [];
      const ports = rule.ports ?? [];
      let portIndex: number | undefined;
      if (ports.length > 0) {
        portIndex = ports.findIndex((p) => portMatches(p, query, destinationPorts));
        if (portIndex < 0) continue;
      }
      if (peer.kind === 'pod' && (peer.pod.ips ?? []).length === 0) {
        undecided ||= peers.some((p, i) => p.ipBlock !== undefined && networkMatch(state, parseIpBlock(p.ipBlock, `policy ${key} rule ${r + 1} peer ${i + 1}`), family) === 'some');
      }
      let peerIndex: number | undefined;
      if (peers.length > 0) {
        const subjectText = `policy ${key} ${direction === 'Ingress' ? 'ingress' : 'egress'} rule ${r + 1}`;
        peerIndex = peers.findIndex((p, i) => peerMatches(state, p, policy.metadata.namespace, peer, `${subjectText} peer ${i + 1}`, family));
        if (peerIndex < 0) continue;
      }
      return allowedVerdict(direction, selectedBy, isolationText(subject.text, selectedBy), { policy: key, direction, ruleIndex: r, peerIndex, portIndex });
    }
  }
  return deniedVerdict(direction, selectedBy, isolationText(subject.text, selectedBy), {
    peerText: peer.text,
    portText: formatPortQuery(query, destinationPorts),
    peerIpUndecided: undecided,
    podNetwork: podNetworkTexts(state, family),
  });
}

/** Judges every connection of the traffic (one per family both ends have) by reading every policy literally. */
export function evaluateFamiliesNaively(state: ClusterState, traffic: Traffic): Verdict[] {
  const source = resolve(state, traffic.source);
  const destination = resolve(state, traffic.destination);
  const query: PortQuery = { port: traffic.port, protocol: traffic.protocol, portName: traffic.portName };
  const families = connectionFamilies(
    { text: source.text, families: familiesOfEndpoint(state, source) },
    { text: destination.text, families: familiesOfEndpoint(state, destination) },
    traffic.family,
  );
  return families.map((family) => {
    const egress = source.kind === 'pod' ? judge(state, 'Egress', source, destination, query, destination, family) : externalVerdict('Egress', source.text);
    const ingress =
      destination.kind === 'pod' ? judge(state, 'Ingress', destination, source, query, destination, family) : externalVerdict('Ingress', destination.text);
    const verdict: Verdict = { allowed: egress.allowed && ingress.allowed, egress, ingress };
    if (family !== undefined) verdict.family = family;
    return verdict;
  });
}

/** Judges one connection against a state by reading every policy literally (see PolicyModel.evaluate). */
export function evaluateNaively(state: ClusterState, traffic: Traffic): Verdict {
  const verdicts = evaluateFamiliesNaively(state, traffic);
  if (verdicts.length === 1) return verdicts[0] as Verdict;
  const source = resolve(state, traffic.source);
  const destination = resolve(state, traffic.destination);
  return singleConnectionVerdict(verdicts, `${source.text} -> ${destination.text} on ${traffic.port}/${traffic.protocol}`, () =>
    noSharedFamilyText({ text: source.text, families: familiesOfEndpoint(state, source) }, { text: destination.text, families: familiesOfEndpoint(state, destination) }),
  );
}

function endpointOf(key: string, state: ClusterState): Endpoint {
  const slash = key.indexOf('/');
  const endpoint = { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
  findPod(state, endpoint);
  return { kind: 'pod', ...endpoint };
}

/** The naive evaluator behind the PolicyModel interface (evaluateMatrix judges every cell one by one). */
export function createNaiveModel(state: ClusterState): PolicyModel {
  return {
    state,
    evaluate: (traffic) => evaluateNaively(state, traffic),
    evaluateFamilies: (traffic) => evaluateFamiliesNaively(state, traffic),
    evaluateMatrix(query: MatrixQuery): MatrixVerdicts {
      const sources = query.sources ? [...query.sources] : state.pods.map(podKey);
      const destinations = query.destinations ? [...query.destinations] : state.pods.map(podKey);
      const rowEndpoints = sources.map((key) => endpointOf(key, state));
      const columnEndpoints = destinations.map((key) => endpointOf(key, state));
      const verdicts = (row: number, column: number): Verdict[] => {
        const traffic: Traffic = { source: rowEndpoints[row] as Endpoint, destination: columnEndpoints[column] as Endpoint, port: query.port, protocol: query.protocol };
        if (query.family === undefined) return evaluateFamiliesNaively(state, traffic);
        // a pair with an end that has no address of the named family has no connection
        try {
          return evaluateFamiliesNaively(state, { ...traffic, family: query.family });
        } catch (error) {
          if (error instanceof InputError) return [];
          throw error;
        }
      };
      const width = columnEndpoints.length;
      const cells = new Uint8Array(rowEndpoints.length * width);
      for (let i = 0; i < rowEndpoints.length; i += 1) for (let j = 0; j < width; j += 1) cells[i * width + j] = cellOf(verdicts(i, j));
      return { sources, destinations, port: query.port, protocol: query.protocol, cells, allowed: (row, column) => cells[row * width + column] === CELL.ALLOW, verdicts };
    },
  };
}
