/**
 * Probing: one connection or lookup from inside a pod (exec, the batch script, outcome classification), rounds
 * over many paths, the positive control, settling after a change, and the enforcement canary.
 */
export { hostPort, PROBE_KINDS, type ProbeKind, type ProbeObservation, type ProbeRaw, type ProbeRequest } from './probe-request.js';
export { runProbeBatches, type ClientExec, type ProbeBatch, type ProbeMode, type ProbeResult, type RunProbeBatchesOptions } from './run-probe-batches.js';
export { classifyProbe } from './classify-probe.js';
export { CURL_EXIT } from './curl-outcome.js';
export { createProbeRound, pathKey, type PathProbe, type ProbePath, type ProbeRound, type ProbeRoundOptions } from './probe-round.js';
export { pathAnswered, runPositiveControl, type ControlFailure, type ControlOptions, type ControlResult } from './positive-control.js';
export { settleProbes, type SettledProbe, type SettleOptions, type SettleOutcome } from './settle-probes.js';
export {
  CANARY_POLICY,
  CANARY_PORT,
  canaryManifests,
  canaryNamespace,
  runEnforcementCanary,
  type CanaryMeasurement,
  type CanaryOptions,
} from './enforcement-canary.js';
export { EnforcementCanary, type CanarySettings } from './canary.js';
export { SettleWindow } from './settle-window.js';
