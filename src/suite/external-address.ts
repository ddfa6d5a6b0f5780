/**
 * Which addresses an external may have. An external stands for something outside the cluster that pods connect
 * to; an address a pod cannot reach that way (loopback is the pod itself, 0.0.0.0 and :: are "no address",
 * multicast and broadcast are not connection targets) or one a pod may own (inside the declared pod network)
 * would make every verdict about it meaningless.
 */
import { cidrContains, parseIp } from '../model/index.js';

const RESERVED: readonly { cidr: string; what: string }[] = [
  { cidr: '0.0.0.0/8', what: 'in 0.0.0.0/8 ("this network"), which is no destination' },
  { cidr: '127.0.0.0/8', what: 'a loopback address: a pod connecting to it reaches itself, not an external' },
  { cidr: '224.0.0.0/4', what: 'a multicast address, not a connection target' },
  { cidr: '240.0.0.0/4', what: 'in 240.0.0.0/4 (reserved; 255.255.255.255 is broadcast), not a connection target' },
  { cidr: '::/128', what: 'the unspecified address ::, which is no destination' },
  { cidr: '::1/128', what: 'the loopback address ::1: a pod connecting to it reaches itself, not an external' },
  { cidr: 'ff00::/8', what: 'a multicast address, not a connection target' },
];

/** Why `ip` cannot be an external's address, or undefined. `podNetwork` is the fixture's declared pod CIDRs. */
export function externalAddressProblem(ip: string, podNetwork: readonly string[] = []): string | undefined {
  const address = parseIp(ip);
  if (!address) return undefined; // reported as not an address
  for (const { cidr, what } of RESERVED) {
    if (cidrContains(cidr, address)) return `${ip} is ${what}; give the external an address outside the cluster (e.g. TEST-NET 198.51.100.0/24)`;
  }
  for (const cidr of podNetwork) {
    if (cidrContains(cidr, address)) {
      return `${ip} lies inside the declared pod network ${cidr}: a pod may own that address, so the external would not be external; pick an address outside fixture.podNetwork`;
    }
  }
  return undefined;
}
