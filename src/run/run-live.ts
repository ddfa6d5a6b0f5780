/**
 * The library entries of the live commands. Each owns its run from provisioning to release (own-cluster.ts) and
 * returns the whole RunResult: failed cells, infrastructure errors, suites not run and interrupts are all in it.
 * Only bad input (settings, cluster selection) is thrown, before anything is created.
 */
import { runCorpusLive, selectCases, type Corpus } from '../conformance/index.js';
import { runSuitesLive } from '../engine/index.js';
import type { RunResult } from '../results/index.js';
import type { Suite } from '../suite/index.js';
import type { LiveRunOptions } from './live-run-options.js';
import { ownLiveRun } from './own-cluster.js';

/** `netpol-e2e run`: each suite deployed, probed, judged and cleaned up. */
export async function runLive(suites: readonly Suite[], options: LiveRunOptions): Promise<RunResult> {
  const planned = suites.map((s) => ({ name: s.name, file: s.displayFile, ...(s.fixturePosition ? { fixtureLine: s.fixturePosition.line } : {}) }));
  return ownLiveRun('run', planned, options, (session) => runSuitesLive(session, suites));
}

export interface LiveConformanceOptions extends LiveRunOptions {
  /** Run only the cases with these names. */
  cases?: readonly string[];
}

/** `netpol-e2e conformance --live`: the corpus' matrix cases judged by real traffic. */
export async function runConformanceLive(corpus: Corpus, options: LiveConformanceOptions): Promise<RunResult> {
  const planned = selectCases(corpus, options.cases).map((c) => ({ name: c.name, file: c.file, fixtureLine: c.position.line }));
  return ownLiveRun('conformance', planned, options, (session) => runCorpusLive(session, corpus, options.cases));
}
