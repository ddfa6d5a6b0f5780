/**
 * Where external targets live: a Docker bridge network per /24 that holds declared external IPs, with each
 * target at exactly its declared IP. The network's gateway (the host's address on the bridge) takes the first
 * address of the /24 not claimed by a target, so the host routes the declared IPs to the bridge and pods can
 * reach them through the node.
 */
import { networkOf, parseIp } from '../model/index.js';

export interface PlannedExternal {
  name: string;
  ip: string;
  ports: { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[];
}

export interface PlannedNetwork {
  subnet: string;
  gateway: string;
  members: PlannedExternal[];
}

export const EXTERNAL_PREFIX_LENGTH = 24;

export function planExternalNetworks(externals: readonly PlannedExternal[]): PlannedNetwork[] {
  const bySubnet = new Map<string, PlannedExternal[]>();
  for (const external of externals) {
    if (parseIp(external.ip)?.family !== 4) {
      throw new Error(`external ${external.name}: ${external.ip} is not an IPv4 address (live external targets are IPv4 only)`);
    }
    const subnet = networkOf(external.ip, EXTERNAL_PREFIX_LENGTH);
    bySubnet.set(subnet, [...(bySubnet.get(subnet) ?? []), external]);
  }
  return [...bySubnet].map(([subnet, members]) => {
    const claimed = new Set(members.map((m) => m.ip));
    const base = subnet.split('/')[0]?.split('.').slice(0, 3).join('.') ?? '';
    const candidates = [1, 254, ...Array.from({ length: 252 }, (_, i) => i + 2)].map((host) => `${base}.${host}`);
    const gateway = candidates.find((ip) => !claimed.has(ip));
    if (gateway === undefined) throw new Error(`subnet ${subnet} has no address left for the bridge's gateway`);
    for (const member of members) {
      if (member.ip.endsWith('.0') || member.ip.endsWith('.255')) {
        throw new Error(`external ${member.name}: ${member.ip} is the network or broadcast address of ${subnet}; Docker cannot give it to a container`);
      }
    }
    return { subnet, gateway, members };
  });
}
