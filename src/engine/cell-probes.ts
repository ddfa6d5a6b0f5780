/**
 * From planned cells to probes, and from probe outcomes back to observations. Connections go to IPs (pod IP,
 * Service ClusterIP, the external's IP), never to names, so a DNS policy cannot masquerade as a connection
 * deny; DNS cells look their name up with nslookup.
 */
import { parseIp, type Protocol } from '../model/index.js';
import type { SuiteExternal } from '../suite/index.js';
import { hostPort, pathKey, type PathProbe, type ProbeKind, type ProbePath } from '../probe/index.js';
import type { PlannedCell } from './plan.js';
import { externalSource, refKey } from './plan.js';
import { verdictOf, type Observation, type Outcome } from '../results/index.js';
import type { SettledProbe } from '../probe/index.js';
import type { FixtureAddresses } from '../deploy/index.js';

export type { FixtureAddresses };

/**
 * The nodes a cell's traffic goes between: the source pod's, and the target pod's for a workload target (also
 * when probed through its own Service); undefined where it is not one pod (a Service's backends, an external).
 */
export function cellNodes(cell: PlannedCell, addresses: FixtureAddresses): { sourceNode?: string; targetNode?: string } {
  const nodes: { sourceNode?: string; targetNode?: string } = {};
  const source = externalSource(cell.source) ? undefined : addresses.podNodes?.get(refKey(cell.source as { namespace: string; name: string }));
  if (source !== undefined) nodes.sourceNode = source;
  if (cell.target.kind === 'workload') {
    const target = addresses.podNodes?.get(refKey(cell.target.workload));
    if (target !== undefined) nodes.targetNode = target;
  }
  return nodes;
}

/** The path a cell probes. */
export type CellProbe = ProbePath;

const KIND_OF: Record<Protocol, ProbeKind> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

export function probeForCell(cell: PlannedCell, addresses: FixtureAddresses): CellProbe {
  const external = externalSource(cell.source);
  if (external) return probeFromExternal(cell, external, addresses);
  const source = cell.source as { namespace: string; name: string };
  const from = { namespace: source.namespace, pod: source.name };
  const target = cell.target;
  if (target.kind === 'dns') return { ...from, kind: 'dns', target: target.name };
  const kind = KIND_OF[cell.protocol ?? 'TCP'];
  switch (target.kind) {
    case 'workload': {
      const key = refKey(target.workload);
      const viaService = addresses.workloadServices?.get(key);
      if (viaService !== undefined) return { ...from, kind, target: hostPort(mustGet(addresses.serviceIps, viaService, 'Service'), target.port) };
      const ip = mustGet(addresses.podIps, key, 'pod')[0] as string;
      return { ...from, kind, target: hostPort(ip, target.port) };
    }
    case 'service':
      return { ...from, kind, target: hostPort(mustGet(addresses.serviceIps, refKey(target.service), 'Service'), target.port) };
    case 'external':
      return { ...from, kind, target: hostPort(target.external.ip, target.port) };
  }
}

/**
 * A connection from an external source: made in its client container, to the pod IP of the workload (a ClusterIP
 * is not reachable from outside the cluster; the suite loader allows only workload destinations).
 */
function probeFromExternal(cell: PlannedCell, external: SuiteExternal, addresses: FixtureAddresses): CellProbe {
  const target = cell.target;
  if (target.kind !== 'workload') throw new Error(`internal error: cell ${cell.cellId} goes from external ${external.name} to a ${target.kind}; only workloads are supported`);
  const client = mustGet(addresses.externalClients ?? new Map<string, string>(), external.name, 'the client container of external');
  const ips = mustGet(addresses.podIps, refKey(target.workload), 'pod');
  // the pod's address of the client's family (a dual-stack pod has both)
  const family = parseIp(external.ip)?.family;
  const ip = ips.find((candidate) => parseIp(candidate)?.family === family) ?? (ips[0] as string);
  return { namespace: 'external', pod: external.name, client, kind: KIND_OF[cell.protocol ?? 'TCP'], target: hostPort(ip, target.port) };
}

/** A cell's path and its key: cells probing the same path share one probe per round. */
export function pathProbeForCell(cell: PlannedCell, addresses: FixtureAddresses): PathProbe {
  const probe = probeForCell(cell, addresses);
  return { key: pathKey(probe), ...probe };
}

/** Does a result meet the cell's expectation? (For settling: the state is what the suite says it should be.) */
export function expectationMet(cell: PlannedCell, outcome: Outcome, refusedMeansDeny: boolean): boolean {
  return verdictOf(cell.kind, outcome, refusedMeansDeny) === cell.expected;
}

/**
 * The observation of a settled cell. `history` (which makes the cell flaky) is set only when the attempts'
 * verdicts differ: attempts that differ only in how a deny looked (refused, then timeout) are one deny.
 * `stepSettled` false: the attempts were made after the settle deadline passed, not after the state settled.
 */
export function observationOf(cell: PlannedCell, settled: SettledProbe, refusedMeansDeny: boolean, stepSettled = true): Observation {
  const outcome = settled.result.outcome;
  let detail =
    outcome === 'refused' && !refusedMeansDeny
      ? `${settled.result.detail}; refused, but the positive control never saw this path answer, so this is not evidence of a policy`
      : settled.result.detail;
  const verdicts = new Set(settled.history.map((o) => verdictOf(cell.kind, o, refusedMeansDeny) ?? o));
  const outcomes = new Set(settled.history);
  // e.g. refused then timeout: both are the same deny (ICMP rejects are rate limited), so not flaky
  if (outcomes.size > 1 && verdicts.size === 1) detail = `${detail} (attempts: ${settled.history.join(', ')})`;
  const observation: Observation = {
    outcome,
    verdict: verdictOf(cell.kind, outcome, refusedMeansDeny),
    detail,
    attempts: settled.history.length,
    durationMs: Math.round(settled.result.durationMs),
  };
  if (verdicts.size > 1) observation.history = [...settled.history];
  if (!stepSettled) observation.afterDeadline = true;
  return observation;
}

function mustGet<V>(map: ReadonlyMap<string, V>, key: string, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`internal error: no address for ${what} ${key} in the deployed fixture`);
  return value;
}
