/**
 * Relates every ipBlock CIDR of a matrix case to the pod IPs it was built from, so a live run can rebuild the
 * CIDRs from the pods' live IPs (the corpus writes them against fixed fake IPs).
 */
import { cidrContains, parseIp, tryParseCidr } from '../model/index.js';
import type { NetworkPolicy, PodInfo } from '../model/index.js';
import type { IpBlockDerivation, IpBlockReference } from './corpus-types.js';
import { formatFieldPath, type FieldPath, type SourceLocator } from '../util/yaml/index.js';

function derive(cidrText: string, pods: readonly PodInfo[]): IpBlockDerivation {
  const cidr = tryParseCidr(cidrText);
  if (cidr === undefined) return { kind: 'literal' };
  const hostBits = cidr.family === 4 ? 32 : 128;
  const key = (pod: PodInfo) => `${pod.namespace}/${pod.name}`;
  if (cidr.prefixLength === hostBits) {
    const owner = pods.find((pod) => (pod.ips ?? []).some((ip) => parseIp(ip)?.family === cidr.family && cidrContains(cidr, ip)));
    return owner === undefined ? { kind: 'literal' } : { kind: 'pod-ip', pod: key(owner) };
  }
  const inside = pods.filter((pod) => (pod.ips ?? []).some((ip) => cidrContains(cidr, ip))).map(key);
  return inside.length === 0 ? { kind: 'literal' } : { kind: 'pod-network', prefixLength: cidr.prefixLength, pods: inside };
}

/** Every ipBlock cidr and except of `policies` (one step), with the pods it derives from. */
export function findIpBlockReferences(
  step: number,
  policies: readonly NetworkPolicy[],
  pods: readonly PodInfo[],
  policiesPath: FieldPath,
  locator: SourceLocator,
): IpBlockReference[] {
  const references: IpBlockReference[] = [];
  policies.forEach((policy, policyIndex) => {
    const add = (field: FieldPath, cidr: string) =>
      references.push({
        step,
        policyIndex,
        policy: `${policy.metadata.namespace}/${policy.metadata.name}`,
        field: formatFieldPath(field),
        cidr,
        derivation: derive(cidr, pods),
        position: locator.locate([...policiesPath, policyIndex, ...field]),
      });
    const visit = (direction: 'ingress' | 'egress', peersKey: 'from' | 'to') => {
      (policy.spec[direction] ?? []).forEach((rule, r) => {
        const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
        (peers ?? []).forEach((peer, p) => {
          if (peer.ipBlock === undefined) return;
          const base: FieldPath = ['spec', direction, r, peersKey, p, 'ipBlock'];
          add([...base, 'cidr'], peer.ipBlock.cidr);
          (peer.ipBlock.except ?? []).forEach((except, e) => add([...base, 'except', e], except));
        });
      });
    };
    visit('ingress', 'from');
    visit('egress', 'to');
  });
  return references;
}
