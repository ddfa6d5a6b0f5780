/**
 * Runs a deployed suite: positive control over every path the suite will probe, then each step in order:
 * apply its changes (labels, policy deletions, policies), settle, judge every cell against the observation
 * (with the model's verdict, computed with the live pod IPs, attached).
 */
import type { DeployedSuiteFixture, FixtureAddresses } from '../deploy/index.js';
import { LIVE_DEFAULTS } from '../deploy/index.js';
import { compileModel } from '../model/index.js';
import type { Protocol } from '../model/index.js';
import { runPositiveControl, settleProbes, type ControlFailure, type ControlResult, type PathProbe, type SettleOutcome } from '../probe/index.js';
import { modelAgrees, type CellResult, type Expectation, type MatrixResult, type ModelResult, type Observation, type Outcome, type SuitePhases, type Timing } from '../results/index.js';
import type { Suite } from '../suite/index.js';
import { ClusterError, formatDuration } from '../util/index.js';
import { cellNodes, expectationMet, observationOf, planCellProbes, type CellProbePlan } from './cell-probes.js';
import { judgeCell, judgeCellFamilies, modelResultFor } from './judge.js';
import type { LiveSession } from './live-session.js';
import { externalSource, modelStateFor, planSuite, type PlannedCell, type StepPlan } from './plan.js';
import { applyStepChanges } from './apply-step.js';
import { matrixResult } from './verify.js';

export interface StepOutcome {
  plan: StepPlan;
  cells: { cell: PlannedCell; result: CellResult }[];
  matrices: MatrixResult[];
}

export interface SuiteStepsOptions {
  /** Probe workload targets through these Services (`<ns>/<workload>` → `<ns>/<service>`), as conformance does. */
  workloadServices?: ReadonlyMap<string, string>;
  /**
   * When a protocol answers on no path at all in the positive control, skip its cells with this reason instead
   * of failing (conformance: SCTP on clusters without it). Default: any unanswered path is an infrastructure error.
   */
  skipUnsupportedProtocols?: boolean;
  /** Called when a step is about to be applied. */
  onStepBegin?: (plan: StepPlan) => void;
  /** Called with each step's judged cells. */
  onStep?: (outcome: StepOutcome) => void;
}

export interface SuiteStepsResult {
  steps: StepOutcome[];
  timings: Timing[];
  /** Protocols skipped because the cluster does not carry them (with the evidence). */
  unsupported: Map<Protocol, string>;
  /** Where the time went (see SuitePhases). */
  phases: Pick<SuitePhases, 'controlMs' | 'settleMs' | 'probeMs' | 'rounds'>;
}

/** The cells of a suite mapped to the paths they probe: each cell's probes (one per family) and keys derived once. */
class CellPaths {
  private readonly plans = new Map<PlannedCell, CellProbePlan>();
  /** Cells skipped (not probed), with the reason. */
  readonly skipReasons = new Map<PlannedCell, string>();

  constructor(private readonly addresses: FixtureAddresses) {}

  /** How the cell is probed (see planCellProbes); a cell that cannot be is recorded in skipReasons when skipped. */
  plan(cell: PlannedCell): CellProbePlan {
    let plan = this.plans.get(cell);
    if (!plan) {
      plan = planCellProbes(cell, this.addresses);
      this.plans.set(cell, plan);
      if ('skip' in plan && !this.skipReasons.has(cell)) this.skipReasons.set(cell, plan.skip);
    }
    return plan;
  }

  /** The distinct paths of these cells (skipped and unprobeable ones left out), and the cells on each. */
  paths(cells: readonly PlannedCell[]): { probes: Map<string, PathProbe>; cellsOfPath: Map<string, PlannedCell[]> } {
    const probes = new Map<string, PathProbe>();
    const cellsOfPath = new Map<string, PlannedCell[]>();
    for (const cell of cells) {
      if (this.skipReasons.has(cell)) continue;
      const plan = this.plan(cell);
      if (!('probes' in plan)) continue;
      for (const { probe } of plan.probes) {
        probes.set(probe.key, probe);
        let list = cellsOfPath.get(probe.key);
        if (!list) cellsOfPath.set(probe.key, (list = []));
        list.push(cell);
      }
    }
    return { probes, cellsOfPath };
  }
}

export async function runSuiteSteps(session: LiveSession, suite: Suite, deployed: DeployedSuiteFixture, options: SuiteStepsOptions = {}): Promise<SuiteStepsResult> {
  const plans = planSuite(suite);
  const timings: Timing[] = [];
  const addresses: FixtureAddresses = { ...deployed.addresses };
  if (options.workloadServices) addresses.workloadServices = options.workloadServices;
  const paths = new CellPaths(addresses);
  if (deployed.externalsSkipped) {
    for (const cell of plans.flatMap((p) => p.cells)) {
      if (cell.target.kind === 'external' || externalSource(cell.source)) paths.skipReasons.set(cell, deployed.externalsSkipped);
    }
  }
  const { control, unsupported } = await runControl(session, suite, plans, paths, options, blockedBeforePolicies(suite, plans, deployed));
  timings.push({ name: 'positive control', ms: Math.round(control.elapsedMs) });
  const phases: SuiteStepsResult['phases'] = { controlMs: Math.round(control.elapsedMs), settleMs: 0, probeMs: 0, rounds: control.rounds };
  // what each path showed last: before the first step, in the positive control; then at the end of each step
  const lastOutcome = new Map<string, Outcome>([...control.last].map(([key, result]) => [key, result.outcome]));
  const steps: StepOutcome[] = [];
  for (const plan of plans) {
    options.onStepBegin?.(plan);
    const outcome = await runStep(session, suite, plan, deployed, paths, control.answered, lastOutcome, timings, phases);
    steps.push(outcome);
    options.onStep?.(outcome);
  }
  return { steps, timings, unsupported, phases };
}

/**
 * Cells whose path the policies already in existing namespaces (not the suite's) deny: before the suite applies
 * anything, they cannot answer, so the positive control does not ask them to.
 */
function blockedBeforePolicies(suite: Suite, plans: readonly StepPlan[], deployed: DeployedSuiteFixture): Set<PlannedCell> {
  const blocked = new Set<PlannedCell>();
  const existing = deployed.existingNamespaces ?? [];
  const first = plans[0];
  if (!first || !existing.some((n) => n.policies.length > 0)) return blocked;
  const bare: StepPlan = { ...first, state: { ...first.state, policies: new Map() } };
  const model = compileModel(modelStateFor(suite, bare, deployed.podIps, existing));
  for (const cell of plans.flatMap((p) => p.cells)) {
    if (modelResultFor(cell, model, suite).verdict !== 'allow') blocked.add(cell);
  }
  return blocked;
}

/** The positive control over every path of every step, before any policy; throws when paths do not answer. */
async function runControl(
  session: LiveSession,
  suite: Suite,
  plans: readonly StepPlan[],
  paths: CellPaths,
  options: SuiteStepsOptions,
  blocked: ReadonlySet<PlannedCell>,
): Promise<{ control: ControlResult; unsupported: Map<Protocol, string> }> {
  const { clock, signal } = session.options;
  const { probes, cellsOfPath } = paths.paths(plans.flatMap((p) => p.cells).filter((cell) => !blocked.has(cell)));
  const control = await runPositiveControl([...probes.values()], session.round, {
    clock,
    signal,
    timeoutMs: LIVE_DEFAULTS.positiveControlTimeoutMs,
    intervalMs: 500,
  });
  const unsupported = new Map<Protocol, string>();
  if (control.failures.length > 0) {
    const remaining = options.skipUnsupportedProtocols ? skipDeadProtocols(control.failures, control.answered, cellsOfPath, unsupported, paths.skipReasons) : control.failures;
    if (remaining.length > 0) throw controlError(suite, remaining, cellsOfPath, probes.size);
  }
  return { control, unsupported };
}

/** One step: apply its changes, probe until the results settle (or the deadline passes), judge every cell. */
async function runStep(
  session: LiveSession,
  suite: Suite,
  plan: StepPlan,
  deployed: DeployedSuiteFixture,
  paths: CellPaths,
  answered: ReadonlySet<string>,
  lastOutcome: Map<string, Outcome>,
  timings: Timing[],
  phases: SuiteStepsResult['phases'],
): Promise<StepOutcome> {
  const { clock } = session.options;
  const changedAt = clock.now();
  await applyStepChanges(session.options.kube, suite, plan, deployed);
  const model = compileModel(modelStateFor(suite, plan, deployed.podIps, deployed.existingNamespaces));
  const models = new Map(plan.cells.map((cell) => [cell, modelResultFor(cell, model, suite)]));
  const window = session.settle.current();
  const changed = changedPaths(paths.paths(plan.cells).cellsOfPath, lastOutcome, answered, models);
  const settled = await settleStep(session, plan, paths, answered, window, changed);
  for (const [key, probe] of settled.probes) lastOutcome.set(key, probe.history[probe.history.length - 1] ?? probe.result.outcome);
  if (settled.settled) session.settle.recordSettle(settled.settleMs);
  phases.probeMs += Math.round(settled.confirmMs);
  phases.settleMs += Math.round(clock.now() - changedAt - settled.confirmMs);
  phases.rounds += settled.rounds;
  const label = plan.step.index === 0 ? 'step 0' : `step ${plan.step.index} (${plan.step.name})`;
  timings.push({ name: `${label}: settle deadline`, ms: window.deadlineMs });
  timings.push({ name: `${label}: settled after`, ms: Math.round(settled.settleMs) });
  timings.push({ name: `${label}: probing (${settled.rounds} rounds)`, ms: Math.round(clock.now() - changedAt) });
  const notSettled = settled.settled
    ? undefined
    : `the observed results did not all match the expectations within the settle deadline of ${formatDuration(window.deadlineMs)} (derived from the measured enforcement time)`;
  const cells = judgeStepCells(plan, models, paths, answered, settled, notSettled, deployed.addresses);
  return { plan, cells, matrices: plan.matrices.map((m) => matrixResult(m, plan.step, cells)) };
}

/** Probes the step's paths until every cell on each meets its expectation, or the deadline passes. */
async function settleStep(
  session: LiveSession,
  plan: StepPlan,
  paths: CellPaths,
  answered: ReadonlySet<string>,
  window: { minSettleMs: number; deadlineMs: number },
  changed: ReadonlySet<string>,
): Promise<SettleOutcome> {
  const { clock, signal, confirmRounds } = session.options;
  const { probes, cellsOfPath } = paths.paths(plan.cells);
  return settleProbes(
    [...probes.keys()],
    async (keys) => session.round(keys.map((k) => probes.get(k) as PathProbe)),
    (key, result) => (cellsOfPath.get(key) ?? []).every((cell) => expectationMet(cell, result.outcome, answered.has(key))),
    { clock, signal, minSettleMs: window.minSettleMs, deadlineMs: window.deadlineMs, intervalMs: 250, confirmRounds, changed },
  );
}

/**
 * The paths whose expected result differs from what they showed last: when the network shows every one of them
 * changed, the step's change has taken effect. Empty (no early settling) when any cell's expectation disagrees
 * with the model or the model cannot say: then only the measured enforcement time makes a round count.
 */
function changedPaths(
  cellsOfPath: ReadonlyMap<string, PlannedCell[]>,
  lastOutcome: ReadonlyMap<string, Outcome>,
  answered: ReadonlySet<string>,
  models: ReadonlyMap<PlannedCell, ModelResult>,
): Set<string> {
  const changed = new Set<string>();
  for (const [key, cells] of cellsOfPath) {
    for (const cell of cells) {
      const model = models.get(cell);
      if (!model || modelAgrees(cell.expected as Expectation, model) !== true) return new Set();
    }
    const before = lastOutcome.get(key);
    if (before !== undefined && cells.some((cell) => !expectationMet(cell, before, answered.has(key)))) changed.add(key);
  }
  return changed;
}

/**
 * Every cell of the step judged: skipped ones with their reason, unprobeable ones (a family an end has no address
 * of) as errors, the others against their settled probes (one per family for a dual-stack pair).
 */
function judgeStepCells(
  plan: StepPlan,
  models: ReadonlyMap<PlannedCell, ModelResult>,
  paths: CellPaths,
  answered: ReadonlySet<string>,
  settled: SettleOutcome,
  notSettled: string | undefined,
  addresses: FixtureAddresses,
): StepOutcome['cells'] {
  return plan.cells.map((cell) => {
    const modelResult = models.get(cell) as ModelResult;
    const skip = paths.skipReasons.get(cell);
    if (skip !== undefined) return { cell, result: { ...judgeCell(cell, modelResult, undefined), status: 'skipped', message: skip } };
    const probePlan = paths.plan(cell);
    if ('error' in probePlan) return { cell, result: { ...judgeCell(cell, modelResult, undefined), status: 'error', message: probePlan.error } };
    if (!('probes' in probePlan)) throw new Error(`internal error: cell ${cell.cellId} is neither probed nor skipped`);
    const observed = probePlan.probes.map(({ family, probe: path }) => {
      const probe = settled.probes.get(path.key);
      if (!probe) throw new Error(`internal error: no probe result for cell ${cell.cellId}`);
      const refusedMeansDeny = answered.has(path.key);
      return {
        observation: observationOf(cell, probe, refusedMeansDeny, settled.settled, family),
        met: expectationMet(cell, probe.result.outcome, refusedMeansDeny),
      };
    });
    const note = observed.every((o) => o.met) ? undefined : notSettled;
    const result =
      observed.length === 1
        ? judgeCell(cell, modelResult, (observed[0] as { observation: Observation }).observation, note)
        : judgeCellFamilies(cell, modelResult, observed.map((o) => o.observation), note);
    return { cell, result: Object.assign(result, cellNodes(cell, addresses)) };
  });
}

/**
 * Protocols that answered on no path at all are not carried by this cluster: their cells are skipped with the
 * evidence. Returns the failures that remain (other protocols, or a protocol that works on some paths).
 */
function skipDeadProtocols(
  failures: readonly ControlFailure[],
  answered: ReadonlySet<string>,
  cellsOfPath: ReadonlyMap<string, PlannedCell[]>,
  unsupported: Map<Protocol, string>,
  skipReasons: Map<PlannedCell, string>,
): ControlFailure[] {
  const protocolOf = (key: string): Protocol | undefined => cellsOfPath.get(key)?.[0]?.protocol;
  const working = new Set([...answered].map(protocolOf));
  const dead = new Set(failures.map((f) => protocolOf(f.probe.key)).filter((p): p is Protocol => p !== undefined && p !== 'TCP' && !working.has(p)));
  for (const protocol of dead) {
    const example = failures.find((f) => protocolOf(f.probe.key) === protocol);
    const reason = `${protocol} does not work on this cluster: in the positive control (before any policy) no ${protocol} path answered (e.g. ${example ? `${example.probe.namespace}/${example.probe.pod} -> ${example.probe.target}: ${example.outcome}, ${example.detail}` : '?'})`;
    unsupported.set(protocol, reason);
    for (const [key, cells] of cellsOfPath) {
      if (protocolOf(key) === protocol) for (const cell of cells) skipReasons.set(cell, reason);
    }
  }
  return failures.filter((f) => {
    const protocol = protocolOf(f.probe.key);
    return protocol === undefined || !dead.has(protocol);
  });
}

function controlError(suite: Suite, failures: readonly ControlFailure[], cellsOfPath: ReadonlyMap<string, PlannedCell[]>, total: number): ClusterError {
  const lines = failures.slice(0, 10).map((f) => {
    const cells = (cellsOfPath.get(f.probe.key) ?? []).map((c) => c.cellId);
    return `  ${f.probe.client === undefined ? `${f.probe.namespace}/${f.probe.pod}` : `external ${f.probe.pod}`} -> ${f.probe.kind === 'dns' ? `dns ${f.probe.target}` : `${f.probe.target}/${f.probe.kind.toUpperCase()}`}: ${f.outcome} (${f.detail}) [cells: ${cells.slice(0, 3).join(', ')}${cells.length > 3 ? ', …' : ''}]`;
  });
  if (failures.length > 10) lines.push(`  … and ${failures.length - 10} more`);
  return new ClusterError(
    `positive control failed for suite ${suite.name}: before any NetworkPolicy was applied, ${failures.length} of ${total} paths the suite probes did not answer, so no verdict could mean anything:\n${lines.join('\n')}`,
    {
      hint:
        'the cluster does not carry this traffic even without policies: check the CNI and kube-proxy (Service ClusterIPs), the probe pods\' servers ' +
        '(logs in the artifacts directory), the cluster DNS for lookups, for external targets the route from the nodes to their Docker network, and for external sources the route from ' +
        'their Docker network to the pods (the cluster\'s node must be this host: see docs/suite-format.md)',
    },
  );
}
