/**
 * Golden inputs recorded from real runs: JSON reports (the RunResult as is, plus derived counts) under
 * test/fixtures/golden/runs/, read back into RunResults. Their names, ids, lines and messages are what the
 * engines really produce, so golden files catch what made-up fixtures cannot (a step repeated in a name, a
 * duplicated name, a setup error without a line). How each was recorded: test/fixtures/golden/runs/README.md.
 */
import { readFileSync } from 'node:fs';
import type { RunResult, SuiteResult } from '../../../src/results/index.js';

export const RECORDED_RUNS = ['verify-failing', 'live-failing', 'live-flaky', 'live-setup-error', 'live-conformance'] as const;
export type RecordedRun = (typeof RECORDED_RUNS)[number];

export function recordedRun(name: RecordedRun): RunResult {
  const text = readFileSync(new URL(`../../fixtures/golden/runs/${name}.json`, import.meta.url), 'utf8');
  const report = JSON.parse(text) as RunResult & { schemaVersion?: number; passed?: boolean; counts?: unknown };
  delete report.schemaVersion;
  delete report.passed;
  delete report.counts;
  for (const suite of report.suites as (SuiteResult & { counts?: unknown })[]) delete suite.counts;
  return report;
}
