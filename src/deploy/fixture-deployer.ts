/**
 * A suite's fixture in and out of the cluster, for one run: namespaces free (or an earlier suite's of this run
 * gone), namespaces, probe pods and Services applied, external targets started, everything Ready with its
 * addresses read back; and torn down again. Everything it creates is recorded in the run's inventory first.
 */
import type { DockerGateway, ExternalsOptions, StartedExternals } from '../external/index.js';
import { createTestcontainersDockerGateway, routeExternalsToCluster, startedBeforeFailure, startExternalTargets, type RoutedAddress } from '../external/index.js';
import type { KubeClient } from '../kube/index.js';
import { podKey, type NetworkPolicy } from '../model/index.js';
import { fixtureLabels, type SuiteFixture } from '../suite/index.js';
import type { Clock } from '../util/index.js';
import { applyFixture, ensureNamespacesFree, type DeployedFixture } from './deploy-fixture.js';
import { inspectExistingNamespaces } from './existing-namespaces.js';
import type { ManifestContext } from './fixture-manifests.js';
import { LIVE_DEFAULTS } from './live-defaults.js';
import type { ImagePullPolicy } from './probe-pod.js';
import { SERVER_PROTOCOL_OPTIONAL } from './readiness.js';
import { runLabels, runSelector } from './run-labels.js';
import type { RunInventory } from './run-inventory.js';
import { hostIpsOf, podIpsOf, waitForPodsReady, type PodObject } from './wait-pods-ready.js';

export interface DeploySettings {
  runId: string;
  probeImage: string;
  imagePullPolicy: ImagePullPolicy;
  concurrency: number;
  readyTimeoutMs: number;
  externals: ExternalsOptions;
  /** Leave fixtures in place (teardown does nothing). */
  keep: boolean;
  clock: Clock;
  signal: AbortSignal | undefined;
}

/**
 * A deployed fixture; `externalsSkipped` says why its external targets were not started; `deployMs` and
 * `readyMs` how long applying it and waiting for it to be Ready took.
 */
export type DeployedSuiteFixture = DeployedFixture & { externalsSkipped?: string; deployMs: number; readyMs: number };

export class FixtureDeployer {
  /** How many suites started external targets so far (their names carry the count: suites may run at once). */
  private externalGroups = 0;

  constructor(
    private readonly kube: KubeClient,
    private readonly settings: DeploySettings,
    private readonly inventory: RunInventory,
    /** Records how long something took, for the report. */
    private readonly time: (name: string, ms: number) => void,
  ) {}

  manifestContext(suiteName: string): ManifestContext {
    const { runId, probeImage, imagePullPolicy } = this.settings;
    return { runId, suiteName, image: probeImage, imagePullPolicy };
  }

  /** Deploys a fixture and waits for it; external targets are started unless disabled (then `externalsSkipped`). */
  async deploy(fixture: SuiteFixture, suiteName: string, policies: readonly NetworkPolicy[] = []): Promise<DeployedSuiteFixture> {
    const { clock } = this.settings;
    const names = fixture.namespaces.filter((n) => !n.existing).map((n) => n.name);
    await this.freeNamespaces(names);
    const existing = await inspectExistingNamespaces(this.kube, fixture, policies, this.settings.runId);
    const context = this.manifestContext(suiteName);
    const started = clock.now();
    this.inventory.addNamespaces(names);
    this.inventory.addExistingNamespaces(existing.map((n) => n.name));
    const { serviceIps, nodePorts } = await applyFixture(this.kube, fixture, context, this.settings.concurrency, this.settings.signal);
    const externals = await this.externalsFor(fixture);
    const applied = clock.now();
    const { podIps, podNodes, podHostIps } = await this.waitForPods(fixture);
    if (externals.started?.nodesOnNetworkOf) await this.routeExternals(externals.started, podIps, podNodes);
    this.time(`${suiteName}: fixture ready`, clock.now() - started);
    const deployed: DeployedSuiteFixture = {
      deployMs: Math.round(applied - started),
      readyMs: Math.round(clock.now() - applied),
      context,
      fixture,
      namespaces: names,
      podIps,
      addresses: { podIps, serviceIps, podNodes, ...(nodePorts.size > 0 ? { nodePorts, podHostIps } : {}) },
      ...fixtureLabels(fixture.namespaces, fixture.workloads),
    };
    if (existing.length > 0) deployed.existingNamespaces = existing;
    if (externals.started) {
      deployed.externals = externals.started;
      deployed.addresses.externalClients = new Map(Object.entries(externals.started.containerOf ?? {}));
    }
    if (externals.skipped) deployed.externalsSkipped = externals.skipped;
    return deployed;
  }

  /**
   * Tears a fixture down without waiting for its namespaces: their deletion is issued (the run waits for all of
   * them once, at the end: RunInventory.removeAll); a later suite that needs one of the names waits for it
   * (deploy). External targets are removed before this returns: their /24 must be free for the next suite that
   * uses it. Returns how long it took.
   */
  async teardown(deployed: DeployedFixture): Promise<number> {
    if (this.settings.keep) return 0;
    const started = this.settings.clock.now();
    await this.inventory.issueNamespaceDeletion(deployed.namespaces);
    if (deployed.existingNamespaces) await this.inventory.deleteRunObjects(deployed.existingNamespaces.map((n) => n.name));
    if (deployed.externals) await this.inventory.removeExternals(deployed.externals);
    const ms = this.settings.clock.now() - started;
    const all = [...deployed.namespaces, ...(deployed.existingNamespaces ?? []).map((n) => `${n.name} (existing: the run's objects)`)];
    this.time(`teardown ${all.join(', ')} (issued)`, ms);
    return ms;
  }

  /** An earlier suite of this run used the same names: wait until its namespaces are gone. */
  private async freeNamespaces(names: readonly string[]): Promise<void> {
    const leftovers = await ensureNamespacesFree(this.kube, names, this.settings.runId);
    if (leftovers.length > 0) await this.inventory.deleteNamespaces(leftovers);
  }

  private async externalsFor(fixture: SuiteFixture): Promise<{ started?: StartedExternals; skipped?: string }> {
    if (fixture.externals.length === 0) return {};
    if (!this.settings.externals.enabled) return { skipped: 'externals (targets and sources) are disabled for this run (--no-externals)' };
    return { started: await this.startExternals(fixture) };
  }

  private async startExternals(fixture: SuiteFixture): Promise<StartedExternals> {
    const docker: DockerGateway = (this.inventory.docker ??= this.settings.externals.docker ?? (await createTestcontainersDockerGateway()));
    try {
      this.externalGroups += 1;
      const started = await startExternalTargets(docker, fixture.externals, {
        runId: this.settings.runId,
        group: `s${this.externalGroups}`,
        image: this.settings.probeImage,
        labels: runLabels(this.settings.runId),
        attachContainers: this.settings.externals.attachContainers,
      });
      this.inventory.addExternals(started);
      return started;
    } catch (error) {
      const partial = startedBeforeFailure(error);
      if (partial) this.inventory.addExternals(partial);
      throw error;
    }
  }

  /**
   * On kind, the external containers reach the pods (and the nodes' own addresses, e.g. for NodePorts) through
   * the node containers that share their networks: one route each, set in the external's container.
   */
  private async routeExternals(started: StartedExternals, podIps: Map<string, string[]>, podNodes: Map<string, string>): Promise<void> {
    const addresses: RoutedAddress[] = [];
    for (const [key, ips] of podIps) {
      const node = podNodes.get(key);
      if (node !== undefined) for (const ip of ips) addresses.push({ ip, node });
    }
    for (const node of await this.kube.list('v1', 'Node')) {
      const status = (node as { status?: { addresses?: { type: string; address: string }[] } }).status;
      for (const address of status?.addresses ?? []) if (address.type === 'InternalIP') addresses.push({ ip: address.address, node: node.metadata.name });
    }
    const docker = this.inventory.docker as DockerGateway;
    await routeExternalsToCluster(docker, started, addresses, LIVE_DEFAULTS.routeTimeoutMs);
  }

  /**
   * Waits for every probe pod to be Ready; returns their IPs, nodes and their nodes' addresses
   * (`<namespace>/<workload>` → IPs, node, node IPs).
   */
  private async waitForPods(fixture: SuiteFixture): Promise<{ podIps: Map<string, string[]>; podNodes: Map<string, string>; podHostIps: Map<string, string[]> }> {
    const pods = fixture.workloads.map(podKey);
    const ready = await waitForPodsReady(this.kube, pods, runSelector(this.settings.runId), {
      timeoutMs: this.settings.readyTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: this.settings.clock,
      signal: this.settings.signal,
      optionalContainer: SERVER_PROTOCOL_OPTIONAL,
    });
    const podIps = new Map<string, string[]>();
    const podNodes = new Map<string, string>();
    const podHostIps = new Map<string, string[]>();
    for (const key of pods) {
      const pod = ready.pods.get(key) as PodObject;
      const ips = podIpsOf(pod);
      if (ips.length === 0) throw new Error(`internal error: pod ${key} is Ready without an IP`);
      podIps.set(key, ips);
      const node = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
      if (node) podNodes.set(key, node);
      const hostIps = hostIpsOf(pod);
      if (hostIps.length > 0) podHostIps.set(key, hostIps);
    }
    return { podIps, podNodes, podHostIps };
  }
}
