/**
 * One live run on one cluster: its settings, and the parts that carry state across suites. Each concern is a
 * unit of its own folder; the session only wires them:
 *   round      probes paths (probe)              canary     proves and measures enforcement (probe)
 *   settle     the settle deadline (probe)       fixtures   deploy and tear down suites' fixtures (deploy)
 *   inventory  what the run created (deploy)     timings    how long things took (for the report)
 */
import { setMaxListeners } from 'node:events';
import { diagnoseRun, FixtureDeployer, RunInventory, sizeParallelism } from '../deploy/index.js';
import { createLimiter, type Limiter } from '../util/index.js';
import { createProbeRound, EnforcementCanary, SettleWindow, type CanaryMeasurement, type ProbeRound } from '../probe/index.js';
import type { RunError, Timing } from '../results/index.js';
import type { ResolvedLiveOptions } from './live-run-options.js';

export class LiveSession {
  readonly timings: Timing[] = [];
  readonly round: ProbeRound;
  readonly inventory: RunInventory;
  readonly canary: EnforcementCanary;
  readonly settle: SettleWindow;
  readonly fixtures: FixtureDeployer;
  /** Every exec of the run takes a slot: --concurrency bounds them across suites running at once. */
  readonly execs: Limiter;
  private parallel: Promise<number> | undefined;
  private measuring: Promise<CanaryMeasurement> | undefined;

  constructor(readonly options: ResolvedLiveOptions) {
    const { kube, clock } = options;
    // every suite in flight, every exec and every wait listens to the one signal
    if (options.signal) setMaxListeners(0, options.signal);
    this.execs = createLimiter(options.concurrency);
    this.round = createProbeRound(kube, {
      concurrency: options.concurrency,
      limiter: this.execs,
      timeoutMs: options.connectTimeoutMs,
      mode: options.probeMode,
      signal: options.signal,
      clock,
      // external sources probe from their containers, started (with the run's Docker gateway) by the fixtures
      clientExec: (container, argv, timeoutMs) => {
        const docker = this.inventory.docker;
        if (!docker) return Promise.reject(new Error(`internal error: a probe from the client container ${container}, but no external was started`));
        return docker.exec(container, argv, timeoutMs);
      },
    });
    this.inventory = new RunInventory(kube, options.runId, clock);
    this.canary = new EnforcementCanary(kube, this.round, options, this.inventory);
    this.settle = new SettleWindow(options.settleTimeoutMs, () => this.canary.measured);
    this.fixtures = new FixtureDeployer(kube, options, this.inventory, (name, ms) => this.time(name, ms));
  }

  get runId(): string {
    return this.options.runId;
  }

  /** Suites to run at once: --parallel, or sized from the cluster (once per run; the basis goes into the environment). */
  parallelism(): Promise<number> {
    this.parallel ??= (async () => {
      const given = this.options.parallel;
      const sized = given === undefined ? await sizeParallelism(this.options.kube) : { parallel: given, basis: '--parallel' };
      this.options.environment['parallel suites'] = `${sized.parallel} (${sized.basis})`;
      return sized.parallel;
    })();
    return this.parallel;
  }

  /** Records how long something took, for the report. */
  time(name: string, ms: number): void {
    this.timings.push({ name, ms: Math.round(ms) });
  }

  /** Proves enforcement and measures it (once per run, shared by suites running at once), recording the times. */
  measureEnforcement(): Promise<CanaryMeasurement> {
    this.measuring ??= this.canary.measure().then((measured) => {
      this.time('canary: policy applied -> traffic blocked', measured.enforceMs);
      this.time('canary: policy deleted -> traffic restored', measured.restoreMs);
      return measured;
    });
    return this.measuring;
  }

  /** Diagnostics for these namespaces, the canary's and the CNI's (when an artifacts directory is set). */
  async diagnose(namespaces: readonly string[]): Promise<void> {
    await diagnoseRun(this.options.kube, this.options, this.inventory, [...namespaces, ...this.canary.appliedNamespaces()]);
  }

  /** Removes everything the run still has (unless kept); returns the errors met, as data. */
  async cleanupAll(): Promise<RunError[]> {
    if (this.options.keep) return [];
    const started = this.options.clock.now();
    const { errors, awaited } = await this.inventory.removeAll();
    if (awaited.namespaces > 0) this.time(`teardown: ${awaited.namespaces} namespaces gone, awaited at the end`, awaited.ms);
    this.time('cleanup', this.options.clock.now() - started);
    return errors;
  }
}
