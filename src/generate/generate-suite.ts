/**
 * A suite from policies: the inferred fixture (infer-fixture.ts) and today's truth as assertions, computed by the
 * model: one matrix per port over every workload, connect assertions to the externals that stand for egress
 * ipBlock peers, and DNS assertions when a policy isolates egress. Cells the model cannot decide without pod IPs
 * are not asserted (`?`), and say so.
 */
import { CLUSTER_DNS } from '../engine/index.js';
import { modelStateFor, planSuite } from '../engine/index.js';
import { compileModel, dependsOnPodIps, isolatesFor, selectorMatches, type PolicyModel } from '../model/index.js';
import type { PodPort, Protocol } from '../model/index.js';
import { SUITE_API_VERSION, type LoadedPolicy, type Suite } from '../suite/index.js';
import { inferFixture, policyKeyOf, type InferOptions, type InferredFixture } from './infer-fixture.js';

export interface GenerateOptions extends InferOptions {
  /** The suite's name (a DNS-1123 label). */
  name: string;
  description?: string;
  /** Declared pod network CIDRs (fixture.podNetwork), so ipBlock peers that contain or exclude it are decided. */
  podNetwork?: string[];
}

/** `self`: a workload calling itself, never asserted (NetworkPolicy does not filter a pod's traffic to itself). */
export type CellSymbol = 'allow' | 'deny' | 'undecided' | 'self';

export interface GeneratedMatrix {
  id: string;
  port: PodPort;
  /** Write the port by its name (every column serves it under that name) rather than its number. */
  byName: boolean;
  /** `<namespace>/<name>` of every workload (sources). */
  rows: string[];
  /** `<namespace>/<name>` of the workloads that serve the port (destinations). */
  columns: string[];
  cells: CellSymbol[][];
}

export interface GeneratedConnect {
  id: string;
  from: string;
  external: string;
  port: number;
  protocol: Protocol;
  expect: 'allow' | 'deny';
}

export interface GeneratedDns {
  id: string;
  from: string;
  name: string;
  expect: 'resolves' | 'blocked';
}

export interface PolicySummary {
  key: string;
  file: string;
  directions: string[];
  /** `<namespace>/<name>` of the workloads its podSelector selects. */
  selects: string[];
}

export interface GeneratedSuite {
  name: string;
  description?: string;
  fixture: InferredFixture;
  podNetwork?: string[];
  policies: PolicySummary[];
  matrices: GeneratedMatrix[];
  connects: GeneratedConnect[];
  dns: GeneratedDns[];
  /** Cells and assertions left unasserted because the model cannot decide them without pod IPs. */
  undecided: string[];
}

/** The name every DNS assertion looks up: the API server's Service, which every cluster has. */
export const DNS_PROBE_NAME = 'kubernetes.default.svc.cluster.local';

const NO_POSITION = { file: '(generated)', line: 1, column: 1 };

/** A Suite object of the inferred fixture and the policies (no assertions), for the model. */
export function fixtureSuite(fixture: InferredFixture, name: string, podNetwork?: string[]): Suite {
  const suite: Suite = {
    apiVersion: SUITE_API_VERSION,
    name,
    file: '(generated)',
    displayFile: '(generated)',
    fixture: {
      namespaces: fixture.namespaces.map((n) => ({ name: n.name, labels: { ...n.labels }, position: NO_POSITION })),
      workloads: fixture.workloads.map((w) => ({ namespace: w.namespace, name: w.name, labels: { ...w.labels }, ports: w.ports, position: NO_POSITION })),
      services: [],
      externals: fixture.externals.map((e) => ({ name: e.name, ip: e.ip, ports: e.ports, position: NO_POSITION })),
    },
    steps: [
      {
        index: 0,
        name: 'initial',
        apply: [...fixture.policies],
        delete: [],
        labels: { namespaces: {}, workloads: {} },
        assertions: [],
        position: NO_POSITION,
      },
    ],
  };
  if (podNetwork !== undefined && podNetwork.length > 0) suite.fixture.podNetwork = [...podNetwork];
  return suite;
}

export function modelOfFixture(fixture: InferredFixture, podNetwork?: string[]): PolicyModel {
  const suite = fixtureSuite(fixture, 'generated', podNetwork);
  const plan = planSuite(suite)[0];
  if (plan === undefined) throw new Error('internal error: a generated suite has one step');
  return compileModel(modelStateFor(suite, plan));
}

/** `http-8080-tcp`, `80-tcp`: unique per (port, protocol). */
function portSlug(port: PodPort): string {
  return `${port.name !== undefined ? `${port.name}-` : ''}${port.port}-${port.protocol.toLowerCase()}`;
}

export function generateSuite(loaded: readonly LoadedPolicy[], options: GenerateOptions): GeneratedSuite {
  return suiteForFixture(inferFixture(loaded, options), options);
}

/** The distinct (port, protocol) pairs the workloads serve, with the name when every server of it uses one. */
function servedPorts(fixture: InferredFixture): { port: PodPort; byName: boolean }[] {
  const result: { port: PodPort; byName: boolean }[] = [];
  for (const workload of fixture.workloads) {
    for (const port of workload.ports) {
      const existing = result.find((p) => p.port.port === port.port && p.port.protocol === port.protocol);
      if (existing === undefined) result.push({ port: { ...port }, byName: port.name !== undefined });
      else if (existing.port.name !== port.name) existing.byName = false;
    }
  }
  return result;
}

/** Today's truth over a given fixture (inferred from policies, or snapshotted from a cluster). */
export function suiteForFixture(fixture: InferredFixture, options: GenerateOptions): GeneratedSuite {
  const model = modelOfFixture(fixture, options.podNetwork);
  const keys = fixture.workloads.map((w) => `${w.namespace}/${w.name}`);
  // A denial can depend on pod IPs only where an ipBlock peer could admit: into a pod isolated by a policy with an
  // ingress ipBlock peer, or out of one isolated by a policy with an egress ipBlock peer. Only those denied cells
  // need their full verdict checked (most denied cells of a large fixture need none).
  const ipBlockSide = (direction: 'Ingress' | 'Egress'): Set<string> => {
    const selected = new Set<string>();
    for (const { policy } of fixture.policies) {
      const rules = direction === 'Ingress' ? (policy.spec.ingress ?? []).map((r) => r.from) : (policy.spec.egress ?? []).map((r) => r.to);
      if (!isolatesFor(policy.spec, direction) || !rules.some((peers) => (peers ?? []).some((peer) => peer.ipBlock !== undefined))) continue;
      for (const w of fixture.workloads) if (w.namespace === policy.metadata.namespace && selectorMatches(policy.spec.podSelector, w.labels)) selected.add(`${w.namespace}/${w.name}`);
    }
    return selected;
  };
  const ingressByIp = ipBlockSide('Ingress');
  const egressByIp = ipBlockSide('Egress');
  const undecided: string[] = [];
  const matrices: GeneratedMatrix[] = servedPorts(fixture).map(({ port, byName }) => {
    const columns = fixture.workloads.filter((w) => w.ports.some((p) => p.port === port.port && p.protocol === port.protocol)).map((w) => `${w.namespace}/${w.name}`);
    const verdicts = model.evaluateMatrix({ sources: keys, destinations: columns, port: port.port, protocol: port.protocol });
    const cells = keys.map((source, r) =>
      columns.map((column, c): CellSymbol => {
        if (source === column) return 'self';
        if (verdicts.allowed(r, c)) return 'allow';
        if ((egressByIp.has(source) || ingressByIp.has(column)) && verdicts.verdicts(r, c).some(dependsOnPodIps)) {
          undecided.push(`${source} -> ${column} on ${port.name ?? port.port}/${port.protocol}`);
          return 'undecided';
        }
        return 'deny';
      }),
    );
    const shown: PodPort = byName ? port : { port: port.port, protocol: port.protocol };
    return { id: `matrix-${portSlug(shown)}`, port: shown, byName, rows: keys, columns, cells };
  });

  const connects: GeneratedConnect[] = [];
  for (const external of fixture.externals) {
    const policyNamespaces = new Set(external.policies.map((p) => p.split('/')[0]));
    const sources = fixture.workloads.filter((w) => policyNamespaces.has(w.namespace) || (w.outsider && fixture.namespaces.find((n) => n.name === w.namespace)?.outsider === true));
    for (const source of sources) {
      for (const port of external.ports) {
        const verdict = model.evaluate({
          source: { kind: 'pod', namespace: source.namespace, name: source.name },
          destination: { kind: 'external', ip: external.ip },
          port: port.port,
          protocol: port.protocol,
        });
        const from = `${source.namespace}/${source.name}`;
        connects.push({
          id: `${source.namespace}-${source.name}-to-${external.name}-${port.port}-${port.protocol.toLowerCase()}`,
          from,
          external: external.name,
          port: port.port,
          protocol: port.protocol,
          expect: verdict.allowed ? 'allow' : 'deny',
        });
      }
    }
  }

  const dns: GeneratedDns[] = [];
  if (fixture.egress) {
    for (const workload of fixture.workloads) {
      const from = `${workload.namespace}/${workload.name}`;
      const verdict = model.evaluate({
        source: { kind: 'pod', namespace: workload.namespace, name: workload.name },
        destination: { kind: 'pod', namespace: CLUSTER_DNS.pod.namespace, name: CLUSTER_DNS.pod.name },
        port: CLUSTER_DNS.port,
        protocol: CLUSTER_DNS.protocol,
      });
      if (!verdict.allowed && dependsOnPodIps(verdict)) {
        undecided.push(`DNS from ${from} (an egress ipBlock could admit the cluster DNS pod by its IP)`);
        continue;
      }
      dns.push({ id: `dns-${workload.namespace}-${workload.name}`, from, name: DNS_PROBE_NAME, expect: verdict.allowed ? 'resolves' : 'blocked' });
    }
  }

  const policies: PolicySummary[] = fixture.policies.map((item) => ({
    key: policyKeyOf(item.policy),
    file: item.source.file,
    directions: (['Ingress', 'Egress'] as const).filter((d) => isolatesFor(item.policy.spec, d)),
    selects: fixture.workloads
      .filter((w) => w.namespace === item.policy.metadata.namespace && selectorMatches(item.policy.spec.podSelector, w.labels))
      .map((w) => `${w.namespace}/${w.name}`),
  }));

  const result: GeneratedSuite = { name: options.name, fixture, policies, matrices, connects, dns, undecided };
  if (options.description !== undefined) result.description = options.description;
  if (options.podNetwork !== undefined && options.podNetwork.length > 0) result.podNetwork = [...options.podNetwork];
  return result;
}
