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
import { runErrorOf, startRunResult, type RunCommand, type RunResult, type SuiteResult } from '../results/index.js';
import type { Suite } from '../suite/index.js';
import { InterruptedError } from '../util/index.js';
import { TOOL } from '../version.js';
import type { LiveSession } from './live-session.js';
import { runSuiteSteps } from './run-suite-steps.js';

/** Runs the suites in order; the first suite that ends with an error stops the run. */
export async function runSuitesLive(session: LiveSession, suites: readonly Suite[]): Promise<RunResult> {
  return runInSession(session, 'run', suites.map((s) => s.name), async (emit) => {
    for (const suite of suites) {
      const result = await runOneSuite(session, suite);
      emit(result);
      if (result.errors.length > 0) return;
    }
  });
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
export async function runOneSuite(session: LiveSession, suite: Suite): Promise<SuiteResult> {
  const { clock } = session.options;
  const started = clock.now();
  const result: SuiteResult = { name: suite.name, file: suite.displayFile, cells: [], matrices: [], errors: [], durationMs: 0, timings: [] };
  const holder: { deployed?: DeployedSuiteFixture } = {};
  await recordingErrors(session, result, undefined, () => deployAndProbe(session, suite, result, holder));
  if (suiteFailed(result)) await session.diagnose(suite.fixture.namespaces.map((n) => n.name));
  const { deployed } = holder;
  if (deployed) await recordingErrors(session, result, 'teardown', () => session.fixtures.teardown(deployed));
  result.durationMs = Math.round(clock.now() - started);
  return result;
}

/** Deploys the suite's fixture (into `holder`, for the teardown), proves enforcement (once per run), runs the steps. */
async function deployAndProbe(session: LiveSession, suite: Suite, result: SuiteResult, holder: { deployed?: DeployedSuiteFixture }): Promise<void> {
  const { reporter, environment } = session.options;
  const policies = suite.steps.flatMap((step) => step.apply.map((loaded) => loaded.policy));
  const deployed = await session.fixtures.deploy(suite.fixture, suite.name, policies);
  holder.deployed = deployed;
  const existingPolicies = describeExistingPolicies(deployed.existingNamespaces ?? []);
  if (existingPolicies) environment[`existing policies (${suite.name})`] = existingPolicies;
  if (suite.fixture.podNetwork) environment[`pod network (${suite.name})`] = describePodNetwork(suite.fixture.podNetwork, deployed.podIps);
  const canary = await session.measureEnforcement();
  environment['enforcement (canary)'] = `blocked ${canary.enforceMs} ms after apply, restored ${canary.restoreMs} ms after delete`;
  const steps = await runSuiteSteps(session, suite, deployed, {
    onStepBegin: (plan) => reporter?.onStepBegin?.(suite.name, { index: plan.step.index, name: plan.step.name }),
    onStep: (outcome) => {
      for (const { result: cell } of outcome.cells) {
        result.cells.push(cell);
        reporter?.onCell?.(suite.name, cell);
      }
      result.matrices.push(...outcome.matrices);
    },
  });
  result.timings.push(...steps.timings);
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
