/**
 * Which addresses an external target may have without an explicit opt-in. A live run starts a container that
 * answers at the external's address on a docker network beside the cluster: for a real public address, traffic from
 * the machine (and its pods) to that address would reach the container instead. Documentation and private ranges
 * belong to nobody on the internet, so they are fine; anything else needs `run --allow-public-externals`.
 */
import { cidrContains, parseIp } from '../model/index.js';
import type { Suite, SuiteExternal } from './types.js';

/** RFC 5737 (IPv4 TEST-NET-1/2/3), RFC 3849 and RFC 9637 (IPv6). */
export const DOCUMENTATION_RANGES = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'] as const;

/**
 * RFC 1918, RFC 6598 (shared address space), RFC 2544 (benchmarking), RFC 4193 (IPv6 unique local), and the
 * link-local ranges (RFC 3927, RFC 4291; e.g. the cloud metadata address 169.254.169.254, which egress guardrails
 * test): none of them is anybody's address on the internet.
 */
export const PRIVATE_RANGES = [
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '198.18.0.0/15', '169.254.0.0/16', 'fc00::/7', 'fe80::/10',
] as const;

export type ExternalAddressScope = 'documentation' | 'private' | 'public';

export function externalAddressScope(ip: string): ExternalAddressScope {
  const address = parseIp(ip);
  if (!address) return 'public'; // not an address: the loader rejects it; never treat it as safe
  if (DOCUMENTATION_RANGES.some((range) => cidrContains(range, address))) return 'documentation';
  if (PRIVATE_RANGES.some((range) => cidrContains(range, address))) return 'private';
  return 'public';
}

/** The externals of the suites whose address is outside the documentation and private ranges. */
export function publicExternals(suites: readonly Suite[]): { suite: Suite; external: SuiteExternal }[] {
  return suites.flatMap((suite) =>
    suite.fixture.externals.filter((e) => externalAddressScope(e.ip) === 'public').map((external) => ({ suite, external })),
  );
}

/** Why a public address is refused, for messages (CLI and lint). */
export function publicExternalProblem(external: SuiteExternal): string {
  return (
    `external "${external.name}" has the public address ${external.ip} (outside the documentation ranges ` +
    `${DOCUMENTATION_RANGES.join(', ')} and the private and link-local ranges ${PRIVATE_RANGES.join(', ')}); a live run starts a ` +
    `container answering at ${external.ip} beside the cluster, so traffic from this machine and its pods to the real ` +
    `${external.ip} would reach that container instead`
  );
}
