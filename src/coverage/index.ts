/** Rule coverage: which policies, rules, peers and ports the asserted cells exercise. */
export { COVERAGE_KINDS, type CoverageCounts, type CoverageItem, type CoverageKind, type CoverageReport, type SuiteCoverage } from '../results/index.js';
export { computeCoverage, suiteCoverage } from './compute-coverage.js';
