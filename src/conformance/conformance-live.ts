/**
 * `netpol-e2e conformance <dir> --live`: the corpus' matrix cases judged by real traffic. Cases that share
 * pods and served ports share one deployed fixture (namespaces x, y, z as `x-<run id>`…, pods a, b, c with one
 * server container per served port and protocol, a Service per pod); between cases every policy is deleted
 * and the next case's positive control proves traffic flows again before its first step. Probes go from each
 * pod to the destination's Service ClusterIP, as upstream's do. Self-connections are not probed.
 *
 * Results have the shape of the static conformance run: one testcase per case step and probe (expected
 * `table`), with the expected and observed truth tables, in the corpus' own pod names. SCTP (or UDP) cases
 * are skipped with the evidence when the positive control shows the cluster does not carry the protocol.
 * Traffic-check cases (ad-hoc peers with fixed IPs) are judged by the model only and are skipped here.
 */
import type { Corpus, MatrixCase, TrafficCheckCase } from './corpus-types.js';
import type { KubeObject } from '../kube/index.js';
import { selectCases } from './run-conformance.js';
import type { CellResult, CellStatus, MatrixResult, RunResult, SuitePhases, SuiteResult } from '../results/index.js';
import { probeAssertionId, tableTestcase } from './table-testcase.js';
import { corpusCaseSuite, corpusFixture, liveNamespace, livePodKey, serviceNameOf, UnreproducibleCaseError, type CaseNaming } from './corpus-suite.js';
import type { DeployedSuiteFixture } from '../deploy/index.js';
import {
  OrderedProgress,
  progressSink,
  recordingErrors,
  runInSession,
  runSuiteSteps,
  suiteFailed,
  type LiveSession,
  type ProgressSink,
  type StepOutcome,
  type UnitProgress,
} from '../engine/index.js';
import { runDisjoint, type DisjointControl } from '../util/index.js';
import type { Suite } from '../suite/index.js';

/**
 * Runs the selected cases on the session's cluster, in lanes (copies of a group's fixture, each with its own
 * namespace names, taking cases from the group's queue), up to --parallel lanes at once; results and progress in
 * corpus order. A case that ends with an infrastructure error stops the run (its error is in its SuiteResult;
 * the cases not run are a NOT_RUN error of the run); lanes in flight finish their case.
 */
export async function runCorpusLive(session: LiveSession, corpus: Corpus, caseNames?: readonly string[]): Promise<RunResult> {
  const selected = selectCases(corpus, caseNames);
  session.options.environment.corpus = corpus.dir;
  session.options.environment['corpus model'] = corpus.model.name;
  return runInSession(session, 'conformance', selected.map((c) => c.name), async (emit) => {
    const progress = new OrderedProgress(progressSink(session, emit), selected.length);
    const indexOf = new Map(selected.map((c, i) => [c, i]));
    try {
      for (const [index, testCase] of selected.entries()) {
        if (testCase.kind !== 'traffic-checks') continue;
        const unit = progress.unit(index);
        unit.suiteEnd(skippedTrafficCheckCase(testCase));
        unit.end();
      }
      const parallel = await session.parallelism();
      const lanes = planLanes(groupBySharedFixture(selected.filter((c): c is MatrixCase => c.kind === 'matrix')), parallel, session.runId);
      await runDisjoint(lanes, parallel, (lane, _position, control) => runLane(session, corpus, lane, control, (testCase) => progress.unit(indexOf.get(testCase) as number)), session.options.signal);
    } finally {
      progress.flushAll();
    }
  });
}

/** A copy of a fixture and the cases it runs: lanes of one group take cases from one shared queue. */
interface Lane {
  naming: CaseNaming;
  queue: { cases: readonly MatrixCase[]; next: number };
  resources: string[];
}

/**
 * Lanes for the groups of cases: one per group, more for a group with many cases, so that no lane has far more
 * than its share (cases ÷ parallel) to do. Each lane has its own namespace names; the biggest lanes come first.
 */
function planLanes(groups: readonly MatrixCase[][], parallel: number, runId: string): Lane[] {
  const total = groups.reduce((n, g) => n + g.length, 0);
  const share = Math.max(2, Math.ceil(total / parallel));
  const lanes: (Lane & { size: number })[] = [];
  for (const group of groups) {
    const queue = { cases: group, next: 0 };
    const count = parallel > 1 ? Math.ceil(group.length / share) : 1;
    const namespaces = [...new Set((group[0] as MatrixCase).pods.map((key) => key.split('/')[0] as string))];
    for (let i = 0; i < count; i += 1) {
      const naming: CaseNaming = { runId, lane: lanes.length };
      lanes.push({ naming, queue, resources: namespaces.map((n) => `namespace ${liveNamespace(n, naming)}`), size: group.length / count });
    }
  }
  return lanes.sort((a, b) => b.size - a.size);
}

/**
 * One lane: deploys its copy of the fixture, runs cases from the queue on it (every policy deleted between
 * cases) until the queue is empty or the run stops, and tears the copy down. The lane's deploy, ready and canary
 * times go into its first case's time split, the teardown into its last.
 */
async function runLane(
  session: LiveSession,
  corpus: Corpus,
  lane: Lane,
  control: DisjointControl,
  unitOf: (testCase: MatrixCase) => UnitProgress,
): Promise<void> {
  const take = (): MatrixCase | undefined => (control.stopped ? undefined : lane.queue.cases[lane.queue.next++]);
  let testCase = take();
  if (testCase === undefined) return;
  const first = testCase;
  let deployed: DeployedSuiteFixture | undefined;
  let last: SuiteResult | undefined;
  try {
    const name = `conformance ${first.served.ports.join(',')}/${first.served.protocols.join(',')}${lane.naming.lane ? ` (copy ${lane.naming.lane + 1})` : ''}`;
    deployed = await session.fixtures.deploy(corpusFixture(corpus.model, first, lane.naming), name);
    const canaryStarted = session.options.clock.now();
    await session.measureEnforcement();
    const canaryMs = Math.round(session.options.clock.now() - canaryStarted);
    for (; testCase !== undefined; testCase = take()) {
      const unit = unitOf(testCase);
      try {
        if (last !== undefined) await deleteAllPolicies(session, deployed);
        const suite = await runCase(session, corpus, testCase, deployed, lane.naming, unit);
        if (last === undefined && suite.phases) Object.assign(suite.phases, { deployMs: deployed.deployMs, readyMs: deployed.readyMs, canaryMs });
        last = suite;
        unit.suiteEnd(suite);
        if (suite.errors.length > 0) control.stop();
      } finally {
        unit.end();
      }
    }
  } finally {
    // cases this lane took but could not run (it failed before them) are reported as not run
    if (testCase !== undefined) unitOf(testCase).end();
    if (deployed && !session.options.signal?.aborted) {
      const teardownMs = await session.fixtures.teardown(deployed);
      if (last?.phases) last.phases.teardownMs = Math.round(teardownMs);
    }
  }
}

async function runCase(
  session: LiveSession,
  corpus: Corpus,
  testCase: MatrixCase,
  deployed: DeployedSuiteFixture,
  naming: CaseNaming,
  progress: Omit<ProgressSink, 'suiteEnd'>,
): Promise<SuiteResult> {
  const { clock } = session.options;
  const started = clock.now();
  const phases: SuitePhases = { deployMs: 0, readyMs: 0, canaryMs: 0, controlMs: 0, settleMs: 0, probeMs: 0, teardownMs: 0, rounds: 0 };
  const result: SuiteResult = {
    name: testCase.name,
    file: testCase.file,
    fixtureLine: testCase.position.line,
    cells: [],
    matrices: [],
    errors: [],
    durationMs: 0,
    timings: [],
    phases,
  };
  let suite;
  try {
    suite = corpusCaseSuite(testCase, corpus.model, naming, deployed.podIps);
  } catch (error) {
    if (!(error instanceof UnreproducibleCaseError)) throw error;
    for (const step of testCase.steps) {
      for (const probe of step.probes) result.cells.push(skippedTable(testCase, step.step, probe, `cannot be reproduced with this cluster's pod IPs: ${error.message}`));
    }
    result.durationMs = Math.round(clock.now() - started);
    return result;
  }
  await recordingErrors(session, result, undefined, () => runCaseSteps(session, testCase, suite, deployed, naming, result, progress));
  if (suiteFailed(result)) await session.diagnose(deployed.namespaces);
  result.durationMs = Math.round(clock.now() - started);
  return result;
}

/** The case's steps on the deployed fixture, each probe's cells folded into one table testcase. */
async function runCaseSteps(
  session: LiveSession,
  testCase: MatrixCase,
  suite: Suite,
  deployed: DeployedSuiteFixture,
  naming: CaseNaming,
  result: SuiteResult,
  progress: Omit<ProgressSink, 'suiteEnd'>,
): Promise<void> {
  const workloadServices = new Map<string, string>();
  for (const key of testCase.pods) {
    const live = livePodKey(key, naming);
    workloadServices.set(live, `${live.split('/')[0]}/${serviceNameOf(key)}`);
  }
  const toCorpus = corpusNames(testCase, naming);
  const steps = await runSuiteSteps(session, suite, deployed, {
    workloadServices,
    skipUnsupportedProtocols: true,
    onStepBegin: (plan) => progress.stepBegin(testCase.name, { index: plan.step.index, name: plan.step.name }),
    onStep: (outcome) => {
      for (const { cell, matrix } of tableCells(testCase, outcome, toCorpus)) {
        result.cells.push(cell);
        result.matrices.push(matrix);
        progress.cell(testCase.name, cell);
      }
    },
  });
  result.timings.push(...steps.timings);
  Object.assign(result.phases as SuitePhases, steps.phases);
}

/** One testcase per probe of the step: the cells of its matrix folded into a table verdict. */
function tableCells(testCase: MatrixCase, outcome: StepOutcome, toCorpus: (live: string) => string): { cell: CellResult; matrix: MatrixResult }[] {
  const step = testCase.steps.find((s) => s.step === outcome.plan.step.index);
  if (!step) throw new Error(`internal error: case ${testCase.name} has no step ${outcome.plan.step.index}`);
  return step.probes.map((probe) => {
    const assertionId = probeAssertionId(probe);
    const cells = outcome.cells.filter((c) => c.cell.assertionId === assertionId).map((c) => c.result);
    const liveMatrix = outcome.matrices.find((m) => m.assertionId === assertionId);
    if (!liveMatrix) throw new Error(`internal error: no matrix for ${assertionId} in step ${step.step} of ${testCase.name}`);
    const matrix: MatrixResult = { ...liveMatrix, rows: liveMatrix.rows.map(toCorpus), columns: liveMatrix.columns.map(toCorpus) };
    const scored = cells.filter((c) => c.status !== 'skipped');
    const status = foldStatus(cells);
    const message = tableMessage(cells, scored.length, toCorpus);
    // A table that was not judged (every cell skipped) has no count in its name.
    const count = status === 'skipped' ? {} : { scoredCells: scored.length };
    const cell = tableTestcase(testCase, step.step, probe, { status, ...count, ...(message ? { message } : {}) });
    return { cell, matrix };
  });
}

function foldStatus(cells: readonly CellResult[]): CellStatus {
  if (cells.length > 0 && cells.every((c) => c.status === 'skipped')) return 'skipped';
  for (const status of ['error', 'failed', 'flaky'] as const) if (cells.some((c) => c.status === status)) return status;
  return 'passed';
}

function tableMessage(cells: readonly CellResult[], scored: number, toCorpus: (live: string) => string): string | undefined {
  const skipped = cells.filter((c) => c.status === 'skipped');
  if (skipped.length === cells.length && skipped[0]?.message) return `skipped: ${toCorpus(skipped[0].message)}`;
  const bad = cells.filter((c) => c.status !== 'passed' && c.status !== 'skipped');
  const disagreements = cells.filter((c) => c.message && c.status === 'passed');
  if (bad.length === 0 && disagreements.length === 0) return undefined;
  const line = (c: CellResult): string =>
    toCorpus(`${c.source} -> ${c.target}: ${c.status}: ${c.message ?? ''}${c.observed ? ` [${c.observed.detail}]` : ''}`);
  const lines: string[] = [];
  if (bad.length > 0) lines.push(`${bad.length} of ${scored} cells did not hold (self-connections and ? cells not probed):`, ...bad.map(line));
  if (disagreements.length > 0) lines.push(`${disagreements.length} cells held but the spec disagrees with the CNI:`, ...disagreements.map(line));
  return lines.join('\n');
}

/** Maps live names back to the corpus' (`x-<run>/a` → `x/a`) in texts. */
function corpusNames(testCase: MatrixCase, naming: CaseNaming): (text: string) => string {
  const pairs = testCase.pods.map((key) => [livePodKey(key, naming), key] as const);
  return (text) => pairs.reduce((acc, [live, corpus]) => acc.split(live).join(corpus), text);
}

function skippedTable(testCase: MatrixCase, step: number, probe: MatrixCase['steps'][number]['probes'][number], reason: string): CellResult {
  return tableTestcase(testCase, step, probe, { status: 'skipped', message: reason });
}

function skippedTrafficCheckCase(testCase: TrafficCheckCase): SuiteResult {
  const cells = testCase.checks.map((check): CellResult => ({
    assertionId: `check${check.index + 1}`,
    cellId: `check${check.index + 1}`,
    name: `${check.it}`,
    kind: 'connect',
    step: { index: 0, name: 'checks' },
    position: check.position,
    source: check.source.kind === 'pod' ? `pod in ${check.source.namespace} (${check.source.ip})` : `external ${check.source.ip}`,
    sourceNamespace: check.source.kind === 'pod' ? check.source.namespace : 'external',
    target: check.destination.kind === 'pod' ? `pod in ${check.destination.namespace} (${check.destination.ip})` : `external ${check.destination.ip}`,
    port: check.port ?? check.portName ?? 0,
    protocol: check.protocol,
    expected: check.expected === 'allowed' ? 'allow' : 'deny',
    status: 'skipped',
    message: 'traffic-check cases (single connections between ad-hoc peers with fixed IPs) are judged by the model only (netpol-e2e conformance without --live)',
  }));
  return { name: testCase.name, file: testCase.file, fixtureLine: testCase.position.line, cells, matrices: [], errors: [], durationMs: 0, timings: [] };
}

/** Cases in corpus order, grouped by the fixture they need (pods and served ports/protocols). */
function groupBySharedFixture(cases: readonly MatrixCase[]): MatrixCase[][] {
  const groups = new Map<string, MatrixCase[]>();
  for (const testCase of cases) {
    const key = JSON.stringify([testCase.pods, testCase.served.ports, testCase.served.protocols]);
    groups.set(key, [...(groups.get(key) ?? []), testCase]);
  }
  return [...groups.values()];
}

async function deleteAllPolicies(session: LiveSession, deployed: DeployedSuiteFixture): Promise<void> {
  const { kube } = session.options;
  for (const namespace of deployed.namespaces) {
    for (const policy of await kube.list<KubeObject>('networking.k8s.io/v1', 'NetworkPolicy', { namespace })) {
      await kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: policy.metadata.name, namespace });
    }
  }
}

