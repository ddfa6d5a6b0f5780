/** The live engine: real clusters, real probes. */
export { runLive } from './run-live.js';
export { runConformanceLive, type LiveConformanceOptions } from '../conformance/conformance-live.js';
export { cleanupRuns, type CleanupResult, type CleanupRunsOptions } from '../deploy/cleanup.js';
export { partialResultOf } from './live/partial-result.js';
export { generateRunId, validateRunId } from '../deploy/run-id.js';
export { LIVE_DEFAULTS } from '../deploy/live-defaults.js';
export type { ExternalsOptions, LiveRunOptions } from './live-run-options.js';
export { runLabels, runSelector } from '../deploy/run-labels.js';
