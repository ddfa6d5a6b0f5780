/**
 * `netpol-e2e run`: each suite deployed for real, probed, judged, and cleaned up.
 *
 *   per run:    the enforcement canary (once: proves the CNI enforces, measures how long it takes)
 *   per suite:  fixture (namespaces, probe pods, Services, external targets) → Ready → positive control →
 *               each step: apply → settle (deadline from the canary) → judge → report → diagnostics on
 *               failure → delete
 *   always:     cleanup of everything the run created, also after an error or an interrupt
 *
 * Wrong verdicts are failed cells. Infrastructure failures (cluster broken, CNI not enforcing, images missing)
 * stop the run and are thrown as NetpolErrors carrying the partial RunResult (partialResultOf), so the CLI can
 * still write every report; an aborted signal ends in InterruptedError after cleanup.
 */
import { describePodNetwork } from '../deploy/pod-network-check.js';
import type { Suite } from '../suite/types.js';
import { InterruptedError, describeError } from '../util/errors.js';
import { TOOL } from '../version.js';
import type { RunResult, SuiteResult } from '../results/results.js';
import { resolveLiveOptions, type LiveRunOptions } from './live-run-options.js';
import { LiveSession, runErrorOf } from './live-session.js';
import { attachPartialResult } from './live/partial-result.js';
import { runSuiteSteps } from './run-suite-steps.js';

export async function runLive(suites: readonly Suite[], options: LiveRunOptions): Promise<RunResult> {
  const session = new LiveSession(resolveLiveOptions(options));
  return runWithSession(session, 'run', suites.map((s) => s.name), async (result) => {
    for (const suite of suites) {
      const { result: suiteResult, fatal } = await runOneSuite(session, suite);
      result.suites.push(suiteResult);
      session.options.reporter?.onSuiteEnd?.(suiteResult);
      if (fatal !== undefined) throw new SuiteFailure(fatal.error);
    }
  });
}

/**
 * The frame every live command shares: environment facts, the canary's namespace, the top-level error and
 * interrupt handling, cleanup, and the partial result on errors. `body` fills `result.suites`.
 */
export async function runWithSession(
  session: LiveSession,
  command: 'run' | 'conformance',
  suiteNames: readonly string[],
  body: (result: RunResult) => Promise<void>,
): Promise<RunResult> {
  const { options } = session;
  const start = options.clock.now();
  const result: RunResult = {
    tool: { ...TOOL },
    command,
    runId: session.runId,
    startedAt: new Date(options.now()).toISOString(),
    durationMs: 0,
    suites: [],
    errors: [],
    timings: session.timings,
    environment: options.environment,
  };
  options.reporter?.onBegin?.({ command, runId: session.runId, suites: [...suiteNames] });
  let failure: unknown;
  try {
    await describeEnvironment(session);
    await session.applyCanary();
    await body(result);
  } catch (error) {
    failure = options.signal?.aborted ? new InterruptedError(String(options.signal.reason ?? 'an abort')) : error;
  }
  result.errors.push(...(await session.cleanupAll()));
  result.durationMs = Math.round(options.clock.now() - start);
  if (failure === undefined) return result;
  if (!(failure instanceof SuiteFailure)) result.errors.unshift(runErrorOf(failure));
  const notRun = suiteNames.filter((name) => !result.suites.some((s) => s.name === name));
  if (notRun.length > 0 && !(failure instanceof InterruptedError)) {
    result.errors.push({ code: 'NOT_RUN', message: `not run because of the error above: ${notRun.join(', ')}` });
  }
  const thrown = failure instanceof SuiteFailure ? failure.error : failure;
  if (typeof thrown === 'object' && thrown !== null) throw attachPartialResult(thrown, result);
  throw attachPartialResult(new Error(`live run failed: ${describeError(thrown)}`), result);
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

/** A suite that ended with an infrastructure error; its SuiteResult (with the error) is already in the run. */
export class SuiteFailure extends Error {
  constructor(readonly error: unknown) {
    super(describeError(error));
  }
}

/**
 * One suite, from deploy to teardown. An infrastructure error is recorded in the SuiteResult's errors and
 * returned as `fatal`: the run stops there.
 */
export async function runOneSuite(session: LiveSession, suite: Suite): Promise<{ result: SuiteResult; fatal?: { error: unknown } }> {
  const { clock, reporter } = session.options;
  const started = clock.now();
  const result: SuiteResult = { name: suite.name, file: suite.displayFile, cells: [], matrices: [], errors: [], durationMs: 0, timings: [] };
  let deployed: Awaited<ReturnType<LiveSession['deployFixture']>> | undefined;
  let fatal: { error: unknown } | undefined;
  try {
    deployed = await session.deployFixture(suite.fixture, suite.name);
    if (suite.fixture.podNetwork) {
      session.options.environment[`pod network (${suite.name})`] = describePodNetwork(suite.fixture.podNetwork, deployed.podIps);
    }
    const canary = await session.measureEnforcement();
    session.options.environment['enforcement (canary)'] = `blocked ${canary.enforceMs} ms after apply, restored ${canary.restoreMs} ms after delete`;
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
  } catch (error) {
    if (session.options.signal?.aborted) throw error;
    result.errors.push(runErrorOf(error, undefined, suite.name));
    fatal = { error };
  }
  const failed = result.errors.length > 0 || result.cells.some((c) => c.status !== 'passed' && c.status !== 'skipped');
  if (failed) {
    await session.diagnose(suite.fixture.namespaces.map((n) => n.name));
  }
  if (deployed) {
    try {
      await session.teardownFixture(deployed);
    } catch (error) {
      if (session.options.signal?.aborted) throw error;
      result.errors.push(runErrorOf(error, 'teardown', suite.name));
      fatal ??= { error };
    }
  }
  result.durationMs = Math.round(clock.now() - started);
  return fatal ? { result, fatal } : { result };
}
