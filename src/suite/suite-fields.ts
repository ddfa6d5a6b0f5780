/**
 * The fields the suite loader accepts at each level of a suite file. The JSON schema test checks
 * schema/suite.schema.json against these lists, so the schema and the loader cannot drift apart.
 */
export const SUITE_FIELDS = {
  suite: ['apiVersion', 'kind', 'name', 'description', 'fixture', 'policies', 'assertions', 'steps'],
  fixture: ['namespaces', 'workloads', 'services', 'externals', 'podNetwork'],
  namespace: ['name', 'labels', 'existing'],
  workload: ['name', 'namespace', 'labels', 'ports'],
  workloadPort: ['port', 'name', 'protocol'],
  service: ['name', 'namespace', 'workload', 'selector', 'type', 'externalTrafficPolicy', 'ports'],
  servicePort: ['name', 'port', 'targetPort', 'protocol'],
  external: ['name', 'ip', 'ports'],
  externalPort: ['port', 'protocol'],
  connectAssertion: ['id', 'description', 'from', 'to', 'port', 'protocol', 'family', 'expect'],
  target: ['workload', 'service', 'external'],
  source: ['workload', 'external'],
  dnsAssertion: ['id', 'description', 'dns'],
  dns: ['from', 'name', 'expect'],
  matrixAssertion: ['id', 'description', 'matrix'],
  matrix: ['port', 'protocol', 'family', 'expected'],
  step: ['name', 'apply', 'delete', 'labels', 'assertions'],
  policyFile: ['path', 'namespace'],
  labelChanges: ['namespaces', 'workloads'],
} as const satisfies Record<string, readonly string[]>;

export const SUITE_KIND = 'Suite';

/** Name of stage 0 (the top-level policies and assertions). */
export const INITIAL_STEP_NAME = 'initial';

/** The implicit cluster DNS namespace; suites never declare it and policies may not live in it. */
export const CLUSTER_DNS_NAMESPACE = 'kube-system';

/** The label the API server puts on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
