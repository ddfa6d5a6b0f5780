/**
 * What a live run puts into the cluster and takes out again: probe pods, fixtures (namespaces, pods, Services,
 * policies) labelled with the run id, readiness, diagnostics, cleanup; and the defaults of a live run.
 */
export { applyFixture, ensureNamespacesFree, relabelNamespace, relabelWorkload, servicePortKey, type AppliedServices, type DeployedFixture, type FixtureAddresses } from './deploy-fixture.js';
export { FixtureDeployer, type DeployedSuiteFixture, type DeploySettings } from './fixture-deployer.js';
export { RunInventory } from './run-inventory.js';
export { diagnoseRun, type DiagnoseSettings } from './diagnose-run.js';
export { PROBE_CONTAINER, buildProbePod, serverContainerName, type ImagePullPolicy, type ProbePodSpec } from './probe-pod.js';
export { LIVE_DEFAULTS } from './live-defaults.js';
export { generateRunId, validateRunId, MAX_RUN_ID_LENGTH } from './run-id.js';
export { SERVER_PROTOCOL_OPTIONAL } from './readiness.js';
export { collectDiagnostics, type DiagnosticsInput } from './collect-diagnostics.js';
export { cleanupRuns, deleteNamespacesAndWait, type CleanupResult, type CleanupRunsOptions, type DeleteNamespacesOptions } from './cleanup.js';
export { namespaceManifest, podManifest, policyManifest, serviceManifest, type ManifestContext } from './fixture-manifests.js';
export { ANNOTATION_SUITE, isRunObject, runLabels, runSelector } from './run-labels.js';
export { hostIpsOf, podIpsOf, waitForPodsReady, type PodObject, type ReadyPods, type WaitPodsOptions } from './wait-pods-ready.js';
export { describePodNetwork } from './pod-network-check.js';
export { cpuOf, sizeParallelism, type Parallelism } from './size-parallelism.js';
export { describeExistingPolicies, type ExistingNamespace } from './existing-namespaces.js';
