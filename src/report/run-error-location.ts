import type { PlannedSuite, RunResult } from '../results/index.js';

/**
 * Where reports place errors that stopped the whole run, so CI annotates a file that exists: the first suite
 * the run was given that never started (the run stopped before it), else the first suite; at its `fixture:`
 * line. Undefined when the run knows no suite at all (it failed before suites were read).
 */
export function runErrorLocation(run: RunResult): PlannedSuite | undefined {
  const planned = run.plannedSuites ?? run.suites.map((s) => ({ name: s.name, file: s.file, ...(s.fixtureLine !== undefined ? { fixtureLine: s.fixtureLine } : {}) }));
  const started = new Set(run.suites.map((s) => s.name));
  return planned.find((s) => !started.has(s.name)) ?? planned[0];
}
