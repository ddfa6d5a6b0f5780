/**
 * ipBlock peers: an address matches when it lies inside `cidr` and inside none of `except`. A pod matches when
 * one of its IPs does.
 */
import { cidrContains, cidrWithin, parseCidr, parseIp, tryParseCidr, type Cidr, type IpAddress } from './cidr.js';
import type { IPBlock } from './types.js';
import { InputError } from '../util/index.js';

export interface ParsedIpBlock {
  cidr: Cidr;
  except: Cidr[];
}

/** Parses an ipBlock; an invalid CIDR is an InputError naming `subject` (e.g. `policy x/p ingress rule 1 peer 2`). */
export function parseIpBlock(block: IPBlock, subject: string): ParsedIpBlock {
  try {
    return { cidr: parseCidr(block.cidr), except: (block.except ?? []).map((e) => parseCidr(e)) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      error.issues.map((issue) => ({ ...issue, message: `${subject}: ${issue.message}` })),
      { cause: error, hint: 'fix the ipBlock of that policy; the API server would reject it too' },
    );
  }
}

export function ipBlockContains(block: ParsedIpBlock, ip: IpAddress): boolean {
  if (!cidrContains(block.cidr, ip)) return false;
  for (const except of block.except) if (cidrContains(except, ip)) return false;
  return true;
}

/** Parses every IP of a pod; an invalid one is an InputError naming the pod. */
export function parsePodIps(ips: readonly string[] | undefined, pod: string): IpAddress[] {
  return (ips ?? []).map((text) => {
    const ip = parseIp(text);
    if (ip === undefined) {
      throw new InputError([{ message: `pod ${pod} has IP "${text}", which is not an IPv4 or IPv6 address` }], {
        hint: 'give the pod a valid IP (e.g. 10.244.1.10 or fd00::a) or none',
      });
    }
    return ip;
  });
}

/** Parses an external endpoint's IP; an invalid one is an InputError. */
export function parseExternalIp(text: string): IpAddress {
  const ip = parseIp(text);
  if (ip === undefined) {
    throw new InputError([{ message: `external endpoint IP "${text}" is not an IPv4 or IPv6 address` }], {
      hint: 'give external endpoints a literal IP such as 203.0.113.10 or 2001:db8::10',
    });
  }
  return ip;
}

/**
 * How an ipBlock treats a pod whose IP is not known, only the pod network it comes from: `all` when every
 * address of every network is matched, `none` when none is, `some` otherwise (the pod's real IP decides).
 * Conservative: a network covered only by several excepts together counts as `some`, never as `none`.
 */
export function ipBlockMatchesNetwork(block: ParsedIpBlock, networks: readonly Cidr[]): 'all' | 'none' | 'some' {
  const each = networks.map((network) => {
    const overlap = cidrWithin(block.cidr, network) ? network : cidrWithin(network, block.cidr) ? block.cidr : undefined;
    if (overlap === undefined) return 'none';
    if (block.except.some((except) => cidrWithin(except, overlap))) return 'none';
    // no except holds the overlap (above), so an except touches the network only by lying inside it
    if (overlap === network && !block.except.some((except) => cidrWithin(network, except))) return 'all';
    return 'some';
  });
  if (each.length > 0 && each.every((e) => e === 'all')) return 'all';
  if (each.every((e) => e === 'none')) return 'none';
  return 'some';
}

/** Parses one CIDR of ClusterState.podNetwork; an invalid one is an InputError. */
export function parsePodNetwork(text: string): Cidr {
  const cidr = tryParseCidr(text);
  if (cidr === undefined) {
    throw new InputError([{ message: `pod network "${text}" is not an IPv4 or IPv6 CIDR` }], {
      hint: 'give the pod network as CIDRs such as 10.244.0.0/16 or fd00:10:244::/56',
    });
  }
  return cidr;
}
