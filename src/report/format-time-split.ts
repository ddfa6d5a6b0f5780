/**
 * The time split of a live run's suites, for the console summary: one row per suite with where its wall time
 * went (deploy, ready, waiting for the canary, positive control, settling, confirmation rounds, issuing the
 * teardown) and its rounds. Suites of a run may overlap in time, so rows add up to more than the run took.
 */
import type { RunResult, SuitePhases } from '../results/index.js';

const COLUMNS: { title: string; value: (p: SuitePhases) => string }[] = [
  { title: 'deploy', value: (p) => seconds(p.deployMs) },
  { title: 'ready', value: (p) => seconds(p.readyMs) },
  { title: 'canary', value: (p) => seconds(p.canaryMs) },
  { title: 'control', value: (p) => seconds(p.controlMs) },
  { title: 'settle', value: (p) => seconds(p.settleMs) },
  { title: 'probe', value: (p) => seconds(p.probeMs) },
  { title: 'teardown', value: (p) => seconds(p.teardownMs) },
  { title: 'rounds', value: (p) => String(p.rounds) },
];

/** The table's lines (none when no suite has a time split, e.g. static runs). */
export function formatTimeSplit(run: RunResult): string[] {
  const rows = run.suites.filter((s) => s.phases !== undefined);
  if (rows.length === 0) return [];
  const header = ['time per suite (s)', ...COLUMNS.map((c) => c.title), 'total'];
  const body = rows.map((suite) => [`  ${suite.name}`, ...COLUMNS.map((c) => c.value(suite.phases as SuitePhases)), seconds(suite.durationMs)]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[i] as number))).join('  ');
  return [header, ...body].map(line);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
