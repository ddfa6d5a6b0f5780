/**
 * Resolves the port an assertion names against what its destination serves, so that an assertion about a port
 * nobody listens on (which would "pass" as denied for the wrong reason) is an input error, saying which ports the
 * destination has.
 */
import type { PodPort, Protocol } from '../model/index.js';
import { describeValue, type FieldPath, type IssueList } from '../util/yaml/index.js';

/** A port a destination serves, as assertions resolve against it. */
export interface ServedPort {
  port: number;
  protocol: Protocol;
  name?: string;
}

/** `8080/TCP (http), 53/UDP (dns)`, for messages. */
export function describePorts(ports: readonly PodPort[]): string {
  if (ports.length === 0) return 'no ports';
  return ports.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ');
}

/** What port names mean for a destination: workload port names, Service port names, or none (externals). */
export type PortNames = 'workload' | 'service' | undefined;

/**
 * Resolves the port of an assertion against what the destination serves. A number needs (port, protocol) to be
 * served (protocol defaults to TCP); a name needs a port of that name, and gives the protocol when none is given.
 */
export function resolvePort(
  issues: IssueList,
  path: FieldPath,
  raw: unknown,
  protocol: Protocol | undefined,
  label: string,
  ports: readonly ServedPort[],
  names: PortNames,
): { port: number | string; protocol: Protocol } | undefined {
  const serves = `it serves ${describePorts(ports)}`;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 1 || raw > 65535) {
      issues.add(path, `expected a port number from 1 to 65535 or a port name, found ${describeValue(raw)}`);
      return undefined;
    }
    const wanted = protocol ?? 'TCP';
    if (!ports.some((p) => p.port === raw && p.protocol === wanted)) {
      issues.add(path, `${label} does not serve ${raw}/${wanted}; ${serves}`);
      return undefined;
    }
    return { port: raw, protocol: wanted };
  }
  if (typeof raw !== 'string') {
    issues.add(path, `expected a port number or a port name, found ${describeValue(raw)}`);
    return undefined;
  }
  if (/^[0-9]+$/.test(raw)) {
    issues.add(path, `port "${raw}" is quoted; write the number without quotes (a quoted port is read as a port name)`);
    return undefined;
  }
  if (names === undefined) {
    issues.add(path, `${label} has no port names; give the port number (${serves})`);
    return undefined;
  }
  const named = ports.filter((p) => p.name === raw);
  const match = named.find((p) => protocol === undefined || p.protocol === protocol);
  if (named.length === 0) {
    issues.add(path, `${label} has no ${names === 'service' ? 'service ' : ''}port named "${raw}"; ${serves}`);
    return undefined;
  }
  if (!match) {
    issues.add(path, `port "${raw}" of ${label} is ${named.map((p) => p.protocol).join('/')}, but protocol ${protocol} was given`);
    return undefined;
  }
  return { port: raw, protocol: match.protocol };
}

