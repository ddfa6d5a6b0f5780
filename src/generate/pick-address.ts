/**
 * Addresses for the externals that stand in for ipBlock peers: one inside a CIDR and outside its excepts, and
 * one inside each except. Live external targets are IPv4 containers on a Docker bridge, so an address is never
 * the network or broadcast address of its /24 (Docker cannot give those to a container). Documentation ranges
 * (TEST-NET-1..3) are preferred when the block contains them: they collide with nothing real.
 */
import { cidrContains, formatIp, parseCidr, parseIp, type Cidr } from '../model/index.js';

const PREFERRED = ['198.51.100.20', '203.0.113.20', '192.0.2.20'];
/** Addresses no pod can reach as an external: "this network", loopback, multicast, reserved. */
const UNREACHABLE = ['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4'];
/** Host offsets tried inside a block, in order: readable addresses first. */
const OFFSETS = [20n, 10n, 30n, 40n, 50n, 100n, 200n, 2n, 3n, 4n, 5n, 6n, 1n];

function usable(ip: string, taken: ReadonlySet<string>): boolean {
  return !taken.has(ip) && !ip.endsWith('.0') && !ip.endsWith('.255');
}

/**
 * An IPv4 address inside `cidr`, outside every block of `avoid` (excepts, the pod network) and the unreachable
 * ranges, not in `taken`; undefined when there is none
 * the generator can find (IPv6, or a block too small once excepts and the /24's ends are removed).
 */
export function pickAddress(cidrText: string, avoid: readonly string[], taken: ReadonlySet<string>): string | undefined {
  const cidr = parseCidr(cidrText);
  if (cidr.family !== 4) return undefined;
  const avoided: Cidr[] = [...avoid, ...UNREACHABLE].map((text) => parseCidr(text));
  const fits = (ip: string): boolean => cidrContains(cidr, ip) && !avoided.some((a) => cidrContains(a, ip)) && usable(ip, taken);
  for (const ip of PREFERRED) if (fits(ip)) return ip;
  const size = 1n << BigInt(32 - cidr.prefixLength);
  const candidates: bigint[] = [];
  for (const offset of OFFSETS) if (offset < size) candidates.push(offset);
  // Blocks whose first addresses are all excepted: walk a few /24s further in.
  for (let step = 1n; step <= 64n && step * 256n < size; step += 1n) for (const offset of [20n, 10n]) candidates.push(step * 256n + offset);
  if (size <= 1n) candidates.push(0n);
  // Just past each avoided block (an except or the pod network at the start of the block).
  for (const block of avoided) {
    if (block.family !== 4) continue;
    const after = block.network + (1n << BigInt(32 - block.prefixLength)) - cidr.network;
    if (after > 0n && after < size) for (const offset of [20n, 10n]) if (after + offset < size) candidates.push(after + offset);
  }
  for (const offset of candidates) {
    const ip = formatIp({ family: 4, value: cidr.network + offset });
    if (parseIp(ip) !== undefined && fits(ip)) return ip;
  }
  return undefined;
}
