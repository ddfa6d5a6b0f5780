/**
 * Model benchmark: the compiled NetworkPolicy model against the naive reference evaluator on a deterministic,
 * realistic state (500 pods in 20 namespaces, 200 policies, 2 ports), then how the compiled model scales with
 * the number of policies and of pods.
 *
 *   node --import tsx bench/model-bench.ts [--seed N] [--naive-budget-s S]
 *
 * Prints figures only; it asserts nothing about time. It exits 1 if the two evaluators disagree on any cell
 * compared (that would be a bug, not a performance result).
 */
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import {
  compileModel,
  evaluateNaively,
  type ClusterState,
  type Endpoint,
  type LabelSelector,
  type NamespaceInfo,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPort,
  type PodInfo,
  type PodPort,
  type Protocol,
  selectorMatches,
} from '../src/model/index.js';
import { createRandom } from '../test/support/seeded-random.js';

const PORTS: { port: number; protocol: Protocol }[] = [
  { port: 80, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
];

// ---------------------------------------------------------------------------------------------------------------
// Deterministic state generation

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

/** The deterministic 500-pod / 200-policy state (and its variants); bench/authoring-bench.ts reuses it. */
export function generateState(seed: number, pods: number, policies: number, namespaces = 20): ClusterState {
  return new StateGenerator(seed).state(pods, namespaces, policies);
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement

function podEndpoint(pod: PodInfo): Endpoint {
  return { kind: 'pod', namespace: pod.namespace, name: pod.name };
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

interface Timed<T> {
  ms: number;
  value: T;
}

function time<T>(work: () => T): Timed<T> {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

/** The fastest of `runs` runs: the machine is shared, so the minimum is the least disturbed figure. */
function best<T>(runs: number, work: () => Timed<T>): Timed<T> {
  let fastest = work();
  for (let i = 1; i < runs; i += 1) {
    const next = work();
    if (next.ms < fastest.ms) fastest = next;
  }
  return fastest;
}

const RUNS = 3;

/** Every cell of the full matrix through evaluate(): full verdicts with explanations. Returns allowed count. */
function compiledPerPair(state: ClusterState, model = compileModel(state)): Timed<number> {
  return time(() => {
    let allowed = 0;
    const endpoints = state.pods.map(podEndpoint);
    for (const { port, protocol } of PORTS) {
      for (const source of endpoints) {
        for (const destination of endpoints) if (model.evaluate({ source, destination, port, protocol }).allowed) allowed += 1;
      }
    }
    return allowed;
  });
}

/** The full matrix through evaluateMatrix() (booleans; verdicts on demand). Returns the tables. */
function compiledBulk(state: ClusterState, model = compileModel(state)): Timed<boolean[][][]> {
  return time(() => PORTS.map((query) => model.evaluateMatrix(query).allowed));
}

interface Cell {
  source: number;
  destination: number;
  query: number;
}

function allCells(pods: number): Cell[] {
  const cells: Cell[] = [];
  for (let query = 0; query < PORTS.length; query += 1) {
    for (let source = 0; source < pods; source += 1) for (let destination = 0; destination < pods; destination += 1) cells.push({ source, destination, query });
  }
  return cells;
}

function sampleCells(pods: number, count: number, seed: number): Cell[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => ({
    source: Math.floor(random() * pods),
    destination: Math.floor(random() * pods),
    query: Math.floor(random() * PORTS.length),
  }));
}

function trafficOf(state: ClusterState, cell: Cell) {
  const q = PORTS[cell.query] as (typeof PORTS)[number];
  return { source: podEndpoint(state.pods[cell.source] as PodInfo), destination: podEndpoint(state.pods[cell.destination] as PodInfo), port: q.port, protocol: q.protocol };
}

function naiveRun(state: ClusterState, cells: readonly Cell[]): Timed<boolean[]> {
  return time(() => cells.map((cell) => evaluateNaively(state, trafficOf(state, cell)).allowed));
}

function parseArgs(argv: readonly string[]): { seed: number; naiveBudgetMs: number } {
  let seed = 42;
  let naiveBudgetMs = 20_000;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--seed') seed = Number(argv[(i += 1)]);
    else if (argv[i] === '--naive-budget-s') naiveBudgetMs = Number(argv[(i += 1)]) * 1000;
  }
  return { seed, naiveBudgetMs };
}

function main(): number {
  const { seed, naiveBudgetMs } = parseArgs(process.argv.slice(2));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const state = generateState(seed, 500, 200);
  const pairs = state.pods.length * state.pods.length;
  const cellsTotal = pairs * PORTS.length;
  out(`model benchmark, seed ${seed}: ${state.pods.length} pods in ${state.namespaces.length} namespaces, ${state.policies.length} policies, ${PORTS.map((p) => `${p.port}/${p.protocol}`).join(' and ')}`);
  out(`full matrix: ${state.pods.length} x ${state.pods.length} x ${PORTS.length} = ${format(cellsTotal)} verdicts (self-connections included)`);
  out(`node ${process.version}, ${process.platform}/${process.arch}`);
  out();

  // Warm-up (JIT) on a smaller state, so the first measured run is not the interpreter's.
  const warm = generateState(seed + 1, 100, 50);
  compiledPerPair(warm);
  compiledBulk(warm);
  naiveRun(warm, sampleCells(100, 2000, seed));

  const compiled = best(RUNS, () => time(() => compileModel(state)));
  const perPair = best(RUNS, () => compiledPerPair(state, compiled.value));
  const bulk = best(RUNS, () => compiledBulk(state, compiled.value));
  const perPairRate = cellsTotal / (perPair.ms / 1000);
  const bulkRate = cellsTotal / (bulk.ms / 1000);
  out(`compiled model (best of ${RUNS} runs each)`);
  out(`  compile (once per state):                  ${seconds(compiled.ms)}`);
  out(`  evaluate() per pair, full verdicts:       ${format(cellsTotal)} in ${seconds(perPair.ms)} = ${format(perPairRate)} verdicts/s`);
  out(`  evaluateMatrix() bulk truth tables:       ${format(cellsTotal)} in ${seconds(bulk.ms)} = ${format(bulkRate)} cells/s`);
  out(`  compiled matrix wall time (compile + bulk): ${seconds(compiled.ms + bulk.ms)}; (compile + per pair): ${seconds(compiled.ms + perPair.ms)}`);
  out(`  allowed: ${format(perPair.value)} of ${format(cellsTotal)} (${((100 * perPair.value) / cellsTotal).toFixed(1)}%)`);
  out();

  // Naive: pilot, then the full matrix if it fits the budget, else a seeded random sample.
  const pilotCells = sampleCells(state.pods.length, 3000, seed + 7);
  const pilot = naiveRun(state, pilotCells);
  const projectedMs = (pilot.ms / pilotCells.length) * cellsTotal;
  const sampled = projectedMs > naiveBudgetMs;
  const naiveCells = sampled ? sampleCells(state.pods.length, Math.max(20_000, Math.floor((naiveBudgetMs / 2 / pilot.ms) * pilotCells.length)), seed + 11) : allCells(state.pods.length);
  const naive = naiveRun(state, naiveCells);
  const naiveRate = naiveCells.length / (naive.ms / 1000);
  out(`naive reference (every pair x every policy x every rule, no precompilation)`);
  if (sampled) {
    out(`  the full matrix would take ~${seconds(projectedMs)} (pilot of ${format(pilotCells.length)} cells), over the ${seconds(naiveBudgetMs)} budget:`);
    out(`  SAMPLED ${format(naiveCells.length)} random cells (seed ${seed + 11}) in ${seconds(naive.ms)} = ${format(naiveRate)} verdicts/s`);
    out(`  extrapolated full matrix: ${seconds(cellsTotal / naiveRate * 1000)} (rate measured on the sample, not a full run)`);
  } else {
    out(`  full matrix: ${format(naiveCells.length)} verdicts in ${seconds(naive.ms)} = ${format(naiveRate)} verdicts/s`);
  }

  // Agreement on every naive cell: the per-pair verdict (explanations included) and the bulk table.
  let disagreements = 0;
  const verify = time(() => {
    naiveCells.forEach((cell, i) => {
      const traffic = trafficOf(state, cell);
      const reference = evaluateNaively(state, traffic);
      const fast = compiled.value.evaluate(traffic);
      const bulkAllowed = bulk.value[cell.query]?.[cell.source]?.[cell.destination];
      if (reference.allowed !== naive.value[i] || !isDeepStrictEqual(fast, reference) || bulkAllowed !== reference.allowed) {
        disagreements += 1;
        if (disagreements <= 5) out(`  DISAGREEMENT ${JSON.stringify(traffic)}: naive ${JSON.stringify(reference)} compiled ${JSON.stringify(fast)} bulk ${bulkAllowed}`);
      }
    });
  });
  out(`  agreement: ${format(naiveCells.length - disagreements)} of ${format(naiveCells.length)} ${sampled ? 'sampled ' : ''}cells identical (full verdicts with explanations, and the bulk tables) [checked in ${seconds(verify.ms)}]`);
  out();
  out(`speed-up over naive: evaluate() ${(perPairRate / naiveRate).toFixed(1)}x, evaluateMatrix() ${(bulkRate / naiveRate).toFixed(0)}x`);
  out();

  // Scaling with policies (fixed pods): compiled work follows the policies that select each endpoint, the
  // naive work every policy.
  out(`scaling with policies (${state.pods.length} pods, ${format(cellsTotal)} cells each; compiled best of ${RUNS}; naive sampled on 5,000 cells):`);
  out(`  policies  compile     bulk matrix  per pair     naive rate (verdicts/s)   avg policies selecting a pod`);
  const base: Record<string, number> = {};
  for (const policies of [50, 200, 800]) {
    const s = generateState(seed, 500, policies);
    const c = best(RUNS, () => time(() => compileModel(s)));
    const b = best(RUNS, () => compiledBulk(s, c.value));
    const p = best(RUNS, () => compiledPerPair(s, c.value));
    const n = naiveRun(s, sampleCells(500, 5000, seed + policies));
    const selecting = averageSelecting(s);
    if (policies === 50) Object.assign(base, { b: b.ms, p: p.ms, n: n.ms });
    out(
      `  ${String(policies).padStart(8)}  ${seconds(c.ms).padStart(9)}  ${seconds(b.ms).padStart(11)}  ${seconds(p.ms).padStart(9)}  ${format(5000 / (n.ms / 1000)).padStart(14)}             ${selecting.toFixed(1)}` +
        (policies === 50 ? '' : `   (x${policies / 50} policies: bulk x${(b.ms / (base.b ?? 1)).toFixed(1)}, per pair x${(p.ms / (base.p ?? 1)).toFixed(1)}, naive x${(n.ms / (base.n ?? 1)).toFixed(1)})`),
    );
  }
  out();
  out(`scaling with pods (200 policies; compiled best of ${RUNS}): compiled work grows with pairs`);
  out(`  pods   pairs x ports  compile     bulk matrix  per pair     ns/cell (bulk)  ns/cell (per pair)`);
  for (const pods of [250, 500, 1000]) {
    const s = generateState(seed, pods, 200);
    const c = best(RUNS, () => time(() => compileModel(s)));
    const b = best(RUNS, () => compiledBulk(s, c.value));
    const p = best(RUNS, () => compiledPerPair(s, c.value));
    const cells = pods * pods * PORTS.length;
    out(`  ${String(pods).padStart(4)}  ${format(cells).padStart(13)}  ${seconds(c.ms).padStart(9)}  ${seconds(b.ms).padStart(11)}  ${seconds(p.ms).padStart(9)}  ${((b.ms * 1e6) / cells).toFixed(0).padStart(14)}  ${((p.ms * 1e6) / cells).toFixed(0).padStart(18)}`);
  }
  return disagreements === 0 ? 0 : 1;
}

/** Mean number of policies that select a pod: what per-pair work is proportional to. */
function averageSelecting(state: ClusterState): number {
  let total = 0;
  for (const pod of state.pods) {
    for (const policy of state.policies) {
      if (policy.metadata.namespace === pod.namespace && selectorMatches(policy.spec.podSelector, pod.labels)) total += 1;
    }
  }
  return total / state.pods.length;
}

// Run only as a script: bench/authoring-bench.ts imports generateState from here.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
