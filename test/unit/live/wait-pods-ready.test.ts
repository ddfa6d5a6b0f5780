import { expect } from 'chai';
import { waitForPodsReady, type PodObject } from '../../../src/deploy/wait-pods-ready.js';
import type { KubeClient, KubeObject, ListOptions, WatchEventType, WatchHandle } from '../../../src/kube/types.js';
import { ClusterError, TimeoutError } from '../../../src/util/errors.js';
import { systemClock } from '../../../src/util/poll.js';

function pod(namespace: string, name: string, ready: boolean, waitingReason?: string): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'probe', image: 'img' }] },
    status: {
      phase: waitingReason ? 'Pending' : 'Running',
      podIP: '10.0.0.1',
      containerStatuses: [{ name: 'probe', ready, ...(waitingReason ? { state: { waiting: { reason: waitingReason } } } : {}) }],
    },
  };
}

/** Pods in memory; `watch` sends the current state, then every `set`. Counts lists and watches. */
class WatchablePods {
  readonly pods = new Map<string, PodObject>();
  lists = 0;
  watches = 0;
  private readonly listeners = new Set<{ namespace: string; onEvent: (type: WatchEventType, object: PodObject) => void; onClose: (error?: unknown) => void }>();

  constructor(private readonly canWatch: boolean) {}

  set(p: PodObject): void {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    const type = this.pods.has(key) ? 'MODIFIED' : 'ADDED';
    this.pods.set(key, p);
    for (const l of this.listeners) if (l.namespace === p.metadata.namespace) l.onEvent(type, p);
  }

  /** Ends every watch as a server would. */
  closeWatches(): void {
    for (const l of [...this.listeners]) {
      this.listeners.delete(l);
      l.onClose();
    }
  }

  client(): KubeClient {
    const client: Partial<KubeClient> = {
      list: async <T extends KubeObject>(_v: string, _k: string, options?: ListOptions) => {
        this.lists += 1;
        return [...this.pods.values()].filter((p) => p.metadata.namespace === options?.namespace) as unknown as T[];
      },
    };
    if (this.canWatch) {
      client.watch = async <T extends KubeObject>(_v: string, _k: string, options: ListOptions, onEvent: (type: WatchEventType, object: T) => void, onClose: (error?: unknown) => void): Promise<WatchHandle> => {
        this.watches += 1;
        const listener = { namespace: options.namespace as string, onEvent: onEvent as unknown as (type: WatchEventType, object: PodObject) => void, onClose };
        this.listeners.add(listener);
        for (const p of this.pods.values()) if (p.metadata.namespace === listener.namespace) setImmediate(() => listener.onEvent('ADDED', p));
        return { stop: () => this.listeners.delete(listener) };
      };
    }
    return client as KubeClient;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('waitForPodsReady', () => {
  it('with a watch, returns as soon as the last pod turns Ready, long before the next look', async () => {
    const cluster = new WatchablePods(true);
    cluster.set(pod('a', 'p1', true));
    cluster.set(pod('b', 'p2', false));
    setTimeout(() => cluster.set(pod('b', 'p2', true)), 60);
    const started = performance.now();
    const ready = await waitForPodsReady(cluster.client(), ['a/p1', 'b/p2'], 'x=y', { timeoutMs: 10_000, intervalMs: 2_000, clock: systemClock() });
    expect(performance.now() - started).to.be.below(1_000);
    expect([...ready.pods.keys()]).to.deep.equal(['a/p1', 'b/p2']);
    expect(cluster.watches).to.equal(2);
  });

  it('opens a watch again when the server ends it, and still sees the pod turn Ready', async () => {
    const cluster = new WatchablePods(true);
    cluster.set(pod('a', 'p1', false));
    setTimeout(() => cluster.closeWatches(), 30);
    setTimeout(() => cluster.set(pod('a', 'p1', true)), 120);
    const started = performance.now();
    await waitForPodsReady(cluster.client(), ['a/p1'], 'x=y', { timeoutMs: 10_000, intervalMs: 2_000, clock: systemClock() });
    expect(performance.now() - started).to.be.below(1_000);
    expect(cluster.watches).to.equal(2);
  });

  it('with a watch, an image that cannot be pulled ends the wait at once with a ClusterError', async () => {
    const cluster = new WatchablePods(true);
    cluster.set(pod('a', 'p1', false));
    setTimeout(() => cluster.set(pod('a', 'p1', false, 'ErrImageNeverPull')), 30);
    let error: unknown;
    try {
      await waitForPodsReady(cluster.client(), ['a/p1'], 'x=y', { timeoutMs: 10_000, intervalMs: 2_000, clock: systemClock() });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as Error).message).to.match(/a\/p1 cannot start.*ErrImageNeverPull for image img/);
  });

  it('with a watch, times out naming the pod that is not Ready', async () => {
    const cluster = new WatchablePods(true);
    cluster.set(pod('a', 'p1', false));
    let error: unknown;
    try {
      await waitForPodsReady(cluster.client(), ['a/p1', 'a/p2'], 'x=y', { timeoutMs: 150, intervalMs: 20, clock: systemClock() });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TimeoutError);
    expect((error as Error).message).to.match(/0 of 2 Ready; a\/p1: Running but not Ready \(probe not ready\); a\/p2: not created yet/);
  });

  it('without a watch, polls with list until every pod is Ready', async () => {
    const cluster = new WatchablePods(false);
    cluster.set(pod('a', 'p1', false));
    setTimeout(() => cluster.set(pod('a', 'p1', true)), 50);
    await waitForPodsReady(cluster.client(), ['a/p1'], 'x=y', { timeoutMs: 10_000, intervalMs: 20, clock: systemClock() });
    expect(cluster.lists).to.be.at.least(2);
    await sleep(0);
  });
});
