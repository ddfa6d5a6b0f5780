/**
 * netpol-e2e as a library: the public API is exactly what this file re-exports. The CLI (src/cli) is built on
 * it and nothing here prints.
 */
export { TOOL } from './version.js';

// Suites: load and validate (InputError with file:line:col on bad input).
export { loadSuite, loadSuites, loadPolicyFiles, validatePolicyObject, SUITE_API_VERSION } from './suite/index.js';
export type * from './suite/index.js';

// The model (oracle): networking.k8s.io/v1 semantics with explanations.
export {
  CELL,
  compileModel,
  createNaiveModel,
  explainVerdict,
  explainVerdicts,
  selectorMatches,
  evaluateNaively,
  parseCidr,
  cidrContains,
  isValidCidr,
} from './model/index.js';
export type {
  ClusterState,
  NamespaceInfo,
  PodInfo,
  NetworkPolicy,
  Traffic,
  Endpoint,
  Verdict,
  DirectionVerdict,
  PolicyModel,
  MatrixCell,
  MatrixQuery,
  MatrixVerdicts,
} from './model/index.js';

// Engines: plan, judge, static verify, conformance, live.
export { planSuite, modelStateFor, judgeCell, modelResultFor, verifySuites } from './engine/index.js';
export type { PlannedCell, StepPlan } from './engine/index.js';
export { loadCorpus, runConformance } from './conformance/index.js';
export type { Corpus } from './conformance/index.js';
export { runLive, runConformanceLive } from './run/index.js';
export type { LiveRunOptions, LiveConformanceOptions, RunProgress } from './run/index.js';
export type { LiveSettings, ExternalsOptions } from './engine/index.js';
export { cleanupRuns, generateRunId, LIVE_DEFAULTS } from './deploy/index.js';
export type { CleanupResult, CleanupRunsOptions } from './deploy/index.js';
export { lintSuite, LINT_RULES } from './lint/index.js';
export type { LintFinding, LintRule } from './lint/index.js';

// Results: the data every engine returns and every reporter reads.
export * from './results/index.js';

// Clusters and the Kubernetes API facade.
export { createClusterProvider, KindProvider, ExistingClusterProvider } from './cluster/index.js';
export type { ClusterProvider, ProvisionedCluster, ClusterSelection } from './cluster/index.js';
export { createKubeClient } from './kube/index.js';
export type { KubeClient } from './kube/index.js';
export type { DockerGateway } from './external/index.js';

// Reports.
export {
  createReporter,
  MultiplexReporter,
  formatGithubAnnotations,
  formatJunitReport,
  formatHtmlReport,
  reportPathsFor,
} from './report/index.js';
export type { Reporter, ReportPaths, JunitSchema } from './report/index.js';

// Errors.
export {
  NetpolError,
  InputError,
  PreflightError,
  ClusterError,
  KubeApiError,
  CommandError,
  ExecError,
  TimeoutError,
  NotEnforcingError,
  InterruptedError,
  formatInputIssue,
  describeError,
} from './util/index.js';
export type { ErrorCode, ErrorOptions, InputIssue, SourcePosition } from './util/index.js';
