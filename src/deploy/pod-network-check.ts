/**
 * A suite's `fixture.podNetwork` is what static verify assumes about pod IPs. A live run sees the real ones, and
 * says whether the assumption held: the live verdicts do not need it, but the static ones of ipBlock cells do.
 */
import { cidrContains } from '../model/index.js';

/** One line for the run's environment: the declared network and whether every pod IP lies inside it. */
export function describePodNetwork(podNetwork: readonly string[], podIps: ReadonlyMap<string, readonly string[]>): string {
  const declared = `declared ${podNetwork.join(', ')}`;
  const outside = [...podIps].filter(([, ips]) => ips.length > 0 && !ips.some((ip) => podNetwork.some((cidr) => cidrContains(cidr, ip))));
  if (outside.length === 0) return `${declared}: every pod IP is inside`;
  const shown = outside
    .slice(0, 3)
    .map(([pod, ips]) => `${pod} ${ips.join(', ')}`)
    .join('; ');
  const more = outside.length > 3 ? `; and ${outside.length - 3} more` : '';
  return (
    `${declared}, but ${outside.length} of ${podIps.size} pods are outside it (${shown}${more}): ` +
    `static verify judges ipBlock cells of this suite on a wrong assumption; set fixture.podNetwork to this cluster's pod CIDR`
  );
}
