/**
 * `run --changed-since <ref>`: which suites to probe live, and what. A suite none of whose cells changed verdict
 * against the ref is not run (with the reason); an affected suite runs every one of its assertions plus one
 * connect assertion per changed matrix cell that no assertion covers, expecting today's verdict (the spec), so
 * the live run proves the CNI enforces exactly what the change opens and closes.
 */
import type { ConnectAssertion, Suite, SuiteStep } from '../suite/index.js';
import type { BaseSource } from './base-source.js';
import { diffSuite, type CellChange, type SuiteDiff } from './diff-suites.js';
import { loadBaseSuite } from './load-base-suite.js';

export interface ChangedSincePlan {
  base: string;
  /** The suites to run: affected suites, with the changed cells added as assertions. */
  run: Suite[];
  /** Suites left out, each with why. */
  notRun: { suite: string; reason: string }[];
  /** Per suite run: how many changed cells were added as assertions. */
  added: Record<string, number>;
}

function probeable(change: CellChange): boolean {
  return change.matrix && change.assertions.length === 0 && (change.after.verdict === 'allow' || change.after.verdict === 'deny');
}

/** `suite` with one connect assertion per probeable changed cell of `diff`, added to the step it belongs to. */
export function withChangedCells(suite: Suite, diff: SuiteDiff): { suite: Suite; added: number } {
  const taken = new Set(suite.steps.flatMap((s) => s.assertions.map((a) => a.id)));
  let added = 0;
  const steps: SuiteStep[] = suite.steps.map((step) => {
    const extra: ConnectAssertion[] = [];
    for (const change of diff.changes) {
      if (change.step.index !== step.index || !probeable(change) || typeof change.port !== 'number') continue;
      const [fromNs, fromName] = change.source.split('/') as [string, string];
      const [toNs, toName] = change.target.split('/') as [string, string];
      const base = `changed-${fromNs}-${fromName}-to-${toNs}-${toName}-${change.port}-${(change.protocol ?? 'TCP').toLowerCase()}`;
      let id = base;
      for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
      taken.add(id);
      extra.push({
        kind: 'connect',
        id,
        description: `${change.kind} since ${diff.file}'s base: ${change.before.verdict} -> ${change.after.verdict}`,
        position: step.position,
        from: { namespace: fromNs, name: fromName },
        to: { kind: 'workload', namespace: toNs, name: toName },
        port: change.port,
        protocol: change.protocol ?? 'TCP',
        expect: change.after.verdict === 'allow' ? 'allow' : 'deny',
      });
    }
    added += extra.length;
    return extra.length === 0 ? step : { ...step, assertions: [...step.assertions, ...extra] };
  });
  return { suite: { ...suite, steps }, added };
}

export async function planChangedSince(suites: readonly Suite[], base: BaseSource): Promise<ChangedSincePlan> {
  const plan: ChangedSincePlan = { base: base.label, run: [], notRun: [], added: {} };
  for (const suite of suites) {
    const diff = diffSuite(suite, await loadBaseSuite(suite, base));
    if (diff.changes.length === 0) {
      plan.notRun.push({ suite: suite.name, reason: `no cell changed verdict since ${base.label} (${diff.compared} cells compared)` });
      continue;
    }
    const { suite: extended, added } = withChangedCells(suite, diff);
    plan.run.push(extended);
    plan.added[suite.name] = added;
  }
  return plan;
}
