/**
 * The benchmarks' deterministic cluster state: namespaces, pods (10% dual-stack) and realistic policies
 * (default denies, app-to-app allows, namespaceSelector AND podSelector peers, matchExpressions, ipBlocks of both
 * families with except, named ports that resolve differently per pod, endPort ranges, both directions).
 * Used by the model benchmark, the CLI benchmark (as generated suites) and the differential comparisons.
 */
import type {
  ClusterState,
  LabelSelector,
  NamespaceInfo,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPort,
  PodInfo,
  PodPort,
  Protocol,
} from '../src/model/index.js';
import { createRandom } from '../test/support/seeded-random.js';

/** The ports every benchmark matrix is asked on. */
export const BENCH_PORTS: { port: number; protocol: Protocol }[] = [
  { port: 80, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
];

const NAMESPACE_NAMES = [
  'payments', 'checkout', 'catalog', 'search', 'accounts', 'auth', 'notifications', 'analytics', 'reporting', 'inventory',
  'shipping', 'orders', 'reviews', 'recommendations', 'media', 'gateway', 'monitoring', 'logging', 'kube-system', 'batch',
];
const APPS = ['frontend', 'api', 'db', 'cache', 'worker', 'auth', 'billing', 'search', 'queue', 'metrics', 'gateway', 'batch', 'dns'];
const TIER_OF: Record<string, string> = {
  frontend: 'web', gateway: 'web', api: 'backend', auth: 'backend', billing: 'backend', search: 'backend', worker: 'backend',
  batch: 'backend', metrics: 'ops', dns: 'ops', db: 'data', cache: 'data', queue: 'data',
};
const TEAMS = ['red', 'blue', 'green', 'gold', 'teal', 'gray'];

class StateGenerator {
  private readonly random: () => number;
  namespaces: NamespaceInfo[] = [];
  pods: PodInfo[] = [];

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  cluster(podCount: number, namespaceCount: number): void {
    this.namespaces = NAMESPACE_NAMES.slice(0, namespaceCount).map((name, i) => ({
      name,
      labels: {
        'kubernetes.io/metadata.name': name,
        env: i < namespaceCount * 0.6 ? 'prod' : i < namespaceCount * 0.85 ? 'staging' : 'dev',
        team: TEAMS[i % TEAMS.length] as string,
        ...(i % 3 === 0 ? { 'istio-injection': 'enabled' } : {}),
      },
    }));
    this.pods = [];
    for (let i = 0; i < podCount; i += 1) {
      const nsIndex = i % namespaceCount;
      const ns = this.namespaces[nsIndex] as NamespaceInfo;
      const app = ns.name === 'kube-system' && this.chance(0.5) ? 'dns' : this.pick(APPS);
      const tier = TIER_OF[app] as string;
      const serial = Math.floor(i / namespaceCount);
      // `http` names 80 on web pods and 8080 on the others, so named ports resolve differently per destination.
      const ports: PodPort[] =
        tier === 'web'
          ? [{ port: 80, protocol: 'TCP', name: 'http' }, { port: 8080, protocol: 'TCP', name: 'metrics' }]
          : [{ port: 8080, protocol: 'TCP', name: 'http' }, { port: 80, protocol: 'TCP', name: 'legacy' }];
      if (app === 'dns') ports.push({ port: 53, protocol: 'UDP', name: 'dns' });
      this.pods.push({
        namespace: ns.name,
        name: `${app}-${serial}`,
        labels: {
          app,
          tier,
          version: this.pick(['v1', 'v2']),
          ...(this.chance(0.1) ? { track: 'canary' } : {}),
          ...(this.chance(0.3) ? { 'pci-scope': 'true' } : {}),
        },
        ips: this.chance(0.1)
          ? [`10.${nsIndex + 1}.${serial >> 8}.${(serial & 255) + 1}`, `fd00:${nsIndex + 1}::${serial + 1}`]
          : [`10.${nsIndex + 1}.${serial >> 8}.${(serial & 255) + 1}`],
        ports,
      });
    }
  }

  private appSelector(): LabelSelector {
    const app = this.pick(APPS);
    return this.chance(0.2) ? { matchLabels: { app }, matchExpressions: [{ key: 'track', operator: 'DoesNotExist' }] } : { matchLabels: { app } };
  }

  private ports(): NetworkPolicyPort[] | undefined {
    switch (this.int(6)) {
      case 0:
        return undefined;
      case 1:
        return [{ port: 'http' }];
      case 2:
        return [{ port: 80, protocol: 'TCP' }];
      case 3:
        return [{ port: 8080 }, { port: 'metrics', protocol: 'TCP' }];
      case 4:
        return [{ port: 8000, endPort: 8100, protocol: 'TCP' }];
      default:
        return [{ protocol: 'TCP' }];
    }
  }

  private withPorts<T extends object>(rule: T): T & { ports?: NetworkPolicyPort[] } {
    const ports = this.ports();
    return ports === undefined ? rule : { ...rule, ports };
  }

  private cidrOfNamespace(): string {
    return `10.${1 + this.int(this.namespaces.length)}.0.0/16`;
  }

  policy(index: number): NetworkPolicy {
    const ns = this.pick(this.namespaces).name;
    const name = `policy-${index}`;
    const make = (spec: NetworkPolicy['spec']): NetworkPolicy => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns },
      spec,
    });
    const roll = this.random();
    if (roll < 0.1) return make({ podSelector: {}, policyTypes: ['Ingress'] });
    if (roll < 0.15) {
      return make({
        podSelector: this.chance(0.5) ? {} : this.appSelector(),
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { app: 'dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      });
    }
    if (roll < 0.45) {
      const rules: NetworkPolicyIngressRule[] = [this.withPorts({ from: [{ podSelector: this.appSelector() }] })];
      if (this.chance(0.3)) rules.push(this.withPorts({ from: [{ podSelector: this.appSelector() }, { podSelector: { matchLabels: { tier: 'web' } } }] }));
      return make({ podSelector: this.appSelector(), ingress: rules });
    }
    if (roll < 0.6) {
      return make({
        podSelector: this.appSelector(),
        policyTypes: ['Ingress'],
        ingress: [
          this.withPorts({
            from: [
              {
                namespaceSelector: { matchLabels: { env: 'prod' } },
                podSelector: this.chance(0.5) ? { matchLabels: { tier: 'web' } } : { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'backend'] }] },
              },
            ],
          }),
        ],
      });
    }
    if (roll < 0.7) {
      return make({
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [this.pick(['data', 'backend', 'ops'])] }] },
        ingress: [this.withPorts({ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: [this.pick(TEAMS)] }] } }] })],
      });
    }
    if (roll < 0.8) {
      const cidr = this.cidrOfNamespace();
      const except = `${cidr.split('.').slice(0, 2).join('.')}.0.0/24`;
      const rules: NetworkPolicyEgressRule[] = [
        { to: [{ ipBlock: { cidr, except: [except] } }], ports: [{ port: 8000, endPort: 8100, protocol: 'TCP' }, { port: 80 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
      ];
      return make({ podSelector: this.appSelector(), policyTypes: ['Egress'], egress: rules });
    }
    if (roll < 0.9) {
      return make({
        podSelector: { matchExpressions: [{ key: 'pci-scope', operator: 'Exists' }] },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [this.withPorts({ from: [{ podSelector: { matchExpressions: [{ key: 'pci-scope', operator: 'Exists' }] } }] })],
        egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'track', operator: 'DoesNotExist' }] } }, { namespaceSelector: { matchLabels: { team: this.pick(TEAMS) } } }], ports: [{ protocol: 'TCP' }] }],
      });
    }
    return make({
      podSelector: this.appSelector(),
      policyTypes: ['Ingress'],
      ingress: [
        this.withPorts({ from: [{ ipBlock: { cidr: this.cidrOfNamespace() } }, { ipBlock: { cidr: 'fd00::/16', except: ['fd00:1::/32'] } }] }),
      ],
    });
  }

  state(podCount: number, namespaceCount: number, policyCount: number): ClusterState {
    this.cluster(podCount, namespaceCount);
    const policies = Array.from({ length: policyCount }, (_, i) => this.policy(i));
    return { namespaces: this.namespaces, pods: this.pods, policies };
  }
}

export function generateState(seed: number, pods: number, policies: number, namespaces = 20): ClusterState {
  return new StateGenerator(seed).state(pods, namespaces, policies);
}

