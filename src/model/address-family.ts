/**
 * Address families of connections. A connection has one family: an IPv4 connection runs between the IPv4
 * addresses of its two ends, an IPv6 one between their IPv6 addresses. A dual-stack pair (both ends have both)
 * is two connections whose verdicts can differ, because an ipBlock peer matches only addresses of its own family.
 *
 * An end's families: a pod's known IPs; for a pod without an IP, the families of the state's pod network (when
 * declared), else unknown; an external address, its own. Unknown families leave the connection's family unknown
 * (`undefined`), which is what static verify without a pod network judges.
 */
import type { Cidr, IpAddress, IpFamily } from './cidr.js';
import { InputError } from '../util/index.js';

/** An end's families, sorted; undefined when unknown. */
export type EndpointFamilies = readonly IpFamily[] | undefined;

/** The family of one connection; undefined when no address of either end is known. */
export type ConnectionFamily = IpFamily | undefined;

const BOTH: readonly IpFamily[] = [4, 6];
const ONLY_4: readonly IpFamily[] = [4];
const ONLY_6: readonly IpFamily[] = [6];

function familiesOf(has4: boolean, has6: boolean): EndpointFamilies {
  if (has4 && has6) return BOTH;
  if (has4) return ONLY_4;
  if (has6) return ONLY_6;
  return undefined;
}

/** The families of a set of addresses or CIDRs; undefined when there are none. */
export function familiesOfAddresses(items: readonly { family: IpFamily }[] | undefined): EndpointFamilies {
  if (items === undefined) return undefined;
  let has4 = false;
  let has6 = false;
  for (const item of items) {
    if (item.family === 4) has4 = true;
    else has6 = true;
  }
  return familiesOf(has4, has6);
}

/** A pod's families: its IPs', or (without IPs) the pod network's, or unknown. */
export function podFamilies(ips: readonly IpAddress[], podNetwork: readonly Cidr[] | undefined): EndpointFamilies {
  return ips.length > 0 ? familiesOfAddresses(ips) : familiesOfAddresses(podNetwork);
}

/** `IPv4`, `IPv6`. */
export function familyName(family: IpFamily): string {
  return `IPv${family}`;
}

function describeFamilies(families: readonly IpFamily[]): string {
  return families.length === 2 ? 'IPv4 and IPv6' : `${familyName(families[0] as IpFamily)} only`;
}

/**
 * The connections between two ends, by family: the families both have (IPv4 first), or the one named. An end of
 * unknown family takes the other's. Empty when the ends share no family (no connection between them exists).
 * Throws an InputError when the named family is not one both ends have.
 */
export function connectionFamilies(
  source: { text: string; families: EndpointFamilies },
  destination: { text: string; families: EndpointFamilies },
  named: IpFamily | undefined,
): ConnectionFamily[] {
  if (named !== undefined) {
    for (const end of [source, destination]) {
      if (end.families !== undefined && !end.families.includes(named)) {
        throw new InputError([{ message: `${end.text} has no ${familyName(named)} address (it has ${describeFamilies(end.families)}), so there is no ${familyName(named)} connection ${source.text} -> ${destination.text}` }], {
          hint: `ask for a family both ends have, or give ${end.text} an ${familyName(named)} address`,
        });
      }
    }
    return [named];
  }
  if (source.families === undefined) return destination.families === undefined ? [undefined] : [...destination.families];
  if (destination.families === undefined) return [...source.families];
  return source.families.filter((f) => (destination.families as readonly IpFamily[]).includes(f));
}

/** Why two ends have no connection: they share no address family. */
export function noSharedFamilyText(source: { text: string; families: EndpointFamilies }, destination: { text: string; families: EndpointFamilies }): string {
  const describe = (families: EndpointFamilies): string => (families === undefined ? 'unknown' : describeFamilies(families));
  return `${source.text} (${describe(source.families)}) and ${destination.text} (${describe(destination.families)}) share no address family: no connection between them exists`;
}

/** Index of a connection family in per-family arrays: 0 unknown, 1 IPv4, 2 IPv6. */
export type FamilyIndex = 0 | 1 | 2;

export function familyIndex(family: ConnectionFamily): FamilyIndex {
  return family === undefined ? 0 : family === 4 ? 1 : 2;
}

export const FAMILY_AT: readonly ConnectionFamily[] = [undefined, 4, 6];

/** The networks of `family` (all of them for an unknown family). */
export function networksOfFamily(networks: readonly Cidr[], family: ConnectionFamily): Cidr[] {
  return family === undefined ? [...networks] : networks.filter((n) => n.family === family);
}

/** The addresses of `family` (all of them for an unknown family). */
export function addressesOfFamily(ips: readonly IpAddress[], family: ConnectionFamily): IpAddress[] {
  return family === undefined ? [...ips] : ips.filter((ip) => ip.family === family);
}
