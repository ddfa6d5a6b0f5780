/**
 * netpol-e2e's static API (`import ... from 'netpol-e2e/static'`): suites, the model, static verify, lint and the
 * reports, without the cluster boundary. The package root (index.ts) also exports the live engine, which loads
 * @kubernetes/client-node and testcontainers at import (about 1 s of CPU); a static check needs neither.
 */
export { TOOL } from './version.js';
export { loadSuite, loadSuites, loadPolicyFiles, validatePolicyObject, SUITE_API_VERSION } from './suite/index.js';
export type * from './suite/types.js';
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
export { planSuite, modelStateFor } from './engine/plan.js';
export type { PlannedCell, StepPlan } from './engine/plan.js';
export { judgeCell, modelResultFor } from './engine/judge.js';
export { verifySuites } from './engine/verify.js';
export { lintSuite, LINT_RULES } from './lint/lint-suite.js';
export type { LintFinding, LintRule } from './lint/lint-suite.js';
export * from './results/index.js';
export { createReporter, MultiplexReporter, formatGithubAnnotations } from './report/index.js';
export type { Reporter } from './report/index.js';
export * from './util/errors.js';
