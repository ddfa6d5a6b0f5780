/**
 * The engine: plans a suite into steps and cells, judges what was observed against the expectation and the
 * model, and orchestrates a live run (deploy, probe, judge, tear down) on a cluster it is given.
 */
export { judgeCell, modelResultFor, trafficsFor, knownDnsAnswer } from './judge.js';
export { clusterDnsWorkload, modelStateFor, planClusterDnsConnection, planConnection, planLookup, planSuite, refKey, externalSource, sourceLabel, workloadSource, type CellSource, type Connection, relabelWorkloads, serviceBackends, type PlannedCell, type PlannedTarget, type StepPlan } from './plan.js';
export { verifySuites, matrixResult } from './verify.js';
export { resolveLiveSettings, type ExternalsOptions, type LiveSettings, type ResolvedLiveOptions, type ResolvedLiveSettings } from './live-run-options.js';
export { LiveSession } from './live-session.js';
export { longestFirst, progressSink, runInSession, runOneSuite, runSuitesLive, recordingErrors, suiteFailed, suiteResources } from './run-live.js';
export { runSuiteSteps, type StepOutcome, type SuiteStepsOptions, type SuiteStepsResult } from './run-suite-steps.js';
export { expectationMet, observationOf, planCellProbes, type CellProbe, type CellProbePlan } from './cell-probes.js';
export { OrderedProgress, type ProgressSink, type UnitProgress } from './ordered-progress.js';
export { CLUSTER_DNS } from './cluster-dns.js';
