/**
 * Reads the `family:` of a connect or matrix assertion (4 or 6: the address family of the connection asserted)
 * and rejects a family the suite itself shows an end cannot have: an external whose address is of the other
 * family, or pods when the fixture's `podNetwork` has no range of that family. Whether a live cluster gives its
 * pods an address of the family is only known once they run (judged per cell, see engine/cell-probes.ts).
 */
import { familyName, parseCidr, parseIp, type IpFamily } from '../model/index.js';
import { describeValue, type MapReader } from '../util/yaml/index.js';
import type { SuiteExternal } from './types.js';

/** The family the assertion names, undefined when it names none or the value is not 4 or 6 (reported). */
export function readFamily(reader: MapReader): IpFamily | undefined {
  if (!reader.has('family')) return undefined;
  const value = reader.get('family');
  if (value === 4 || value === 6) return value;
  const spelled = typeof value === 'string' ? /^(?:ipv)?([46])$/i.exec(value.trim())?.[1] : undefined;
  const hint = spelled !== undefined ? `; write the number: family: ${spelled}` : '';
  reader.report('family', `expected the address family of the connection, 4 (IPv4) or 6 (IPv6), found ${describeValue(value)}${hint}`);
  return undefined;
}

/**
 * Reports (at `family`) an end the suite says has no address of the family: an external (target or source) of
 * the other family, or pods whose declared podNetwork has no range of it. Returns false when it reported.
 */
export function checkFamilyEnds(
  reader: MapReader,
  family: IpFamily,
  ends: { podNetwork: readonly string[] | undefined; externals?: readonly SuiteExternal[] },
): boolean {
  const name = familyName(family);
  for (const external of ends.externals ?? []) {
    const ip = parseIp(external.ip);
    if (ip && ip.family !== family) {
      reader.report('family', `external ${external.name} has the ${familyName(ip.family)} address ${external.ip} only, so there is no ${name} connection with it; remove family or use family: ${ip.family}`);
      return false;
    }
  }
  const networks = ends.podNetwork;
  if (networks !== undefined && networks.length > 0 && !networks.some((cidr) => parseCidr(cidr).family === family)) {
    reader.report(
      'family',
      `the fixture's podNetwork (${networks.join(', ')}) has no ${name} range, so its pods have no ${name} address and there is no ${name} connection; add the cluster's ${name} pod range to podNetwork (a dual-stack cluster) or remove family`,
    );
    return false;
  }
  return true;
}
