/** Rule coverage: which policies, rules, peers and ports the asserted cells exercise. */
export * from './types.js';
export { computeCoverage, suiteCoverage } from './compute-coverage.js';
export * from './format-coverage.js';
