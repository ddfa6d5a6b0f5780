/**
 * The enforcement canary of one run: its namespace and pods are applied early (they start while the first
 * fixture does), and enforcement is proved and measured once, before the first suite's steps.
 */
import { LIVE_DEFAULTS, podIpsOf, runSelector, waitForPodsReady, type ImagePullPolicy, type PodObject, type RunInventory } from '../deploy/index.js';
import type { KubeClient } from '../kube/index.js';
import type { Clock } from '../util/index.js';
import { canaryManifests, canaryNamespace, runEnforcementCanary, type CanaryMeasurement } from './enforcement-canary.js';
import type { ProbeRound } from './probe-round.js';

export interface CanarySettings {
  runId: string;
  probeImage: string;
  imagePullPolicy: ImagePullPolicy;
  readyTimeoutMs: number;
  /** The canary waits at most min(canaryTimeoutMs, this) for its deny to take effect. */
  settleTimeoutMs: number;
  clock: Clock;
  signal: AbortSignal | undefined;
}

export class EnforcementCanary {
  private measurement: CanaryMeasurement | undefined;
  private measuring: Promise<CanaryMeasurement> | undefined;
  private applied = false;

  constructor(
    private readonly kube: KubeClient,
    private readonly round: ProbeRound,
    private readonly settings: CanarySettings,
    private readonly inventory: RunInventory,
  ) {}

  get namespace(): string {
    return canaryNamespace(this.settings.runId);
  }

  /** The canary's namespace, once applied (for diagnostics). */
  appliedNamespaces(): string[] {
    return this.applied ? [this.namespace] : [];
  }

  /** The measurement, once made. */
  get measured(): CanaryMeasurement | undefined {
    return this.measurement;
  }

  /** Creates the canary namespace and pods without waiting for them. */
  async apply(): Promise<void> {
    if (this.applied) return;
    this.applied = true;
    const { runId, probeImage, imagePullPolicy } = this.settings;
    this.inventory.addNamespaces([this.namespace]);
    for (const manifest of canaryManifests({ runId, image: probeImage, imagePullPolicy })) await this.kube.apply(manifest);
  }

  /** Proves enforcement and measures it, once per run: suites running at the same time share the one measurement. */
  measure(): Promise<CanaryMeasurement> {
    this.measuring ??= this.run();
    return this.measuring;
  }

  private async run(): Promise<CanaryMeasurement> {
    await this.apply();
    const { clock, signal, runId } = this.settings;
    this.measurement = await runEnforcementCanary(this.kube, this.round, {
      runId,
      serverIp: await this.serverIp(),
      clock,
      signal,
      timeoutMs: Math.min(LIVE_DEFAULTS.canaryTimeoutMs, this.settings.settleTimeoutMs),
      probeTimeoutMs: LIVE_DEFAULTS.canaryProbeTimeoutMs,
      intervalMs: 100,
    });
    return this.measurement;
  }

  private async serverIp(): Promise<string> {
    const { namespace } = this;
    const ready = await waitForPodsReady(this.kube, [`${namespace}/server`, `${namespace}/client`], runSelector(this.settings.runId), {
      timeoutMs: this.settings.readyTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: this.settings.clock,
      signal: this.settings.signal,
    });
    const serverIp = podIpsOf(ready.pods.get(`${namespace}/server`) as PodObject)[0];
    if (!serverIp) throw new Error(`internal error: canary server pod ${namespace}/server is Ready without an IP`);
    return serverIp;
  }
}
