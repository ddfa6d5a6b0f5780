/**
 * Infers a fixture from NetworkPolicies alone: the namespaces they live in and the labels their
 * namespaceSelectors need; one workload per distinct pod selection (merged where one label set already satisfies
 * a selector), an outsider workload in every namespace and a namespace no policy lives in, so deny cells exist;
 * the ports and named ports the rules mention (every workload serves all of them, plus one port no rule names);
 * externals for egress ipBlock peers (an address inside the CIDR and one inside each except).
 *
 * Everything is bounded (workloads, ports, externals); what does not fit, or cannot be built, is listed in
 * `leftOut` with the reason, so a generated suite says what it does not test.
 */
import { formatSelector, isolatesFor, selectorMatches, selectsEverything } from '../model/index.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PodPort, Protocol } from '../model/index.js';
import type { LoadedPolicy } from '../suite/index.js';
import { selectorKey } from '../model/index.js';
import { pickAddress } from './pick-address.js';
import { labelsSatisfying, selectorSpecificity } from './satisfy-selector.js';

export const DEFAULT_MAX_WORKLOADS = 40;
export const DEFAULT_MAX_PORTS = 6;
export const DEFAULT_MAX_EXTERNALS = 8;
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface InferOptions {
  /** Upper bound on workloads, outsiders included (each is a probe pod, and matrices grow with its square). */
  maxWorkloads?: number;
  /** Upper bound on the ports every workload serves (each is a listener container). */
  maxPorts?: number;
  maxExternals?: number;
  /** The declared pod network: externals never take an address inside it (it would be a pod's). */
  podNetwork?: string[];
  /** Name of the namespace no policy lives in (default `outsider`, made unique). */
  outsiderNamespace?: string;
}

export interface InferredNamespace {
  name: string;
  labels: Record<string, string>;
  /** Why it exists: `policies`, a namespaceSelector, or `outsider`. */
  why: string[];
  outsider: boolean;
}

export interface InferredWorkload {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ports: PodPort[];
  /** The selections it stands for, e.g. `app=web (web/allow-web spec.podSelector)`. */
  why: string[];
  outsider: boolean;
}

export interface InferredExternal {
  name: string;
  ip: string;
  ports: { port: number; protocol: Protocol }[];
  why: string;
  /** Policies whose egress rules name the ipBlock (their namespaces' workloads are the sources to probe from). */
  policies: string[];
}

export interface InferredFixture {
  /** The policies the fixture can hold (those in namespaces a suite may not declare are left out). */
  policies: LoadedPolicy[];
  namespaces: InferredNamespace[];
  workloads: InferredWorkload[];
  externals: InferredExternal[];
  ports: PodPort[];
  /** True when some policy isolates pods for egress: DNS assertions then say what lookups do. */
  egress: boolean;
  /** Where the workloads come from, for the suite's header. */
  summary: string;
  leftOut: string[];
}

/** Namespaces a suite may not declare: the harness never creates or touches them. */
export function isReservedNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

export function policyKeyOf(policy: NetworkPolicy): string {
  return `${policy.metadata.namespace}/${policy.metadata.name}`;
}

export interface PeerRef {
  policy: LoadedPolicy;
  field: string;
  peer: NetworkPolicyPeer;
  rulePorts: NetworkPolicyPort[] | undefined;
  direction: 'Ingress' | 'Egress';
}

export function peersOf(loaded: LoadedPolicy): PeerRef[] {
  const result: PeerRef[] = [];
  const spec = loaded.policy.spec;
  (spec.ingress ?? []).forEach((rule, r) =>
    (rule.from ?? []).forEach((peer, p) => result.push({ policy: loaded, field: `ingress[${r}].from[${p}]`, peer, rulePorts: rule.ports, direction: 'Ingress' })),
  );
  (spec.egress ?? []).forEach((rule, r) =>
    (rule.to ?? []).forEach((peer, p) => result.push({ policy: loaded, field: `egress[${r}].to[${p}]`, peer, rulePorts: rule.ports, direction: 'Egress' })),
  );
  return result;
}

/** A DNS-1123 label from label values, e.g. {app: web, tier: front} -> `web-front`. */
export function slugOf(values: readonly string[], fallback: string): string {
  const slug = values
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug === '' ? fallback : slug;
}

function unique(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i += 1) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function conflicts(existing: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).some(([k, v]) => existing[k] !== undefined && existing[k] !== v);
}

export function inferFixture(loaded: readonly LoadedPolicy[], options: InferOptions = {}): InferredFixture {
  const maxWorkloads = options.maxWorkloads ?? DEFAULT_MAX_WORKLOADS;
  const maxPorts = options.maxPorts ?? DEFAULT_MAX_PORTS;
  const maxExternals = options.maxExternals ?? DEFAULT_MAX_EXTERNALS;
  const leftOut: string[] = [];

  // 1. The policies' own namespaces.
  const policies: LoadedPolicy[] = [];
  const namespaces: InferredNamespace[] = [];
  const byName = new Map<string, InferredNamespace>();
  for (const item of loaded) {
    const ns = item.policy.metadata.namespace;
    if (isReservedNamespace(ns)) {
      leftOut.push(`policy ${policyKeyOf(item.policy)}: namespace ${ns} is reserved (a suite never creates or touches default or kube-* namespaces)`);
      continue;
    }
    policies.push(item);
    if (!byName.has(ns)) {
      const entry: InferredNamespace = { name: ns, labels: {}, why: ['policies live here'], outsider: false };
      namespaces.push(entry);
      byName.set(ns, entry);
    }
  }
  const peers = policies.flatMap(peersOf);

  // 2. Namespaces (or labels on them) for each distinct namespaceSelector, least specific first.
  const systemSelectors = new Set<string>();
  const nsSelectors = new Map<string, { selector: LabelSelector; refs: string[] }>();
  for (const ref of peers) {
    const selector = ref.peer.namespaceSelector;
    if (selector === undefined || selectsEverything(selector)) continue;
    const key = selectorKey(selector);
    const entry = nsSelectors.get(key) ?? { selector, refs: [] };
    entry.refs.push(`${policyKeyOf(ref.policy.policy)} ${ref.field}`);
    nsSelectors.set(key, entry);
  }
  const orderedNsSelectors = [...nsSelectors.entries()].sort((a, b) => selectorSpecificity(a[1].selector) - selectorSpecificity(b[1].selector));
  for (const [key, { selector, refs }] of orderedNsSelectors) {
    const text = `namespaceSelector ${formatSelector(selector)}`;
    const matches = (ns: InferredNamespace): boolean => selectorMatches(selector, { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name });
    const already = namespaces.find(matches);
    if (already) {
      already.why.push(`${text} (${refs[0]})`);
      continue;
    }
    const wanted = labelsSatisfying(selector);
    if (wanted === undefined) {
      leftOut.push(`${text} (${refs.join(', ')}): no label set satisfies it, so it selects no namespace`);
      continue;
    }
    const pinned = wanted[NAMESPACE_NAME_LABEL];
    const { [NAMESPACE_NAME_LABEL]: _ignored, ...labels } = wanted;
    if (pinned !== undefined && isReservedNamespace(pinned)) {
      systemSelectors.add(key);
      leftOut.push(
        pinned === 'kube-system'
          ? `${text} (${refs.join(', ')}): kube-system is not part of a fixture; the implicit cluster DNS (kube-system/coredns, k8s-app=kube-dns) stands for it, and DNS assertions test it`
          : `${text} (${refs.join(', ')}): namespace ${pinned} is reserved; peers there are not tested`,
      );
      continue;
    }
    let target: InferredNamespace | undefined;
    if (pinned !== undefined) {
      target = byName.get(pinned);
      if (target === undefined) {
        target = { name: pinned, labels: {}, why: [], outsider: false };
        namespaces.push(target);
        byName.set(pinned, target);
      }
    } else {
      // Readable first: a namespace named after a value (`env=prod` on `prod`, then on `shop-prod`).
      const values = new Set(Object.values(labels));
      const free = namespaces.filter((ns) => !ns.outsider && !conflicts(ns.labels, labels));
      target = free.find((ns) => values.has(ns.name)) ?? free.find((ns) => ns.name.split('-').some((token) => values.has(token)));
      if (target === undefined) {
        const name = unique(slugOf(Object.values(labels), 'ns'), new Set(byName.keys()));
        target = { name, labels: {}, why: [], outsider: false };
        namespaces.push(target);
        byName.set(name, target);
      }
    }
    if (conflicts(target.labels, labels)) {
      leftOut.push(`${text} (${refs.join(', ')}): namespace ${target.name} already carries other values for its labels`);
      continue;
    }
    Object.assign(target.labels, labels);
    target.why.push(`${text} (${refs[0]}${refs.length > 1 ? ` and ${refs.length - 1} more` : ''})`);
  }
  const outsiderNamespace: InferredNamespace = { name: unique(options.outsiderNamespace ?? 'outsider', new Set(byName.keys())), labels: {}, why: ['no policy lives here'], outsider: true };
  namespaces.push(outsiderNamespace);
  byName.set(outsiderNamespace.name, outsiderNamespace);

  // 3. Workloads: one per distinct pod selection, reusing a workload whose labels already satisfy it.
  interface Selection {
    namespace: string;
    selector: LabelSelector;
    ref: string;
  }
  const selections: Selection[] = [];
  for (const item of policies) {
    selections.push({ namespace: item.policy.metadata.namespace, selector: item.policy.spec.podSelector, ref: `${policyKeyOf(item.policy)} spec.podSelector` });
  }
  for (const ref of peers) {
    const at = `${policyKeyOf(ref.policy.policy)} ${ref.field}`;
    if (ref.peer.ipBlock !== undefined) continue;
    const selector = ref.peer.podSelector ?? {};
    if (ref.peer.namespaceSelector === undefined) {
      selections.push({ namespace: ref.policy.policy.metadata.namespace, selector, ref: at });
      continue;
    }
    if (systemSelectors.has(selectorKey(ref.peer.namespaceSelector))) continue;
    for (const ns of namespaces) {
      if (selectorMatches(ref.peer.namespaceSelector, { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name })) selections.push({ namespace: ns.name, selector, ref: at });
    }
  }
  const specific = selections
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !selectsEverything(s.selector))
    .sort((a, b) => selectorSpecificity(a.s.selector) - selectorSpecificity(b.s.selector) || a.i - b.i)
    .map(({ s }) => s);
  const workloads: InferredWorkload[] = [];
  const names = new Map<string, Set<string>>();
  const nameIn = (ns: string, base: string): string => {
    const taken = names.get(ns) ?? new Set<string>();
    names.set(ns, taken);
    const name = unique(base, taken);
    taken.add(name);
    return name;
  };
  const budget = Math.max(0, maxWorkloads - namespaces.length); // every namespace keeps its outsider
  const overBudget = new Map<string, string[]>();
  for (const selection of specific) {
    const text = `podSelector ${formatSelector(selection.selector)} in ${selection.namespace}`;
    const existing = workloads.find((w) => w.namespace === selection.namespace && selectorMatches(selection.selector, w.labels));
    if (existing) {
      if (!existing.why.some((w) => w.startsWith(`${formatSelector(selection.selector)} (`))) existing.why.push(`${formatSelector(selection.selector)} (${selection.ref})`);
      continue;
    }
    const labels = labelsSatisfying(selection.selector);
    if (labels === undefined) {
      leftOut.push(`${text} (${selection.ref}): no label set satisfies it, so it selects no pod`);
      continue;
    }
    if (workloads.length >= budget) {
      overBudget.set(text, [...(overBudget.get(text) ?? []), selection.ref]);
      continue;
    }
    workloads.push({
      namespace: selection.namespace,
      name: nameIn(selection.namespace, slugOf(Object.values(labels), 'pod')),
      labels,
      ports: [],
      why: [`${formatSelector(selection.selector)} (${selection.ref})`],
      outsider: false,
    });
  }
  for (const [text, refs] of overBudget) {
    leftOut.push(`${text} (${refs.join(', ')}): over the bound of ${maxWorkloads} workloads (--max-workloads)`);
  }
  for (const ns of namespaces) {
    workloads.push({ namespace: ns.name, name: nameIn(ns.name, 'outsider'), labels: {}, ports: [], why: ['no labels: selected only by selectors that select every pod'], outsider: true });
  }
  workloads.sort((a, b) => namespaces.findIndex((n) => n.name === a.namespace) - namespaces.findIndex((n) => n.name === b.namespace));

  // 4. Ports: every port and named port the rules mention, and one no rule mentions.
  const ports = inferPorts(policies, maxPorts, leftOut);
  for (const w of workloads) w.ports = ports.map((p) => ({ ...p }));

  // 5. Externals for egress ipBlock peers.
  const externals = inferExternals(peers, ports, maxExternals, leftOut, options.podNetwork ?? []);

  return {
    policies,
    namespaces,
    workloads,
    externals,
    ports,
    egress: policies.some((p) => isolatesFor(p.policy.spec, 'Egress')),
    summary: 'one per distinct pod selection, plus an outsider per namespace',
    leftOut,
  };
}

function protocolOf(port: NetworkPolicyPort): Protocol {
  return port.protocol ?? 'TCP';
}

/** The ports every generated workload serves. */
function inferPorts(policies: readonly LoadedPolicy[], maxPorts: number, leftOut: string[]): PodPort[] {
  const entries = policies.flatMap((p) => [...(p.policy.spec.ingress ?? []), ...(p.policy.spec.egress ?? [])].flatMap((rule) => rule.ports ?? []));
  const numeric: PodPort[] = [];
  const ranges: { protocol: Protocol; from: number; to: number }[] = [];
  const named = new Map<string, Protocol>();
  const protocolsOnly = new Set<Protocol>();
  const add = (list: PodPort[], port: PodPort): void => {
    if (!list.some((p) => p.port === port.port && p.protocol === port.protocol)) list.push(port);
  };
  for (const entry of entries) {
    const protocol = protocolOf(entry);
    if (entry.port === undefined) protocolsOnly.add(protocol);
    else if (typeof entry.port === 'string') {
      const previous = named.get(entry.port);
      if (previous !== undefined && previous !== protocol) {
        leftOut.push(`named port ${entry.port}/${protocol}: a workload serves one port per name, and ${entry.port} is already ${previous}`);
      } else named.set(entry.port, protocol);
    } else {
      add(numeric, { port: entry.port, protocol });
      ranges.push({ protocol, from: entry.port, to: entry.endPort ?? entry.port });
      if (entry.endPort !== undefined && entry.endPort !== entry.port) add(numeric, { port: entry.endPort, protocol });
    }
  }
  numeric.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
  const inRule = (protocol: Protocol, port: number): boolean => ranges.some((r) => r.protocol === protocol && port >= r.from && port <= r.to);
  const used = (list: readonly PodPort[], protocol: Protocol, port: number): boolean => list.some((p) => p.protocol === protocol && p.port === port);
  const result: PodPort[] = [];
  const free = (protocol: Protocol, candidates: readonly number[]): number => {
    for (const port of candidates) if (!inRule(protocol, port) && !used(numeric, protocol, port) && !used(result, protocol, port)) return port;
    for (let port = 10000; ; port += 1) if (!inRule(protocol, port) && !used(numeric, protocol, port) && !used(result, protocol, port)) return port;
  };
  for (const [name, protocol] of named) result.push({ port: free(protocol, [8080, 8081, 8082, 8443, 9090, 9091, 9092, 9093]), protocol, name });
  for (const port of numeric) result.push(port);
  for (const protocol of protocolsOnly) if (!result.some((p) => p.protocol === protocol)) result.push({ port: free(protocol, [80, 81, 8000]), protocol });
  result.push({ port: free('TCP', [80, 81, 8000, 8888, 9999]), protocol: 'TCP' });
  if (result.length > maxPorts) {
    const dropped = result.splice(maxPorts - 1, result.length - maxPorts);
    leftOut.push(`ports ${dropped.map((p) => `${p.name ?? p.port}/${p.protocol}`).join(', ')}: over the bound of ${maxPorts} ports per workload (--max-ports)`);
  }
  return result;
}

export function inferExternals(peers: readonly PeerRef[], ports: readonly PodPort[], maxExternals: number, leftOut: string[], podNetwork: readonly string[] = []): InferredExternal[] {
  const externals: InferredExternal[] = [];
  const taken = new Set<string>();
  const byBlock = new Map<string, InferredExternal[]>();
  const defaultPort = ports[ports.length - 1] ?? { port: 80, protocol: 'TCP' as const };
  for (const ref of peers) {
    const block = ref.peer.ipBlock;
    if (block === undefined) continue;
    const at = `${policyKeyOf(ref.policy.policy)} ${ref.field}`;
    const text = `ipBlock ${block.cidr}${(block.except ?? []).length > 0 ? ` except ${(block.except ?? []).join(', ')}` : ''}`;
    if (ref.direction === 'Ingress') {
      leftOut.push(`${text} (${at}): generate adds no external sources, so no client outside the cluster probes this ingress peer (add one: from: {external: …}) (pods whose IP it contains are judged in a live run)`);
      continue;
    }
    const rulePorts = (ref.rulePorts ?? []).filter((p) => typeof p.port === 'number').map((p) => ({ port: p.port as number, protocol: protocolOf(p) }));
    const servePorts = ref.rulePorts === undefined || ref.rulePorts.length === 0 ? [{ port: defaultPort.port, protocol: defaultPort.protocol }] : rulePorts;
    if (servePorts.length === 0) {
      leftOut.push(`${text} (${at}): its rule names only named ports, which externals do not have`);
      continue;
    }
    const key = `${block.cidr}|${(block.except ?? []).join(',')}`;
    let members = byBlock.get(key);
    if (members === undefined) {
      members = [];
      const wanted: { cidr: string; avoid: string[]; why: string }[] = [
        { cidr: block.cidr, avoid: [...(block.except ?? []), ...podNetwork], why: `inside ${text}` },
        ...(block.except ?? []).map((except) => ({ cidr: except, avoid: [...podNetwork], why: `inside except ${except} of ipBlock ${block.cidr}` })),
      ];
      for (const { cidr, avoid, why } of wanted) {
        const ip = pickAddress(cidr, avoid, taken);
        if (ip === undefined) {
          leftOut.push(
            `an external ${why} (${at}): ${cidr.includes(':') ? 'live external targets are IPv4 only' : 'no usable address (outside the pod network, not loopback, multicast or reserved, and not a /24 network or broadcast address, which a container cannot have)'}`,
          );
          continue;
        }
        if (externals.length >= maxExternals) {
          leftOut.push(`an external ${why} (${at}): over the bound of ${maxExternals} externals`);
          continue;
        }
        taken.add(ip);
        const external: InferredExternal = { name: `ext-${ip.replace(/\./g, '-')}`, ip, ports: [], why, policies: [] };
        externals.push(external);
        members.push(external);
      }
      byBlock.set(key, members);
    }
    for (const external of members) {
      for (const port of servePorts) if (!external.ports.some((p) => p.port === port.port && p.protocol === port.protocol)) external.ports.push(port);
      const policy = policyKeyOf(ref.policy.policy);
      if (!external.policies.includes(policy)) external.policies.push(policy);
    }
  }
  return externals;
}
