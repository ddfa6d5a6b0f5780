/**
 * NetworkPolicyPort matching. A port entry matches a connection when its protocol (default TCP) equals the
 * connection's and its port matches: no port = every port of the protocol; a number, or a number..endPort range
 * (inclusive); a name, resolved on the DESTINATION pod's container ports (for ingress and egress alike). A named
 * port never matches an external destination unless the connection itself is asked by that name (portName).
 */
import type { NetworkPolicyPort, PodPort, Protocol } from './types.js';

/** The port side of a connection. */
export interface PortQuery {
  port: number;
  protocol: Protocol;
  /** Set when the connection is asked by port name (e.g. a traffic check to a named port). */
  portName?: string;
}

export function portProtocol(port: NetworkPolicyPort): Protocol {
  return port.protocol ?? 'TCP';
}

/**
 * True when the destination's container ports give `name` to `query.port`/`query.protocol`. `destinationPorts`
 * is undefined for an external destination, which has no container ports.
 */
export function namedPortResolves(name: string, query: PortQuery, destinationPorts: readonly PodPort[] | undefined): boolean {
  if (query.portName !== undefined) return query.portName === name;
  if (destinationPorts === undefined) return false;
  for (const p of destinationPorts) {
    if (p.name === name && p.port === query.port && p.protocol === query.protocol) return true;
  }
  return false;
}

/** True when one port entry of a rule admits the connection. */
export function portMatches(port: NetworkPolicyPort, query: PortQuery, destinationPorts: readonly PodPort[] | undefined): boolean {
  if (portProtocol(port) !== query.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'string') return namedPortResolves(port.port, query, destinationPorts);
  if (port.endPort !== undefined) return query.port >= port.port && query.port <= port.endPort;
  return query.port === port.port;
}

/** True when the entry's verdict does not depend on the destination (it is not a named port). */
export function isDestinationIndependent(port: NetworkPolicyPort): boolean {
  return typeof port.port !== 'string';
}

/** The container port name a destination pod gives to `query`, if any (for explanations). */
export function containerPortName(query: PortQuery, destinationPorts: readonly PodPort[] | undefined): string | undefined {
  if (query.portName !== undefined) return query.portName;
  return destinationPorts?.find((p) => p.port === query.port && p.protocol === query.protocol && p.name !== undefined)?.name;
}

/** `8080/TCP`, or `8080/TCP (http)` when the destination names that port. */
export function formatPortQuery(query: PortQuery, destinationPorts: readonly PodPort[] | undefined): string {
  const name = containerPortName(query, destinationPorts);
  return name === undefined ? `${query.port}/${query.protocol}` : `${query.port}/${query.protocol} (${name})`;
}
