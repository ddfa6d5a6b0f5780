/** The cluster providers' public API. */
export type { ClusterAction, ClusterProgress, ClusterProvider, ClusterProviderName, ProvisionContext, ProvisionedCluster, ReleaseOutcome } from './types.js';
export { createClusterProvider, type ClusterSelection } from './create-cluster-provider.js';
export { KindProvider } from './kind/kind-provider.js';
export type { KindProviderOptions } from './kind/kind-options.js';
export { ExistingClusterProvider, type ExistingClusterOptions } from './existing/existing-provider.js';
export { REQUIRED_ACCESS, describeAccessCheck } from './existing/required-access.js';
export type { ProviderDependencies } from './dependencies.js';
export type { CommandOptions, CommandResult, CommandRunner } from './command-runner.js';
export { createExecaRunner } from './execa-command-runner.js';
export { DEFAULT_CLUSTER_TIMEOUTS, DEFAULT_KIND_CLUSTER_NAME, DEFAULT_POD_SUBNET, type ClusterTimeouts } from './defaults.js';
export { CALICO_MANIFEST_SHA256, CALICO_VERSION, KIND_NODE_IMAGE, KIND_VERSION, calicoManifestUrl } from './versions.js';
export { KIND_INSTALL_DOCS } from './kind/preflight.js';
export { applyCalico, waitForCalicoReady } from './calico/install-calico.js';
export { parseManifest, type ManifestObject } from './install/parse-manifest.js';
export { installManifest } from './install/install-manifest.js';
export { waitForWorkload, waitForNodesReady } from './install/wait-for-workload.js';
export { diagnosePods, diagnoseWorkload, type Diagnosis, type WorkloadRef } from './install/diagnose-workload.js';
