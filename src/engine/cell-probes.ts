/**
 * From planned cells to probes, and from probe outcomes back to observations. Connections go to IPs (pod IP,
 * Service ClusterIP, the external's IP), never to names, so a DNS policy cannot masquerade as a connection
 * deny, and the address probed fixes the connection's address family (no curl -4/-6 needed); DNS cells look
 * their name up with nslookup.
 */
import { familyName, parseIp, type IpFamily, type Protocol } from '../model/index.js';
import { hostPort, pathKey, type PathProbe, type ProbeKind, type ProbePath } from '../probe/index.js';
import type { PlannedCell } from './plan.js';
import { externalSource, refKey } from './plan.js';
import { verdictOf, type Observation, type Outcome } from '../results/index.js';
import type { SettledProbe } from '../probe/index.js';
import { servicePortKey, type FixtureAddresses } from '../deploy/index.js';

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
  const { from, end: source } = probeOrigin(cell, addresses);
  const target = cell.target;
  if (target.kind === 'dns') return { probes: [{ probe: withKey({ ...from, kind: 'dns', target: target.name }) }] };
  const kind = KIND_OF[cell.protocol ?? 'TCP'];
  const destination = destinationAddresses(cell, addresses);
  if ('error' in destination) return destination;
  const port = destination.port ?? target.port;
  const probeTo = (family: IpFamily): PathProbe => withKey({ ...from, kind, target: hostPort(addressOf(destination.ips, family) as string, port) });
  if (cell.family !== undefined) {
    const family = cell.family;
    for (const end of [source, destination]) {
      if (addressOf(end.ips, family) === undefined) return { error: missingFamilyText(cell, family, end) };
    }
    return { probes: [{ family, probe: probeTo(family) }] };
  }
  const shared = FAMILIES.filter((f) => addressOf(source.ips, f) !== undefined && addressOf(destination.ips, f) !== undefined);
  if (shared.length === 0) {
    return { skip: `no connection: ${source.text} (${source.ips.join(', ') || 'no IP'}) and ${destination.text} (${destination.ips.join(', ')}) share no address family in this cluster, so there is nothing to probe` };
  }
  // single-stack (the usual case): one probe to the destination's address of that family, observed as before
  if (shared.length === 1) return { probes: [{ probe: probeTo(shared[0] as IpFamily) }] };
  return { probes: shared.map((family) => ({ family, probe: probeTo(family) })) };
}

const FAMILIES: readonly IpFamily[] = [4, 6];

/** The first of `ips` (primary first) of the family; undefined when there is none. */
function addressOf(ips: readonly string[], family: IpFamily): string | undefined {
  return ips.find((ip) => parseIp(ip)?.family === family);
}

/**
 * Where a cell's probes run and the source's addresses: the source workload's pod, or for an external source its
 * client container (at exactly the external's IP; `namespace` is then `external`, for messages).
 */
function probeOrigin(cell: PlannedCell, addresses: FixtureAddresses): { from: Omit<ProbePath, 'kind' | 'target'>; end: { text: string; ips: string[] } } {
  const external = externalSource(cell.source);
  if (external) {
    const client = mustGet(addresses.externalClients ?? new Map<string, string>(), external.name, 'the client container of external');
    return { from: { namespace: 'external', pod: external.name, client }, end: { text: `external ${external.name}`, ips: [external.ip] } };
  }
  const pod = cell.source as { namespace: string; name: string };
  return { from: { namespace: pod.namespace, pod: pod.name }, end: { text: refKey(pod), ips: mustGet(addresses.podIps, refKey(pod), 'pod') } };
}

/** Where a connection goes: addresses (one per family at most is probed) and, when not the target's port, the port. */
type Destination = { text: string; ips: string[]; port?: number };

/**
 * The addresses a cell's connection may go to: the pod's IPs (through its own Service when the run probes
 * workloads that way, never from an external source: a ClusterIP is not reachable from outside the cluster), a
 * Service's ClusterIPs (from an external source: a node's addresses at the Service's node port), the external's IP.
 */
function destinationAddresses(cell: PlannedCell, addresses: FixtureAddresses): Destination | { error: string } {
  const target = cell.target;
  if (target.kind === 'service' && externalSource(cell.source)) return nodePortDestination(cell, target, addresses);
  switch (target.kind) {
    case 'workload': {
      const key = refKey(target.workload);
      const viaService = externalSource(cell.source) ? undefined : addresses.workloadServices?.get(key);
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

/**
 * An external source reaches a NodePort Service (the loader allows only `externalTrafficPolicy: Local`) at the
 * address of a node that runs one of its backends at this step: with Local, a node forwards only to its own
 * backends and drops the connection when it has none, which would look like a deny. So a Service without a
 * backend at this step cannot be probed: an error, never a deny.
 */
function nodePortDestination(cell: PlannedCell, target: Extract<PlannedCell['target'], { kind: 'service' }>, addresses: FixtureAddresses): Destination | { error: string } {
  const service = refKey(target.service);
  const protocol = cell.protocol ?? 'TCP';
  const nodePort = addresses.nodePorts?.get(service)?.get(servicePortKey(target.port, protocol));
  if (nodePort === undefined) throw new Error(`internal error: no node port for ${target.port}/${protocol} of NodePort Service ${service} in the deployed fixture`);
  if (target.backends.length === 0) {
    return {
      error:
        `cannot probe NodePort Service ${service} from outside the cluster: at this step it has no backend (no workload matches its selector and serves its targetPort), ` +
        'and with externalTrafficPolicy Local a node without a backend drops the connection, which would look like a policy deny; this says nothing about the policies. ' +
        'Assert the connection at a step where the Service has a backend',
    };
  }
  const backend = target.backends.map((b) => refKey(b.workload)).find((key) => (addresses.podHostIps?.get(key) ?? []).length > 0);
  if (backend === undefined) {
    return {
      error:
        `cannot probe NodePort Service ${service} from outside the cluster: the cluster reported no node address for any of its backends ` +
        `(${target.backends.map((b) => refKey(b.workload)).join(', ')}; pod status.hostIPs/hostIP is empty), so there is no node to send the connection to; ` +
        'this says nothing about the policies. Check the nodes and the pods in the artifacts directory',
    };
  }
  const node = addresses.podNodes?.get(backend);
  return { text: `node ${node ?? `of ${backend}`} (NodePort ${nodePort} of service ${service})`, ips: addresses.podHostIps?.get(backend) as string[], port: nodePort };
}

function missingFamilyText(cell: PlannedCell, family: IpFamily, end: { text: string; ips: string[] }): string {
  const name = familyName(family);
  const has = end.ips.length > 0 ? `it has ${end.ips.join(', ')}` : 'it has no IP at all';
  return (
    `cannot probe ${name}: ${end.text} has no ${name} address in this cluster (${has}), so the ${name} connection the assertion names cannot be made; ` +
    `this says nothing about the policies. Run the suite on a cluster that gives pods${cell.target.kind === 'external' ? '' : ' and Services'} ${name} addresses (dual-stack), or remove family: ${family} from the assertion`
  );
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
