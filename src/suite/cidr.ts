/**
 * IPv4/IPv6 address and CIDR parsing for validation (ipBlock peers, external targets), on bigints.
 *
 * Dotted-decimal IPv4 without leading zeros (ambiguous: some tools read them as octal); IPv6 with at most one
 * `::`, an optional trailing dotted IPv4, no zone. A CIDR whose address has host bits set (`10.0.0.1/24`) is
 * accepted, as the API server accepts it, and denotes its network (`10.0.0.0/24`).
 *
 * The model has its own CIDR arithmetic (src/model/cidr.ts); this copy keeps the suite loader independent of it.
 */
export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits cleared). */
  network: bigint;
  prefixLength: number;
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; problem: string };

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseGroups(text: string, allowIpv4Tail: boolean): bigint[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: bigint[] = [];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] ?? '';
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (GROUP.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '', false);
    const tail = parseGroups(halves[1] ?? '', true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function bits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function mask(family: IpFamily, prefixLength: number): bigint {
  const total = BigInt(bits(family));
  const all = (1n << total) - 1n;
  return all ^ ((1n << (total - BigInt(prefixLength))) - 1n);
}

export function parseCidr(text: string): CidrParse {
  const slash = text.indexOf('/');
  if (slash < 0) {
    const hint = parseIp(text) ? `; for a single address write ${text}/${text.includes(':') ? 128 : 32}` : '';
    return { ok: false, problem: `must be a CIDR (address/prefix-length)${hint}` };
  }
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const address = parseIp(addressText);
  if (!address) {
    const leadingZero = /(^|\.)0[0-9]/.test(addressText) && !addressText.includes(':');
    return {
      ok: false,
      problem: leadingZero
        ? `has an IPv4 address with a leading zero ("${addressText}"), which is ambiguous; write the octets without leading zeros`
        : `has an invalid IP address "${addressText}"`,
    };
  }
  const max = bits(address.family);
  if (!PREFIX.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, problem: `has an invalid prefix length "/${prefixText}"; expected 0 to ${max} for IPv${address.family}` };
  }
  const prefixLength = Number(prefixText);
  return { ok: true, cidr: { family: address.family, prefixLength, network: address.value & mask(address.family, prefixLength) } };
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text).ok;
}

/** True when `inner` lies entirely inside `outer` (equal blocks included). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefixLength < outer.prefixLength) return false;
  return (inner.network & mask(outer.family, outer.prefixLength)) === outer.network;
}

export function cidrContainsIp(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && (ip.value & mask(cidr.family, cidr.prefixLength)) === cidr.network;
}
