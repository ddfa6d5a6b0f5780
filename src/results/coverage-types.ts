/** The data of a rule coverage report (plain, JSON-serialisable; part of RunResult when coverage is asked for). */
import type { SourcePosition } from '../util/index.js';

export type CoverageKind = 'policy' | 'rule' | 'peer' | 'port';
export const COVERAGE_KINDS: readonly CoverageKind[] = ['policy', 'rule', 'peer', 'port'];

export interface CoverageItem {
  kind: CoverageKind;
  /** e.g. `prod/allow-web`, `prod/allow-web ingress rule 2 peer 1`. */
  name: string;
  covered: boolean;
  position: SourcePosition;
}

export interface CoverageCounts {
  total: number;
  covered: number;
  /** covered / total in percent (100 when there is nothing to cover). */
  percent: number;
  byKind: Record<CoverageKind, { total: number; covered: number }>;
}

export interface SuiteCoverage {
  suite: string;
  file: string;
  counts: CoverageCounts;
  items: CoverageItem[];
}

export interface CoverageReport {
  suites: SuiteCoverage[];
  total: CoverageCounts;
  /** Set when the total is below the asked minimum (--min-coverage): why the run fails. */
  shortfall?: string;
}

