/** The live engine: real clusters, real probes. */
export { runLive } from './run-live.js';
export { runConformanceLive, type LiveConformanceOptions } from './conformance-live.js';
export { cleanupRuns, type CleanupResult, type CleanupRunsOptions } from './cleanup.js';
export { partialResultOf } from './partial-result.js';
export { generateRunId, validateRunId } from './run-id.js';
export { LIVE_DEFAULTS } from './live-defaults.js';
export type { ExternalsOptions, LiveRunOptions } from './live-run-options.js';
export { runLabels, runSelector } from './run-labels.js';
