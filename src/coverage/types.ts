/** The coverage report's data lives with the other result types (src/results): re-exported here. */
export type * from '../results/index.js';
export { COVERAGE_KINDS } from '../results/index.js';
