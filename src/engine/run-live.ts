/**
 * A live run on a cluster it is given (the owner, src/run, provisions and releases the cluster):
 *
 *   per run:    the enforcement canary (once: proves the CNI enforces, measures how long it takes)
 *   per suite:  fixture (namespaces, probe pods, Services, external targets) → Ready → positive control →
 *               each step: apply → settle (deadline from the canary) → judge → report → diagnostics on
 *               failure → delete
 *   always:     cleanup of everything the run created, also after an error or an interrupt
 *
 * Everything ends up in the returned RunResult: wrong verdicts are failed cells; an infrastructure failure is
 * an error of the suite it stopped (or of the run), the suites it kept from running a NOT_RUN error, and an
 * interrupt an INTERRUPTED error, after cleanup. Nothing is thrown for them.
 */
import { describeExistingPolicies, describePodNetwork, type DeployedSuiteFixture } from '../deploy/index.js';
import { runErrorOf, startRunResult, type RunCommand, type RunResult, type SuitePhases, type SuiteResult } from '../results/index.js';
import { EXTERNAL_PREFIX_LENGTH } from '../external/index.js';
import { networkOf, parseIp } from '../model/index.js';
import { runDisjoint } from '../util/index.js';
import { OrderedProgress, type ProgressSink } from './ordered-progress.js';
import type { Suite } from '../suite/index.js';
import { InterruptedError } from '../util/index.js';
import { TOOL } from '../version.js';
import type { LiveSession } from './live-session.js';
import { runSuiteSteps } from './run-suite-steps.js';

/**
 * Runs the suites, up to --parallel at once, never two that share a namespace (or an external /24); progress
 * and results in input order. A suite that ends with an error stops the starting of new ones (the run stops;
 * suites in flight finish).
 */
export async function runSuitesLive(session: LiveSession, suites: readonly Suite[]): Promise<RunResult> {
  return runInSession(session, 'run', suites.map((s) => s.name), async (emit) => {
    const parallel = await session.parallelism();
    const progress = new OrderedProgress(progressSink(session, emit), suites.length);
    try {
      await runDisjoint(
        longestFirst(suites.map((suite, index) => ({ suite, index, resources: suiteResources(suite) }))),
        parallel,
        async ({ suite, index }, _position, control) => {
          const unit = progress.unit(index);
          try {
            const result = await runOneSuite(session, suite, unit);
            unit.suiteEnd(result);
            if (result.errors.length > 0) control.stop();
          } finally {
            unit.end();
          }
        },
        session.options.signal,
      );
    } finally {
      progress.flushAll();
    }
  });
}

/**
 * Suites with more steps first (stable otherwise): the longest suite bounds the run, so it should not start
 * last. Progress is reported in input order whatever the order of running.
 */
export function longestFirst<T extends { suite: Suite }>(units: readonly T[]): T[] {
  return [...units].sort((a, b) => b.suite.steps.length - a.suite.steps.length);
}

/** What a suite holds while it runs: its namespaces' names and the /24 networks of its external targets. */
export function suiteResources(suite: Suite): string[] {
  return [
    ...suite.fixture.namespaces.map((n) => `namespace ${n.name}`),
    ...suite.fixture.externals.map((e) => `external network ${parseIp(e.ip)?.family === 4 ? networkOf(e.ip, EXTERNAL_PREFIX_LENGTH) : e.ip}`),
  ];
}

/** Suites' progress to the reporter, and each finished suite to `emit` (the run's result and onSuiteEnd). */
export function progressSink(session: LiveSession, emit: (suite: SuiteResult) => void): ProgressSink {
  const reporter = session.options.reporter;
  return {
    stepBegin: (suite, step) => reporter?.onStepBegin?.(suite, step),
    cell: (suite, cell) => reporter?.onCell?.(suite, cell),
    suiteEnd: emit,
  };
}

/**
 * The frame every live command shares: environment facts, the canary's namespace, errors and interrupts as
 * data, cleanup. `body` emits each finished suite (the reporter's onSuiteEnd is called for it) and returns
 * after the last one or after one that ended with an error.
 */
export async function runInSession(
  session: LiveSession,
  command: RunCommand,
  suiteNames: readonly string[],
  body: (emit: (suite: SuiteResult) => void) => Promise<void>,
): Promise<RunResult> {
  const { options } = session;
  const start = options.clock.now();
  const result = emptyRunResult(session, command);
  const emit = (suite: SuiteResult): void => {
    result.suites.push(suite);
    options.reporter?.onSuiteEnd?.(suite);
  };
  let failure: unknown;
  try {
    await describeEnvironment(session);
    await session.canary.apply();
    await body(emit);
  } catch (error) {
    failure = options.signal?.aborted ? new InterruptedError(String(options.signal.reason ?? 'an abort')) : error;
  }
  const cleanupErrors = await session.cleanupAll();
  if (failure !== undefined) result.errors.push(runErrorOf(failure));
  result.errors.push(...cleanupErrors);
  const notRun = notRunError(result, suiteNames, failure);
  if (notRun) result.errors.push(notRun);
  result.durationMs = Math.round(options.clock.now() - start);
  return result;
}

function emptyRunResult(session: LiveSession, command: RunCommand): RunResult {
  const { options } = session;
  const startedAt = new Date(options.now()).toISOString();
  return startRunResult({ tool: { ...TOOL }, command, runId: session.runId, startedAt, timings: session.timings, environment: options.environment });
}

/** The suites an error kept from running (none are named after an interrupt: the user stopped the run). */
function notRunError(result: RunResult, suiteNames: readonly string[], failure: unknown): RunResult['errors'][number] | undefined {
  const stopped = failure !== undefined || result.suites.some((s) => s.errors.length > 0);
  if (!stopped || failure instanceof InterruptedError) return undefined;
  const notRun = suiteNames.filter((name) => !result.suites.some((s) => s.name === name));
  if (notRun.length === 0) return undefined;
  return { code: 'NOT_RUN', message: `not run because of the error above: ${notRun.join(', ')}` };
}

async function describeEnvironment(session: LiveSession): Promise<void> {
  const { kube, environment } = session.options;
  const version = await kube.version();
  environment['kubernetes version'] = version.gitVersion;
  environment['kube context'] = kube.contextName;
  environment['api server'] = kube.server;
  environment['run id'] = session.runId;
  environment['probe image'] = session.options.probeImage;
  environment['connect timeout'] = `${session.options.connectTimeoutMs} ms`;
  environment['probe mode'] = session.options.probeMode === 'batched' ? 'one exec per source pod per round' : 'one exec per probe';
}

/**
 * One suite, from deploy to teardown. An infrastructure error is recorded in the SuiteResult's errors (the run
 * stops there). An interrupt is rethrown: the suite in progress is not reported.
 */
export async function runOneSuite(session: LiveSession, suite: Suite, progress: Omit<ProgressSink, 'suiteEnd'>): Promise<SuiteResult> {
  const { clock } = session.options;
  const started = clock.now();
  const phases: SuitePhases = { deployMs: 0, readyMs: 0, canaryMs: 0, controlMs: 0, settleMs: 0, probeMs: 0, teardownMs: 0, rounds: 0 };
  const result: SuiteResult = { name: suite.name, file: suite.displayFile, cells: [], matrices: [], errors: [], durationMs: 0, timings: [], phases };
  if (suite.fixturePosition) result.fixtureLine = suite.fixturePosition.line;
  const holder: { deployed?: DeployedSuiteFixture } = {};
  await recordingErrors(session, result, undefined, () => deployAndProbe(session, suite, result, holder, progress));
  if (suiteFailed(result)) await session.diagnose(suite.fixture.namespaces.map((n) => n.name));
  const { deployed } = holder;
  if (deployed) {
    const teardownMs = await recordingErrors(session, result, 'teardown', () => session.fixtures.teardown(deployed));
    phases.teardownMs = Math.round(teardownMs ?? 0);
  }
  result.durationMs = Math.round(clock.now() - started);
  return result;
}

/** Deploys the suite's fixture (into `holder`, for the teardown), proves enforcement (once per run), runs the steps. */
async function deployAndProbe(
  session: LiveSession,
  suite: Suite,
  result: SuiteResult,
  holder: { deployed?: DeployedSuiteFixture },
  progress: Omit<ProgressSink, 'suiteEnd'>,
): Promise<void> {
  const { environment, clock } = session.options;
  const phases = result.phases as SuitePhases;
  const policies = suite.steps.flatMap((step) => step.apply.map((loaded) => loaded.policy));
  const deployed = await session.fixtures.deploy(suite.fixture, suite.name, policies);
  holder.deployed = deployed;
  const existingPolicies = describeExistingPolicies(deployed.existingNamespaces ?? []);
  if (existingPolicies) environment[`existing policies (${suite.name})`] = existingPolicies;
  Object.assign(phases, { deployMs: deployed.deployMs, readyMs: deployed.readyMs });
  if (suite.fixture.podNetwork) environment[`pod network (${suite.name})`] = describePodNetwork(suite.fixture.podNetwork, deployed.podIps);
  const canaryStarted = clock.now();
  const canary = await session.measureEnforcement();
  phases.canaryMs = Math.round(clock.now() - canaryStarted);
  environment['enforcement (canary)'] = `blocked ${canary.enforceMs} ms after apply, restored ${canary.restoreMs} ms after delete`;
  const steps = await runSuiteSteps(session, suite, deployed, {
    onStepBegin: (plan) => progress.stepBegin(suite.name, { index: plan.step.index, name: plan.step.name }),
    onStep: (outcome) => {
      for (const { result: cell } of outcome.cells) {
        result.cells.push(cell);
        progress.cell(suite.name, cell);
      }
      result.matrices.push(...outcome.matrices);
    },
  });
  result.timings.push(...steps.timings);
  Object.assign(phases, steps.phases);
}

/** Whether a suite needs diagnostics: an error, or a cell that neither passed nor was skipped. */
export function suiteFailed(result: SuiteResult): boolean {
  return result.errors.length > 0 || result.cells.some((c) => c.status !== 'passed' && c.status !== 'skipped');
}

/**
 * Runs `action`; an error becomes an error of the suite (data), unless the run was interrupted: then it is
 * rethrown, for the frame to end the run.
 */
export async function recordingErrors<T>(session: LiveSession, result: SuiteResult, context: string | undefined, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (session.options.signal?.aborted) throw error;
    result.errors.push(runErrorOf(error, context, result.name));
    return undefined;
  }
}
