/**
 * IP address and CIDR arithmetic for ipBlock peers, IPv4 and IPv6, on bigints.
 *
 * Parsing follows Go's net.ParseIP / net.ParseCIDR, which is what the API server validates ipBlocks with:
 * dotted-decimal IPv4 without leading zeros, IPv6 with at most one `::` (standing for at least one zero group)
 * and an optional trailing dotted IPv4, no zones. A CIDR whose address has host bits set (`10.0.0.1/24`) is valid
 * and denotes its network (`10.0.0.0/24`). An address of one family is never inside a block of the other.
 */
import { InputError } from '../util/index.js';

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  /** The address as an unsigned integer of 32 (IPv4) or 128 (IPv6) bits. */
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The network address: the given address with its host bits cleared. */
  network: bigint;
  prefixLength: number;
  /** The text as given (possibly non-canonical). */
  text: string;
}

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Parses the groups on one side of `::` into 16-bit values; a trailing dotted IPv4 counts as two groups. */
function parseIpv6Groups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] ?? '';
    if (allowTrailingIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!IPV6_GROUP.test(part)) return undefined;
    groups.push(parseInt(part, 16));
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseIpv6Groups(halves[0] ?? '', false);
    const tail = parseIpv6Groups(halves[1] ?? '', true);
    if (head === undefined || tail === undefined) return undefined;
    const missing = 8 - head.length - tail.length;
    // `::` must stand for at least one zero group.
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseIpv6Groups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Parses an IPv4 or IPv6 address; undefined when `text` is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

export function isValidIp(text: string): boolean {
  return parseIp(text) !== undefined;
}

function hostMask(family: IpFamily, prefixLength: number): bigint {
  const hostBits = BigInt(familyBits(family) - prefixLength);
  return (1n << hostBits) - 1n;
}

function maskValue(family: IpFamily, value: bigint, prefixLength: number): bigint {
  return value & ~hostMask(family, prefixLength) & ((1n << BigInt(familyBits(family))) - 1n);
}

/** Parses `<address>/<prefix length>`; undefined when `text` is not a valid CIDR. */
export function tryParseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !PREFIX_LENGTH.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > familyBits(address.family)) return undefined;
  return {
    family: address.family,
    network: maskValue(address.family, address.value, prefixLength),
    prefixLength,
    text,
  };
}

export function isValidCidr(text: string): boolean {
  return tryParseCidr(text) !== undefined;
}

/**
 * Why `text` is not a valid CIDR, phrased to follow the text itself (`CIDR "10.0.0.0/33" has an invalid prefix
 * length ...`), or undefined when it is valid. Names the likely mistake: a bare address (with the single-address
 * form to write instead), an IPv4 octet with a leading zero, a bad address or a prefix length out of range.
 */
export function describeCidrProblem(text: string): string | undefined {
  if (tryParseCidr(text) !== undefined) return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) {
    const address = parseIp(text);
    const hint = address === undefined ? '' : `; for a single address write ${text}/${familyBits(address.family)}`;
    return `must be a CIDR (address/prefix-length)${hint}`;
  }
  const addressText = text.slice(0, slash);
  const address = parseIp(addressText);
  if (address === undefined) {
    return /(^|\.)0[0-9]/.test(addressText) && !addressText.includes(':')
      ? `has an IPv4 address with a leading zero ("${addressText}"), which is ambiguous; write the octets without leading zeros`
      : `has an invalid IP address "${addressText}"`;
  }
  const max = familyBits(address.family);
  return `has an invalid prefix length "/${text.slice(slash + 1)}"; expected 0 to ${max} for IPv${address.family}`;
}

/** Parses a CIDR, or throws an InputError that says what a valid one looks like. */
export function parseCidr(text: string): Cidr {
  const cidr = tryParseCidr(text);
  if (cidr === undefined) {
    throw new InputError([
      {
        message:
          `CIDR "${text}" is not valid: expected an IPv4 address with a prefix length 0-32 (e.g. 10.0.0.0/16) ` +
          'or an IPv6 address with a prefix length 0-128 (e.g. fd00::/64)',
      },
    ]);
  }
  return cidr;
}

function toAddress(ip: IpAddress | string): IpAddress {
  if (typeof ip !== 'string') return ip;
  const parsed = parseIp(ip);
  if (parsed === undefined) {
    throw new InputError([{ message: `IP address "${ip}" is not valid: expected an IPv4 (10.0.0.1) or IPv6 (fd00::1) address` }]);
  }
  return parsed;
}

/** True when `ip` lies inside `cidr`. Addresses of the other family are never inside. */
export function cidrContains(cidr: Cidr | string, ip: IpAddress | string): boolean {
  const block = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const address = toAddress(ip);
  if (block.family !== address.family) return false;
  return maskValue(address.family, address.value, block.prefixLength) === block.network;
}

/** True when every address of `inner` lies inside `outer` (equal blocks included); never across families. */
export function cidrWithin(outer: Cidr | string, inner: Cidr | string): boolean {
  const big = typeof outer === 'string' ? parseCidr(outer) : outer;
  const small = typeof inner === 'string' ? parseCidr(inner) : inner;
  if (big.family !== small.family || small.prefixLength < big.prefixLength) return false;
  return maskValue(big.family, small.network, big.prefixLength) === big.network;
}

/** Canonical text of an address: dotted decimal, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((ip.value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Canonical text of a CIDR: its network address and prefix length (`10.0.0.1/24` -> `10.0.0.0/24`). */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.network })}/${cidr.prefixLength}`;
}

/** The network of `prefixLength` bits that contains `ip`, as canonical CIDR text (`10.244.1.11`, 4 -> `0.0.0.0/4`). */
export function networkOf(ip: IpAddress | string, prefixLength: number): string {
  const address = toAddress(ip);
  const bits = familyBits(address.family);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
    throw new InputError([
      { message: `prefix length ${prefixLength} is not valid for IPv${address.family}: expected an integer 0-${bits}` },
    ]);
  }
  return formatCidr({
    family: address.family,
    network: maskValue(address.family, address.value, prefixLength),
    prefixLength,
    text: '',
  });
}

/** The single-address CIDR of `ip`: `/32` for IPv4, `/128` for IPv6. */
export function hostCidr(ip: IpAddress | string): string {
  const address = toAddress(ip);
  return networkOf(address, familyBits(address.family));
}
