/**
 * Which directions a NetworkPolicy isolates the pods it selects for. When `policyTypes` is omitted (or empty) the
 * API server defaults it: Ingress always, plus Egress when the policy has egress rules.
 */
import type { NetworkPolicySpec, PolicyType } from './types.js';

export function effectivePolicyTypes(spec: NetworkPolicySpec): PolicyType[] {
  if (spec.policyTypes !== undefined && spec.policyTypes.length > 0) return [...spec.policyTypes];
  return (spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function isolatesFor(spec: NetworkPolicySpec, direction: PolicyType): boolean {
  return effectivePolicyTypes(spec).includes(direction);
}
