/**
 * Seeded random cluster states for the differential test: small label vocabularies and few pods, so selectors,
 * named ports, ipBlocks and defaulting collide often.
 */
import type {
  ClusterState,
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PodPort,
  PolicyType,
  Protocol,
} from '../../../src/model/index.js';

export class RandomStates {
  constructor(private readonly random: () => number) {}

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  labels(vocabulary: Record<string, string[]>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, values] of Object.entries(vocabulary)) if (this.chance(0.6)) out[key] = this.pick(values);
    return out;
  }

  selector(vocabulary: Record<string, string[]>): LabelSelector {
    const selector: LabelSelector = {};
    if (this.chance(0.3)) return selector;
    if (this.chance(0.7)) selector.matchLabels = this.labels(vocabulary);
    if (this.chance(0.4)) {
      const requirement = (): LabelSelectorRequirement => {
        const key = this.pick(Object.keys(vocabulary));
        const operator = this.pick(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const);
        const values = vocabulary[key] ?? [];
        return operator === 'In' || operator === 'NotIn' ? { key, operator, values: values.filter(() => this.chance(0.5)) } : { key, operator };
      };
      selector.matchExpressions = Array.from({ length: 1 + this.int(2) }, requirement);
    }
    return selector;
  }

  cidr(): string {
    return this.pick(['10.0.0.0/8', '10.0.1.0/24', '10.0.2.7/24', '10.0.1.3/32', '0.0.0.0/0', 'fd00::/64', 'fd00::3/128', '203.0.113.0/24', '10.0.0.0/23']);
  }

  peer(): NetworkPolicyPeer {
    const kind = this.int(5);
    if (kind === 0) return { ipBlock: this.chance(0.5) ? { cidr: this.cidr() } : { cidr: this.cidr(), except: [this.cidr()] } };
    if (kind === 1) return { podSelector: this.selector(POD_VOCABULARY) };
    if (kind === 2) return { namespaceSelector: this.selector(NAMESPACE_VOCABULARY) };
    return { namespaceSelector: this.selector(NAMESPACE_VOCABULARY), podSelector: this.selector(POD_VOCABULARY) };
  }

  port(): NetworkPolicyPort {
    const protocol = this.chance(0.3) ? undefined : this.pick(['TCP', 'UDP', 'SCTP'] as const);
    const withProtocol = (p: NetworkPolicyPort): NetworkPolicyPort => (protocol === undefined ? p : { ...p, protocol });
    switch (this.int(4)) {
      case 0:
        return withProtocol({});
      case 1:
        return withProtocol({ port: this.pick([80, 81, 53, 8080]) });
      case 2:
        return withProtocol({ port: this.pick(['http', 'dns', 'web', 'nope']) });
      default:
        return withProtocol({ port: 79, endPort: this.pick([80, 81, 100]) });
    }
  }

  rule(): { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] } {
    const rule: { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] } = {};
    const peers = this.int(4);
    if (peers > 0) rule.peers = Array.from({ length: peers - 1 }, () => this.peer());
    const ports = this.int(4);
    if (ports > 0) rule.ports = Array.from({ length: ports - 1 }, () => this.port());
    return rule;
  }

  policy(index: number, namespaces: string[]): NetworkPolicy {
    const ingress = Array.from({ length: this.int(3) }, () => this.rule());
    const egress = Array.from({ length: this.int(3) }, () => this.rule());
    const types = this.pick<PolicyType[] | undefined>([undefined, [], ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `p${index}`, namespace: this.pick(namespaces) },
      spec: {
        podSelector: this.selector(POD_VOCABULARY),
        ...(types === undefined ? {} : { policyTypes: types }),
        ...(this.chance(0.2) ? {} : { ingress: ingress.map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) })) }),
        ...(this.chance(0.2) ? {} : { egress: egress.map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) })) }),
      },
    };
  }

  podPorts(): PodPort[] {
    const catalog: PodPort[] = [
      { port: 80, protocol: 'TCP', name: 'http' },
      { port: 81, protocol: 'TCP', name: 'web' },
      { port: 8080, protocol: 'TCP', name: 'http' },
      { port: 53, protocol: 'UDP', name: 'dns' },
      { port: 80, protocol: 'SCTP', name: 'http' },
      { port: 81, protocol: 'TCP' },
    ];
    const ports: PodPort[] = [];
    for (const p of catalog) {
      if (!this.chance(0.4)) continue;
      if (ports.some((q) => q.name !== undefined && q.name === p.name)) continue;
      ports.push(p);
    }
    return ports;
  }

  state(): ClusterState {
    const namespaces = ['a', 'b', 'c'].slice(0, 1 + this.int(3));
    const pods = Array.from({ length: 2 + this.int(7) }, (_, i) => {
      const ipKind = this.int(4);
      const ips = ipKind === 0 ? undefined : ipKind === 1 ? [`fd00::${i + 1}`] : ipKind === 2 ? [`10.0.${this.int(3)}.${i + 1}`, `fd00::${i + 1}`] : [`10.0.${this.int(3)}.${i + 1}`];
      return { namespace: this.pick(namespaces), name: `pod${i}`, labels: this.labels(POD_VOCABULARY), ips, ports: this.podPorts() };
    });
    const state: ClusterState = {
      namespaces: namespaces.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name, ...this.labels(NAMESPACE_VOCABULARY) } })),
      pods,
      policies: Array.from({ length: this.int(7) }, (_, i) => this.policy(i, namespaces)),
    };
    // drawn last, so the states above are those of earlier versions of this generator
    if (this.chance(0.5)) state.podNetwork = Array.from({ length: 1 + this.int(2) }, () => this.pick(POD_NETWORKS));
    return state;
  }
}

/** Pod networks for pods without an IP: inside, around, beside and across the generator's CIDRs. */
export const POD_NETWORKS = ['10.0.0.0/16', '10.0.1.0/24', '10.0.0.0/8', 'fd00::/64', '192.168.0.0/16', '10.0.1.0/25'];
export const POD_VOCABULARY: Record<string, string[]> = { app: ['a', 'b', 'c'], tier: ['1', '2'] };
export const NAMESPACE_VOCABULARY: Record<string, string[]> = { env: ['x', 'y'], 'kubernetes.io/metadata.name': ['a', 'b', 'c'] };
export const QUERIES: { port: number; protocol: Protocol }[] = [
  { port: 80, protocol: 'TCP' },
  { port: 81, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 80, protocol: 'SCTP' },
];
export const EXTERNAL_IPS = ['10.0.1.3', '203.0.113.9', 'fd00::3', '198.51.100.1'];
