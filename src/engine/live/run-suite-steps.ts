/**
 * Runs a deployed suite: positive control over every path the suite will probe, then each step in order:
 * apply its changes (labels, policy deletions, policies), settle, judge every cell against the observation
 * (with the model's verdict, computed with the live pod IPs, attached).
 */
import { compileModel } from '../../model/index.js';
import type { Protocol } from '../../model/types.js';
import type { Suite } from '../../suite/types.js';
import { ClusterError } from '../../util/errors.js';
import { formatDuration } from '../../util/poll.js';
import { judgeCell, modelResultFor } from '../judge.js';
import { modelStateFor, planSuite, refKey, type PlannedCell, type StepPlan } from '../plan.js';
import type { CellResult, MatrixResult, Timing } from '../results.js';
import { matrixResult } from '../verify.js';
import { cellNodes, expectationMet, observationOf, pathKey, probeForCell, type FixtureAddresses } from './cell-probes.js';
import { relabelNamespace, relabelWorkload, type DeployedFixture } from './deploy-fixture.js';
import { policyManifest } from './fixture-manifests.js';
import type { LiveSession } from './live-session.js';
import { runPositiveControl, type ControlFailure } from './positive-control.js';
import type { PathProbe } from './probe-round.js';
import { settleProbes } from './settle-probes.js';

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
}

export async function runSuiteSteps(
  session: LiveSession,
  suite: Suite,
  deployed: DeployedFixture & { externalsSkipped?: string },
  options: SuiteStepsOptions = {},
): Promise<SuiteStepsResult> {
  const { clock, signal } = session.options;
  const plans = planSuite(suite);
  const timings: Timing[] = [];
  const addresses: FixtureAddresses = { ...deployed.addresses };
  if (options.workloadServices) addresses.workloadServices = options.workloadServices;

  const skipReasons = new Map<PlannedCell, string>();
  for (const plan of plans) {
    for (const cell of plan.cells) {
      if (cell.target.kind === 'external' && deployed.externalsSkipped) skipReasons.set(cell, deployed.externalsSkipped);
    }
  }

  // positive control: every path, before any policy
  const controlProbes = new Map<string, PathProbe>();
  const cellsOfPath = new Map<string, PlannedCell[]>();
  for (const plan of plans) {
    for (const cell of plan.cells) {
      if (skipReasons.has(cell)) continue;
      const probe = probeForCell(cell, addresses);
      const key = pathKey(probe);
      controlProbes.set(key, { key, ...probe });
      cellsOfPath.set(key, [...(cellsOfPath.get(key) ?? []), cell]);
    }
  }
  const control = await runPositiveControl([...controlProbes.values()], session.round, {
    clock,
    signal,
    timeoutMs: session.controlTimeoutMs(),
    intervalMs: 500,
  });
  timings.push({ name: 'positive control', ms: Math.round(control.elapsedMs) });
  const unsupported = new Map<Protocol, string>();
  if (control.failures.length > 0) {
    const remaining = options.skipUnsupportedProtocols ? skipDeadProtocols(control.failures, control.answered, cellsOfPath, unsupported, skipReasons) : control.failures;
    if (remaining.length > 0) throw controlError(suite, remaining, cellsOfPath, controlProbes.size);
  }

  const steps: StepOutcome[] = [];
  for (const plan of plans) {
    options.onStepBegin?.(plan);
    const changedAt = clock.now();
    await applyStepChanges(session, suite, plan, deployed);
    const model = compileModel(modelStateFor(suite, plan, deployed.podIps));
    const probed = plan.cells.filter((cell) => !skipReasons.has(cell));
    const probes = new Map<string, PathProbe>();
    const cellsByKey = new Map<string, PlannedCell[]>();
    for (const cell of probed) {
      const probe = probeForCell(cell, addresses);
      const key = pathKey(probe);
      probes.set(key, { key, ...probe });
      cellsByKey.set(key, [...(cellsByKey.get(key) ?? []), cell]);
    }
    const window = session.settleWindow();
    const keys = [...probes.keys()];
    const settled = await settleProbes(
      keys,
      async (ks) => session.round(ks.map((k) => probes.get(k) as PathProbe)),
      (key, result) => (cellsByKey.get(key) ?? []).every((cell) => expectationMet(cell, result.outcome, control.answered.has(key))),
      { clock, signal, minSettleMs: window.minSettleMs, deadlineMs: window.deadlineMs, intervalMs: 250, confirmRounds: session.options.confirmRounds },
    );
    const label = plan.step.index === 0 ? 'step 0' : `step ${plan.step.index} (${plan.step.name})`;
    if (settled.settled) session.recordSettle(settled.settleMs);
    timings.push({ name: `${label}: settle deadline`, ms: window.deadlineMs });
    timings.push({ name: `${label}: settled after`, ms: Math.round(settled.settleMs) });
    timings.push({ name: `${label}: probing (${settled.rounds} rounds)`, ms: Math.round(clock.now() - changedAt) });
    const notSettled = settled.settled
      ? undefined
      : `the observed results did not all match the expectations within the settle deadline of ${formatDuration(window.deadlineMs)} (derived from the measured enforcement time)`;
    const cells = plan.cells.map((cell) => {
      const modelResult = modelResultFor(cell, model, suite);
      const skip = skipReasons.get(cell);
      if (skip !== undefined) {
        const result = judgeCell(cell, modelResult, undefined);
        result.status = 'skipped';
        result.message = skip;
        return { cell, result };
      }
      const key = pathKey(probeForCell(cell, addresses));
      const probe = settled.probes.get(key);
      if (!probe) throw new Error(`internal error: no probe result for cell ${cell.cellId}`);
      const refusedMeansDeny = control.answered.has(key);
      const observation = observationOf(cell, probe, refusedMeansDeny, settled.settled);
      const met = expectationMet(cell, probe.result.outcome, refusedMeansDeny);
      return { cell, result: Object.assign(judgeCell(cell, modelResult, observation, met ? undefined : notSettled), cellNodes(cell, addresses)) };
    });
    const matrices = plan.matrices.map((m) => matrixResult(m, plan.step, cells));
    const outcome: StepOutcome = { plan, cells, matrices };
    steps.push(outcome);
    options.onStep?.(outcome);
  }
  return { steps, timings, unsupported };
}

/** Applies a step: label changes, then policy deletions, then policies (server-side apply). */
async function applyStepChanges(session: LiveSession, suite: Suite, plan: StepPlan, deployed: DeployedFixture): Promise<void> {
  const { kube } = session.options;
  const step = plan.step;
  for (const [name, labels] of plan.state.namespaceLabels) {
    if (!sameLabels(deployed.namespaceLabels.get(name), labels)) await relabelNamespace(kube, deployed, name, labels);
  }
  for (const workload of suite.fixture.workloads) {
    const labels = plan.state.workloadLabels.get(refKey(workload));
    if (labels && !sameLabels(deployed.workloadLabels.get(refKey(workload)), labels)) await relabelWorkload(kube, deployed, workload, labels);
  }
  for (const removed of step.delete) {
    await kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: removed.name, namespace: removed.namespace });
  }
  for (const loaded of step.apply) await kube.apply(policyManifest(loaded.policy, deployed.context));
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
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
    return `  ${f.probe.namespace}/${f.probe.pod} -> ${f.probe.kind === 'dns' ? `dns ${f.probe.target}` : `${f.probe.target}/${f.probe.kind.toUpperCase()}`}: ${f.outcome} (${f.detail}) [cells: ${cells.slice(0, 3).join(', ')}${cells.length > 3 ? ', …' : ''}]`;
  });
  if (failures.length > 10) lines.push(`  … and ${failures.length - 10} more`);
  return new ClusterError(
    `positive control failed for suite ${suite.name}: before any NetworkPolicy was applied, ${failures.length} of ${total} paths the suite probes did not answer, so no verdict could mean anything:\n${lines.join('\n')}`,
    {
      hint:
        'the cluster does not carry this traffic even without policies: check the CNI and kube-proxy (Service ClusterIPs), the probe pods\' servers ' +
        '(logs in the artifacts directory), the cluster DNS for lookups, and for external targets the route from the nodes to their Docker network',
    },
  );
}
