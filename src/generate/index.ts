/** `generate`: a suite (fixture and today's truth) from NetworkPolicies alone, or from a live cluster. */
export { inferFixture, type InferOptions, type InferredFixture, type InferredWorkload, type InferredNamespace, type InferredExternal } from './infer-fixture.js';
export { generateSuite, modelOfFixture, DNS_PROBE_NAME, type GenerateOptions, type GeneratedSuite, type GeneratedMatrix } from './generate-suite.js';
export { renderSuite, yamlScalar, type PolicyEntries } from './render-suite.js';
export { generateFromFiles, expandPolicyPaths, policyEntries, type GeneratedText } from './generate-from-files.js';
export { DEFAULT_MAX_EXTERNALS, DEFAULT_MAX_PORTS, DEFAULT_MAX_WORKLOADS } from './infer-fixture.js';
export { snapshotCluster, type SnapshotOptions } from './snapshot-cluster.js';
