/**
 * Everything a live run has created and not yet removed: namespaces (with all they hold) and external-target
 * containers. Cleanup removes exactly these, also after an error or an interrupt. A namespace whose deletion a
 * suite's teardown issued is not waited for then: the run waits for all of them once, in removeAll.
 */
import type { DockerGateway, DockerObject, StartedExternals } from '../external/index.js';
import { removeExternals } from '../external/index.js';
import type { KubeClient } from '../kube/index.js';
import type { RunError } from '../results/index.js';
import { runErrorOf } from '../results/index.js';
import type { Clock } from '../util/index.js';
import { deleteNamespaces, deleteNamespacesAndWait, waitNamespacesGone } from './cleanup.js';
import { deleteRunObjectsIn } from './existing-namespaces.js';
import { LIVE_DEFAULTS } from './live-defaults.js';

export class RunInventory {
  private readonly namespaceSet = new Set<string>();
  /** Namespaces whose deletion was issued and not yet awaited. */
  private readonly deleting = new Set<string>();
  private readonly existingSet = new Set<string>();
  private readonly started: StartedExternals[] = [];
  /** The Docker gateway external targets were started with; set when the first one starts. */
  docker: DockerGateway | undefined;

  constructor(
    private readonly kube: KubeClient,
    private readonly runId: string,
    private readonly clock: Clock,
  ) {}

  addNamespaces(names: readonly string[]): void {
    for (const name of names) this.namespaceSet.add(name);
  }

  /** Existing namespaces the run puts objects into: only those objects are removed, never the namespace. */
  addExistingNamespaces(names: readonly string[]): void {
    for (const name of names) this.existingSet.add(name);
  }

  /** Deletes the run's own objects in these existing namespaces (waiting for its pods) and forgets them. */
  async deleteRunObjects(names: readonly string[]): Promise<void> {
    await deleteRunObjectsIn(this.kube, names, this.runId, {
      timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: this.clock,
    });
    for (const name of names) this.existingSet.delete(name);
  }

  addExternals(started: StartedExternals): void {
    this.started.push(started);
  }

  /** Namespaces still present (for messages and diagnostics). */
  namespaces(): string[] {
    return [...this.namespaceSet];
  }

  /** Issues the deletion of these namespaces without waiting; removeAll waits for them. */
  async issueNamespaceDeletion(names: readonly string[]): Promise<void> {
    const deleted = await deleteNamespaces(this.kube, names, this.runId);
    for (const name of names) this.namespaceSet.delete(name);
    for (const name of deleted) this.deleting.add(name);
  }

  externalContainers(): DockerObject[] {
    return this.started.flatMap((e) => e.containers);
  }

  /** Deletes these namespaces (waiting until gone) and forgets them. */
  async deleteNamespaces(names: readonly string[]): Promise<void> {
    await deleteNamespacesAndWait(this.kube, names, this.runId, {
      timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
      intervalMs: LIVE_DEFAULTS.pollIntervalMs,
      clock: this.clock,
    });
    for (const name of names) {
      this.namespaceSet.delete(name);
      this.deleting.delete(name);
    }
  }

  /** Removes these external targets and forgets them. */
  async removeExternals(started: StartedExternals): Promise<void> {
    if (this.docker) await removeExternals(this.docker, started);
    const index = this.started.indexOf(started);
    if (index >= 0) this.started.splice(index, 1);
  }

  /**
   * Removes everything still here, and waits (within a bound) for every namespace whose deletion was issued.
   * Never uses the run's AbortSignal: cleanup must complete after an interrupt. Returns the errors met, as data,
   * and how many namespaces it waited for, how long.
   */
  async removeAll(): Promise<{ errors: RunError[]; awaited: { namespaces: number; ms: number } }> {
    const errors: RunError[] = [];
    const awaited = { namespaces: 0, ms: 0 };
    try {
      await this.issueNamespaceDeletion(this.namespaces());
      const waiting = [...this.deleting];
      const { elapsedMs } = await waitNamespacesGone(this.kube, waiting, this.runId, {
        timeoutMs: LIVE_DEFAULTS.deleteTimeoutMs,
        intervalMs: LIVE_DEFAULTS.pollIntervalMs,
        clock: this.clock,
      });
      this.deleting.clear();
      Object.assign(awaited, { namespaces: waiting.length, ms: elapsedMs });
    } catch (error) {
      errors.push(runErrorOf(error, `cleanup of namespaces ${[...this.namespaces(), ...this.deleting].join(', ')}`));
    }
    const existing = [...this.existingSet];
    try {
      await this.deleteRunObjects(existing);
    } catch (error) {
      errors.push(runErrorOf(error, `cleanup of the run's objects in existing namespaces ${existing.join(', ')}`));
    }
    if (this.docker) {
      for (const started of [...this.started]) {
        try {
          await this.removeExternals(started);
        } catch (error) {
          errors.push(runErrorOf(error, `cleanup of external targets ${started.containers.map((c) => c.name).join(', ')}`));
        }
      }
    }
    return { errors, awaited };
  }
}
