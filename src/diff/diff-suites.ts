/**
 * The change impact of a policy change: every cell whose verdict differs between the base and the current
 * policies, for every step of every suite. Cells are the asserted ones (connections, Services, externals, DNS)
 * and the full matrix of the fixture's workloads x the ports they declare; each change carries the explanation
 * before and after, and the assertions it touches with whether they still hold.
 */
import { judgeCell, modelResultFor } from '../engine/index.js';
import { modelStateFor, planSuite, refKey, relabelWorkloads, sourceLabel, type PlannedCell, type StepPlan } from '../engine/index.js';
import type { ModelResult } from '../results/index.js';
import { compileModel, dependsOnPodIps, explainVerdict, type PolicyModel, type Verdict } from '../model/index.js';
import type { Protocol } from '../model/index.js';
import type { Suite } from '../suite/index.js';

export type ChangeKind = 'newly-allowed' | 'newly-denied' | 'changed';

export interface DiffSide {
  verdict: string;
  explanation: string[];
}

export interface TouchedAssertion {
  id: string;
  expected: string;
  /** Does the assertion still hold with the current policies? */
  holds: boolean;
}

export interface CellChange {
  kind: ChangeKind;
  step: { index: number; name: string };
  source: string;
  /** A workload `<ns>/<name>`, or an assertion's target label (`service …`, `external …`, `dns …`). */
  target: string;
  port?: number | string;
  protocol?: Protocol;
  before: DiffSide;
  after: DiffSide;
  assertions: TouchedAssertion[];
  /** A cell of the full matrix (source and target are workloads, port a number): it can be probed as is. */
  matrix: boolean;
}

export interface SuiteDiff {
  name: string;
  file: string;
  /** Cells compared (matrix cells plus asserted cells not already in the matrix). */
  compared: number;
  changes: CellChange[];
}

export interface DiffResult {
  base: string;
  suites: SuiteDiff[];
}

function word(result: ModelResult): string {
  const base = result.dnsAnswer ? `${result.verdict} (${result.dnsAnswer})` : result.verdict;
  return result.undecided !== undefined ? `${base}, undecided without pod IPs` : base;
}

function kindOf(before: string, after: string): ChangeKind {
  if (before.startsWith('deny') && after.startsWith('allow')) return 'newly-allowed';
  if (before.startsWith('allow') && after.startsWith('deny')) return 'newly-denied';
  return 'changed';
}

/** `<step>|<source>|<destination workload>|<port>/<protocol>`: a matrix cell, and the workload cell of an assertion. */
function cellKey(step: number, source: string, destination: string, port: number, protocol: Protocol): string {
  return `${step}|${source}|${destination}|${port}/${protocol}`;
}

/** The matrix of every workload x every (port, protocol) a workload declares, with the cells that changed. */
function matrixChanges(suite: Suite, now: StepPlan, before: PolicyModel, after: PolicyModel, into: Map<string, CellChange>): number {
  const workloads = [...relabelWorkloads(new Map(suite.fixture.workloads.map((w) => [refKey(w), w])), now.state).values()];
  const keys = workloads.map(refKey);
  const ports = new Map<string, { port: number; protocol: Protocol }>();
  for (const w of workloads) for (const p of w.ports) ports.set(`${p.port}/${p.protocol}`, { port: p.port, protocol: p.protocol });
  let compared = 0;
  for (const { port, protocol } of ports.values()) {
    const columns = workloads.filter((w) => w.ports.some((p) => p.port === port && p.protocol === protocol)).map(refKey);
    const a = before.evaluateMatrix({ sources: keys, destinations: columns, port, protocol });
    const b = after.evaluateMatrix({ sources: keys, destinations: columns, port, protocol });
    compared += keys.length * columns.length - columns.filter((c) => keys.includes(c)).length; // the diagonal is never probed
    for (let r = 0; r < keys.length; r += 1) {
      for (let c = 0; c < columns.length; c += 1) {
        if (b.allowed(r, c) === a.allowed(r, c)) continue;
        const source = keys[r] as string;
        const destination = columns[c] as string;
        if (source === destination) continue; // a pod calling itself is never probed
        const verdictBefore = a.verdicts(r, c)[0];
        const verdictAfter = b.verdicts(r, c)[0];
        if (!verdictBefore || !verdictAfter) continue; // the ends share no address family: no connection to compare
        const side = (verdict: Verdict): DiffSide => ({
          verdict: verdict.allowed ? 'allow' : dependsOnPodIps(verdict) ? 'deny, undecided without pod IPs' : 'deny',
          explanation: explainVerdict(verdict),
        });
        const beforeSide = side(verdictBefore);
        const afterSide = side(verdictAfter);
        into.set(cellKey(now.step.index, source, destination, port, protocol), {
          kind: kindOf(beforeSide.verdict, afterSide.verdict),
          step: { index: now.step.index, name: now.step.name },
          source,
          target: destination,
          port,
          protocol,
          before: beforeSide,
          after: afterSide,
          assertions: [],
          matrix: true,
        });
      }
    }
  }
  return compared;
}

function workloadCellKey(cell: PlannedCell): string | undefined {
  if (cell.target.kind !== 'workload') return undefined;
  return cellKey(cell.step.index, sourceLabel(cell.source), refKey(cell.target.workload), cell.target.port, cell.protocol ?? 'TCP');
}

export function diffSuite(now: Suite, base: Suite): SuiteDiff {
  const nowPlans = planSuite(now);
  const basePlans = planSuite(base);
  const changes = new Map<string, CellChange>();
  let compared = 0;
  nowPlans.forEach((plan, i) => {
    const basePlan = basePlans[i];
    if (basePlan === undefined) return;
    const after = compileModel(modelStateFor(now, plan));
    const before = compileModel(modelStateFor(base, basePlan));
    compared += matrixChanges(now, plan, before, after, changes);
    for (const cell of plan.cells) {
      const resultAfter = modelResultFor(cell, after, now);
      const resultBefore = modelResultFor(cell, before, base);
      const key = workloadCellKey(cell);
      if (key === undefined) compared += 1;
      const wordBefore = word(resultBefore);
      const wordAfter = word(resultAfter);
      if (wordBefore === wordAfter) continue;
      const status = judgeCell(cell, resultAfter, undefined).status;
      const touched: TouchedAssertion = { id: cell.cellId, expected: String(cell.expected), holds: status !== 'failed' };
      const existing = key === undefined ? undefined : changes.get(key);
      if (existing) {
        existing.assertions.push(touched);
        continue;
      }
      const change: CellChange = {
        kind: kindOf(wordBefore, wordAfter),
        step: { index: plan.step.index, name: plan.step.name },
        source: sourceLabel(cell.source),
        target: cell.targetLabel,
        before: { verdict: wordBefore, explanation: resultBefore.explanation },
        after: { verdict: wordAfter, explanation: resultAfter.explanation },
        assertions: [touched],
        matrix: false,
      };
      if (cell.portLabel !== undefined) change.port = cell.portLabel;
      if (cell.protocol !== undefined) change.protocol = cell.protocol;
      changes.set(key ?? `${plan.step.index}|assertion|${cell.cellId}`, change);
    }
  });
  return { name: now.name, file: now.displayFile, compared, changes: [...changes.values()] };
}

/** Changes that make an assertion fail now. */
export function breakingChanges(result: DiffResult): CellChange[] {
  return result.suites.flatMap((s) => s.changes.filter((c) => c.assertions.some((a) => !a.holds)));
}

export type FailOn = 'allowed' | 'denied' | 'any';

/** Changes `--fail-on` forbids. */
export function forbiddenChanges(result: DiffResult, failOn: FailOn | undefined): CellChange[] {
  if (failOn === undefined) return [];
  return result.suites.flatMap((s) =>
    s.changes.filter((c) => failOn === 'any' || (failOn === 'allowed' && c.kind !== 'newly-denied') || (failOn === 'denied' && c.kind !== 'newly-allowed')),
  );
}
