/**
 * From planned cells to probes, and from probe outcomes back to observations. Connections go to IPs (pod IP,
 * Service ClusterIP, the external's IP), never to names, so a DNS policy cannot masquerade as a connection
 * deny, and the address probed fixes the connection's address family (no curl -4/-6 needed); DNS cells look
 * their name up with nslookup.
 */
import { familyName, parseIp, type IpFamily, type Protocol } from '../model/index.js';
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

/**
 * How a live run probes a cell: one probe per address family it covers (IPv4 first), each to the destination's
 * address of that family; `family` is set when the cell names one or its pair has two. Or it cannot be probed:
 * `error` when the cell names a family an end has no address of in this cluster (a setup problem, never a pass
 * nor a deny), `skip` when the ends share no family at all (no connection exists, as the model says).
 */
export type CellProbePlan =
  | { probes: { family?: IpFamily; probe: PathProbe }[] }
  | { error: string }
  | { skip: string };

export function planCellProbes(cell: PlannedCell, addresses: FixtureAddresses): CellProbePlan {
  const external = externalSource(cell.source);
  if (external) return { probes: [{ probe: withKey(probeFromExternal(cell, external, addresses)) }] };
  const sourcePod = cell.source as { namespace: string; name: string };
  const from = { namespace: sourcePod.namespace, pod: sourcePod.name };
  const target = cell.target;
  if (target.kind === 'dns') return { probes: [{ probe: withKey({ ...from, kind: 'dns', target: target.name }) }] };
  const kind = KIND_OF[cell.protocol ?? 'TCP'];
  const source = { text: refKey(sourcePod), ips: mustGet(addresses.podIps, refKey(sourcePod), 'pod') };
  const destination = destinationAddresses(cell, addresses);
  const probeTo = (ip: string): PathProbe => withKey({ ...from, kind, target: hostPort(ip, target.port) });
  if (cell.family !== undefined) {
    const family = cell.family;
    for (const end of [source, destination]) {
      if (!end.ips.some((ip) => familyOf(ip) === family)) return { error: missingFamilyText(cell, family, end) };
    }
    return { probes: [{ family, probe: probeTo(destination.ips.find((ip) => familyOf(ip) === family) as string) }] };
  }
  const shared = FAMILIES.filter((f) => source.ips.some((ip) => familyOf(ip) === f) && destination.ips.some((ip) => familyOf(ip) === f));
  if (shared.length === 0) {
    return { skip: `no connection: ${source.text} (${source.ips.join(', ') || 'no IP'}) and ${destination.text} (${destination.ips.join(', ')}) share no address family in this cluster, so there is nothing to probe` };
  }
  if (shared.length === 1) {
    // single-stack (the usual case): the destination's primary address of that family, observed as before
    return { probes: [{ probe: probeTo(destination.ips.find((ip) => familyOf(ip) === shared[0]) as string) }] };
  }
  return { probes: shared.map((family) => ({ family, probe: probeTo(destination.ips.find((ip) => familyOf(ip) === family) as string) })) };
}

const FAMILIES: readonly IpFamily[] = [4, 6];

function familyOf(ip: string): IpFamily | undefined {
  return parseIp(ip)?.family;
}

/** The addresses a cell's connection may go to: the pod's IPs, its Service's ClusterIPs, the external's IP. */
function destinationAddresses(cell: PlannedCell, addresses: FixtureAddresses): { text: string; ips: string[] } {
  const target = cell.target;
  switch (target.kind) {
    case 'workload': {
      const key = refKey(target.workload);
      const viaService = addresses.workloadServices?.get(key);
      if (viaService !== undefined) return { text: `service ${viaService}`, ips: mustGet(addresses.serviceIps, viaService, 'Service') };
      return { text: key, ips: mustGet(addresses.podIps, key, 'pod') };
    }
    case 'service':
      return { text: `service ${refKey(target.service)}`, ips: mustGet(addresses.serviceIps, refKey(target.service), 'Service') };
    case 'external':
      return { text: `external ${target.external.name}`, ips: [target.external.ip] };
    case 'dns':
      throw new Error('internal error: a DNS cell has no destination address');
  }
}

function missingFamilyText(cell: PlannedCell, family: IpFamily, end: { text: string; ips: string[] }): string {
  const name = familyName(family);
  const has = end.ips.length > 0 ? `it has ${end.ips.join(', ')}` : 'it has no IP at all';
  return (
    `cannot probe ${name}: ${end.text} has no ${name} address in this cluster (${has}), so the ${name} connection the assertion names cannot be made; ` +
    `this says nothing about the policies. Run the suite on a cluster that gives pods${cell.target.kind === 'external' ? '' : ' and Services'} ${name} addresses (dual-stack), or remove family: ${family} from the assertion`
  );
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

function withKey(probe: ProbePath): PathProbe {
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
export function observationOf(cell: PlannedCell, settled: SettledProbe, refusedMeansDeny: boolean, stepSettled = true, family?: IpFamily): Observation {
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
  if (family !== undefined) observation.family = family;
  return observation;
}

function mustGet<V>(map: ReadonlyMap<string, V>, key: string, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`internal error: no address for ${what} ${key} in the deployed fixture`);
  return value;
}
