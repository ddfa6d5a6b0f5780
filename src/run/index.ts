/**
 * The owners of live runs: one library entry per live command, from provisioning the cluster to releasing it,
 * with every reporter hook called and the whole result returned.
 */
export { runLive, runConformanceLive, type LiveConformanceOptions } from './run-live.js';
export type { LiveRunOptions, RunProgress } from './live-run-options.js';
