/**
 * The run-wide state of a live run: the options, the probe round, the enforcement canary (measured once), the
 * Docker gateway for external targets, and everything created so far, so that cleanup (also after an abort)
 * removes exactly what this run made.
 */
import type { DockerGateway, DockerObject } from '../../external/docker-gateway.js';
import {
  removeExternals,
  startExternalTargets,
  startedBeforeFailure,
  type StartedExternals,
} from '../../external/external-targets.js';
import { createTestcontainersDockerGateway } from '../../external/testcontainers-docker-gateway.js';
import { SERVER_PROTOCOL_OPTIONAL } from './readiness.js';
import { describeError, NetpolError } from '../../util/errors.js';
import type { RunError, Timing } from '../results.js';
import { refKey } from '../plan.js';
import type { SuiteFixture } from '../../suite/types.js';
import { collectDiagnostics } from './collect-diagnostics.js';
import { deleteNamespacesAndWait } from './cleanup.js';
import { applyFixture, ensureNamespacesFree, type DeployedFixture } from './deploy-fixture.js';
import {
  canaryManifests,
  canaryNamespace,
  runEnforcementCanary,
  type CanaryMeasurement,
} from './enforcement-canary.js';
import type { ManifestContext } from './fixture-manifests.js';
import { LIVE_DEFAULTS } from './live-defaults.js';
import type { ResolvedLiveOptions } from './live-run-options.js';
import { createProbeRound, type ProbeRound } from './probe-round.js';
import { runLabels, runSelector } from './run-labels.js';
import { podIpsOf, waitForPodsReady, type PodObject } from './wait-pods-ready.js';

export class LiveSession {
  readonly options: ResolvedLiveOptions;
  readonly round: ProbeRound;
  readonly timings: Timing[] = [];
  /** Every namespace this run applied, for cleanup. */
  private readonly namespaces = new Set<string>();
  private readonly externals: StartedExternals[] = [];
  private docker: DockerGateway | undefined;
  private canary: CanaryMeasurement | undefined;
  private canaryApplied = false;
  /** The slowest settle time a step of this run has shown: enforcement slows as pods and policies grow. */
  private slowestSettleMs = 0;

  constructor(options: ResolvedLiveOptions) {
    this.options = options;
    this.round = createProbeRound(options.kube, {
      concurrency: options.concurrency,
      timeoutMs: options.connectTimeoutMs,
      mode: options.probeMode,
      signal: options.signal,
      clock: options.clock,
    });
  }

  get runId(): string {
    return this.options.runId;
  }

  get measurement(): CanaryMeasurement | undefined {
    return this.canary;
  }

  /** Records how long something took, for the report. */
  time(name: string, ms: number): void {
    this.timings.push({ name, ms: Math.round(ms) });
  }

  manifestContext(suiteName: string): ManifestContext {
    return { runId: this.runId, suiteName, image: this.options.probeImage, imagePullPolicy: this.options.imagePullPolicy };
  }

  /** Creates the canary namespace and pods (not waiting for them): they start while the first fixture does. */
  async applyCanary(): Promise<void> {
    if (this.canaryApplied) return;
    this.canaryApplied = true;
    const manifests = canaryManifests({ runId: this.runId, image: this.options.probeImage, imagePullPolicy: this.options.imagePullPolicy });
    this.namespaces.add(canaryNamespace(this.runId));
    for (const manifest of manifests) await this.options.kube.apply(manifest);
  }

  /** Proves enforcement and measures it, once per run. */
  async measureEnforcement(): Promise<CanaryMeasurement> {
    if (this.canary) return this.canary;
    await this.applyCanary();
    const namespace = canaryNamespace(this.runId);
    const ready = await waitForPodsReady(this.options.kube, [`${namespace}/server`, `${namespace}/client`], runSelector(this.runId), {
      timeoutMs: this.options.readyTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: this.options.clock,
      signal: this.options.signal,
    });
    const server = ready.pods.get(`${namespace}/server`) as PodObject;
    const serverIp = podIpsOf(server)[0];
    if (!serverIp) throw new Error(`internal error: canary server pod ${namespace}/server is Ready without an IP`);
    this.canary = await runEnforcementCanary(this.options.kube, this.round, {
      runId: this.runId,
      serverIp,
      clock: this.options.clock,
      signal: this.options.signal,
      timeoutMs: Math.min(LIVE_DEFAULTS.canaryTimeoutMs, this.options.settleTimeoutMs),
      probeTimeoutMs: LIVE_DEFAULTS.canaryProbeTimeoutMs,
      intervalMs: 100,
    });
    this.time('canary: policy applied -> traffic blocked', this.canary.enforceMs);
    this.time('canary: policy deleted -> traffic restored', this.canary.restoreMs);
    return this.canary;
  }

  /** Bound on the positive control's retries of paths that do not answer yet. */
  controlTimeoutMs(): number {
    return LIVE_DEFAULTS.positiveControlTimeoutMs;
  }

  /**
   * How long to wait after a change: results count only from rounds starting after the measured enforcement
   * time; the deadline is max(factor x the slowest enforcement seen, floor), capped by settleTimeoutMs. The
   * slowest enforcement is the canary's or, once steps have run, the slowest settle of a step: the canary
   * measures one policy on an idle cluster, later steps change more on a busier one.
   */
  settleWindow(): { minSettleMs: number; deadlineMs: number } {
    const canaryMs = this.canary ? Math.max(this.canary.enforceMs, this.canary.restoreMs) : LIVE_DEFAULTS.settleFloorMs;
    const slowestMs = Math.max(canaryMs, this.slowestSettleMs);
    const deadlineMs = Math.min(this.options.settleTimeoutMs, Math.max(LIVE_DEFAULTS.settleFactor * slowestMs, LIVE_DEFAULTS.settleFloorMs));
    return { minSettleMs: Math.min(canaryMs, deadlineMs), deadlineMs };
  }

  /** A step's results settled `ms` after its change: later deadlines allow for it. */
  recordSettle(ms: number): void {
    this.slowestSettleMs = Math.max(this.slowestSettleMs, ms);
  }

  /** Deploys a fixture and waits for it; external targets are started unless disabled (then `externalsSkipped`). */
  async deployFixture(fixture: SuiteFixture, suiteName: string): Promise<DeployedFixture & { externalsSkipped?: string }> {
    const { kube, clock } = this.options;
    const names = fixture.namespaces.map((n) => n.name);
    const leftovers = await ensureNamespacesFree(kube, names, this.runId);
    if (leftovers.length > 0) {
      // an earlier suite of this run used the same names: wait until its namespaces are gone
      await deleteNamespacesAndWait(kube, leftovers, this.runId, {
        timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
        intervalMs: LIVE_DEFAULTS.pollIntervalMs,
        clock,
      });
    }
    const context = this.manifestContext(suiteName);
    const started = clock.now();
    for (const name of names) this.namespaces.add(name);
    const serviceIps = await applyFixture(kube, fixture, context, this.options.concurrency, this.options.signal);
    let externals: StartedExternals | undefined;
    let externalsSkipped: string | undefined;
    if (fixture.externals.length > 0) {
      if (!this.options.externals.enabled) {
        externalsSkipped = 'external targets are disabled for this run (--no-externals)';
      } else {
        externals = await this.startExternals(fixture);
      }
    }
    const pods = fixture.workloads.map(refKey);
    const ready = await waitForPodsReady(kube, pods, runSelector(this.runId), {
      timeoutMs: this.options.readyTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock,
      signal: this.options.signal,
      optionalContainer: SERVER_PROTOCOL_OPTIONAL,
    });
    this.time(`${suiteName}: fixture ready`, clock.now() - started);
    const podIps = new Map<string, string[]>();
    const podNodes = new Map<string, string>();
    for (const key of pods) {
      const pod = ready.pods.get(key) as PodObject;
      const ips = podIpsOf(pod);
      if (ips.length === 0) throw new Error(`internal error: pod ${key} is Ready without an IP`);
      podIps.set(key, ips);
      const node = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
      if (node) podNodes.set(key, node);
    }
    const deployed: DeployedFixture & { externalsSkipped?: string } = {
      context,
      fixture,
      namespaces: names,
      podIps,
      addresses: { podIps, serviceIps, podNodes },
      namespaceLabels: new Map(fixture.namespaces.map((n) => [n.name, { ...n.labels }])),
      workloadLabels: new Map(fixture.workloads.map((w) => [refKey(w), { ...w.labels }])),
    };
    if (externals) deployed.externals = externals;
    if (externalsSkipped) deployed.externalsSkipped = externalsSkipped;
    return deployed;
  }

  private async startExternals(fixture: SuiteFixture): Promise<StartedExternals> {
    this.docker ??= this.options.externals.docker ?? (await createTestcontainersDockerGateway());
    try {
      const started = await startExternalTargets(this.docker, fixture.externals, {
        runId: this.runId,
        image: this.options.probeImage,
        labels: runLabels(this.runId),
        attachContainers: this.options.externals.attachContainers,
      });
      this.externals.push(started);
      return started;
    } catch (error) {
      const partial = startedBeforeFailure(error);
      if (partial) this.externals.push(partial);
      throw error;
    }
  }

  /** Deletes a fixture's namespaces (waiting until gone) and its external targets. */
  async teardownFixture(deployed: DeployedFixture): Promise<void> {
    if (this.options.keep) return;
    const started = this.options.clock.now();
    await deleteNamespacesAndWait(this.options.kube, deployed.namespaces, this.runId, {
      timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: this.options.clock,
    });
    for (const name of deployed.namespaces) this.namespaces.delete(name);
    if (deployed.externals && this.docker) {
      await removeExternals(this.docker, deployed.externals);
      const index = this.externals.indexOf(deployed.externals);
      if (index >= 0) this.externals.splice(index, 1);
    }
    this.time(`teardown ${deployed.namespaces.join(', ')}`, this.options.clock.now() - started);
  }

  /**
   * Writes diagnostics for the given namespaces (and the canary's, the CNI's) when an artifacts dir is set.
   * Where they went, and anything that could not be collected, is noted in the run's environment facts: a
   * diagnostics problem never changes the verdict of a run.
   */
  async diagnose(namespaces: readonly string[]): Promise<void> {
    const dir = this.options.artifactsDir;
    if (!dir) return;
    try {
      const { dir: written, problems } = await collectDiagnostics({
        kube: this.options.kube,
        artifactsDir: dir,
        runId: this.runId,
        namespaces: [...namespaces, ...(this.canaryApplied ? [canaryNamespace(this.runId)] : [])],
        labelSelector: runSelector(this.runId),
        enforcerLog: this.options.enforcerLog,
        docker: this.docker,
        externalContainers: this.externals.flatMap((e) => e.containers),
      });
      this.options.environment.diagnostics = written;
      if (problems.length > 0) this.options.environment['diagnostics problems'] = `${problems.length} items not collected, see ${written}/problems.txt`;
    } catch (error) {
      this.options.environment['diagnostics problems'] = `could not write diagnostics to ${dir}: ${describeError(error)}`;
    }
  }

  /**
   * Removes everything this run still has: namespaces (waiting until gone, within a bound) and external
   * targets. Never uses the run's AbortSignal: cleanup must complete after an interrupt. Returns the errors met.
   */
  async cleanupAll(): Promise<RunError[]> {
    if (this.options.keep) return [];
    const errors: RunError[] = [];
    const started = this.options.clock.now();
    try {
      await deleteNamespacesAndWait(this.options.kube, [...this.namespaces], this.runId, {
        timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
        intervalMs: LIVE_DEFAULTS.pollIntervalMs,
        clock: this.options.clock,
      });
      this.namespaces.clear();
    } catch (error) {
      errors.push(runErrorOf(error, `cleanup of namespaces ${[...this.namespaces].join(', ')}`));
    }
    if (this.docker) {
      for (const started of [...this.externals]) {
        try {
          await removeExternals(this.docker, started);
          this.externals.splice(this.externals.indexOf(started), 1);
        } catch (error) {
          errors.push(runErrorOf(error, `cleanup of external targets ${started.containers.map((c: DockerObject) => c.name).join(', ')}`));
        }
      }
    }
    this.time('cleanup', this.options.clock.now() - started);
    return errors;
  }

  /** Namespaces still present (for messages). */
  createdNamespaces(): string[] {
    return [...this.namespaces];
  }
}

export function runErrorOf(error: unknown, context?: string, suite?: string): RunError {
  const prefix = context ? `${context}: ` : '';
  const result: RunError =
    error instanceof NetpolError
      ? { code: error.code, message: `${prefix}${error.message}` }
      : { code: 'INTERNAL', message: `${prefix}${describeError(error)}` };
  if (error instanceof NetpolError && error.hint) result.hint = error.hint;
  if (suite) result.suite = suite;
  return result;
}
