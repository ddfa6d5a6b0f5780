/**
 * Every permission a live run needs, checked with SelfSubjectAccessReview before anything is created. Namespaced
 * permissions are checked without a namespace (in all namespaces), because the run creates its namespaces with
 * generated names; namespaces themselves are cluster-scoped. rbac/netpol-e2e-runner.yaml grants exactly these.
 */
import type { AccessCheck, AccessCheckResult } from '../../kube/index.js';

const NAMESPACED_VERBS = ['create', 'get', 'list', 'delete', 'patch'] as const;

export const REQUIRED_ACCESS: readonly AccessCheck[] = [
  // The run's namespaces (created with server-side apply, i.e. patch, and deleted at the end).
  ...['create', 'get', 'list', 'delete', 'patch'].map((verb) => ({ verb, group: '', resource: 'namespaces' })),
  // Probe pods, the Services of the suites, and the policies under test.
  ...NAMESPACED_VERBS.map((verb) => ({ verb, group: '', resource: 'pods' })),
  ...NAMESPACED_VERBS.map((verb) => ({ verb, group: '', resource: 'services' })),
  ...NAMESPACED_VERBS.map((verb) => ({ verb, group: 'networking.k8s.io', resource: 'networkpolicies' })),
  // Probing: exec into probe pods (websocket exec is authorised as create, older servers as get).
  { verb: 'create', group: '', resource: 'pods/exec' },
  { verb: 'get', group: '', resource: 'pods/exec' },
  // Diagnostics: why a pod is not ready.
  { verb: 'get', group: '', resource: 'pods/log' },
  { verb: 'list', group: '', resource: 'events' },
];

/** `create pods/exec (all namespaces)`, `delete namespaces (cluster-wide)`. */
export function describeAccessCheck(check: AccessCheck): string {
  const group = check.group ? ` (API group ${check.group})` : '';
  const scope = check.namespace ? `in namespace ${check.namespace}` : check.resource === 'namespaces' ? 'cluster-wide' : 'in all namespaces';
  return `${check.verb} ${check.resource}${group} ${scope}`;
}

export function missingAccess(results: readonly AccessCheckResult[]): AccessCheckResult[] {
  return results.filter((r) => !r.allowed);
}
