/**
 * Waits until the probe pods of a fixture are Ready, with diagnostics: an image that cannot be pulled ends the
 * wait at once with the image's name and how to preload it; a timeout names every pod that is not Ready and
 * what its containers are doing.
 */
import type { KubeClient, KubeObject } from '../kube/index.js';
import { ClusterError } from '../util/index.js';
import { pollDone, pollPending, pollWithStats, type Clock, type PollResult } from '../util/index.js';

interface ContainerStatus {
  name: string;
  ready?: boolean;
  image?: string;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: unknown;
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
}

export interface PodObject extends KubeObject {
  spec?: { containers?: { name: string; image?: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
    hostIPs?: { ip: string }[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

/** Waiting reasons that will not resolve by waiting longer. */
const HOPELESS_WAITING = new Set(['ErrImageNeverPull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError']);
const IMAGE_REASONS = new Set(['ErrImageNeverPull', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']);

export interface WaitPodsOptions {
  timeoutMs: number;
  intervalMs: number;
  clock: Clock;
  signal?: AbortSignal;
  /** Containers whose readiness is not required (they are judged by the positive control instead). */
  optionalContainer?: (name: string) => boolean;
}

export interface ReadyPods {
  /** Keyed `<namespace>/<pod>`. */
  pods: Map<string, PodObject>;
  elapsedMs: number;
}

/**
 * `pods`: the `<namespace>/<name>` of every pod to wait for; `labelSelector` finds them per namespace. Watches
 * the pods when the client can (readiness is seen the moment the kubelet reports it), otherwise polls them at
 * `intervalMs`; a watch that ends early is opened again, and a look with `list` is made at least every
 * `intervalMs` × 4 in any case, so a lost event costs time, never the result.
 */
export async function waitForPodsReady(
  kube: KubeClient,
  pods: readonly string[],
  labelSelector: string,
  options: WaitPodsOptions,
): Promise<ReadyPods> {
  if (kube.watch) return watchPodsReady(kube, pods, labelSelector, options);
  const namespaces = namespacesOf(pods);
  const outcome = await pollWithStats(
    async () => {
      const live = new Map<string, PodObject>();
      for (const namespace of namespaces) {
        for (const pod of await kube.list<PodObject>('v1', 'Pod', { namespace, labelSelector })) {
          live.set(`${namespace}/${pod.metadata.name}`, pod);
        }
      }
      return assessPods(pods, live, options);
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs,
      describe: describeWait(pods, namespaces),
      hint: WAIT_HINT,
      clock: options.clock,
      signal: options.signal,
    },
  );
  return { pods: outcome.value, elapsedMs: outcome.elapsedMs };
}

const WAIT_HINT = 'look at the pods\' events in the artifacts directory (or kubectl describe pod); a slow image pull needs a longer --ready-timeout';

function namespacesOf(pods: readonly string[]): string[] {
  return [...new Set(pods.map((p) => p.split('/')[0] as string))];
}

function describeWait(pods: readonly string[], namespaces: readonly string[]): string {
  return `${pods.length} probe pods in ${namespaces.join(', ')} to be Ready`;
}

/** Done with the pods, or what is still missing; throws at once on a pod that cannot start. */
function assessPods(pods: readonly string[], live: ReadonlyMap<string, PodObject>, options: WaitPodsOptions): PollResult<Map<string, PodObject>> {
  const optional = options.optionalContainer ?? (() => false);
  const problems: string[] = [];
  for (const key of pods) {
    const pod = live.get(key);
    if (!pod) {
      problems.push(`${key}: not created yet`);
      continue;
    }
    const hopeless = hopelessContainer(pod);
    if (hopeless) throw unpullableImageError(key, hopeless);
    const problem = notReadyReason(pod, optional);
    if (problem) problems.push(`${key}: ${problem}`);
  }
  if (problems.length === 0) return pollDone(new Map(pods.map((key) => [key, live.get(key) as PodObject])));
  return pollPending(`${pods.length - problems.length} of ${pods.length} Ready; ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
}

/**
 * The watch form of the wait: one watch per namespace keeps a map of the pods up to date, and every event
 * re-assesses them. The poll underneath (pollWithStats over the map, re-listing every few intervals) bounds
 * the wait and writes the timeout's message, exactly as the polled form does.
 */
async function watchPodsReady(kube: KubeClient, pods: readonly string[], labelSelector: string, options: WaitPodsOptions): Promise<ReadyPods> {
  const watch = kube.watch?.bind(kube) as NonNullable<KubeClient['watch']>;
  const namespaces = namespacesOf(pods);
  const live = new Map<string, PodObject>();
  const handles = new Map<string, { stop(): void }>();
  let wake: (() => void) | undefined;
  /** An event arrived since the last assessment (it may have come while the check was listing). */
  let dirty = false;
  let closed = false;
  const changed = (): void => {
    dirty = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const open = async (namespace: string): Promise<void> => {
    if (closed) return;
    try {
      const handle = await watch<PodObject>(
        'v1',
        'Pod',
        { namespace, labelSelector },
        (type, pod) => {
          const key = `${namespace}/${pod.metadata.name}`;
          if (type === 'DELETED') live.delete(key);
          else live.set(key, pod);
          changed();
        },
        () => {
          // the server or the network ended it: open a new one (it starts with the current state again)
          handles.delete(namespace);
          if (!closed) void open(namespace);
        },
      );
      if (closed) handle.stop();
      else handles.set(namespace, handle);
    } catch {
      // no watch this time: the periodic list below keeps the wait going
      handles.delete(namespace);
    }
  };
  const relist = async (): Promise<void> => {
    for (const namespace of namespaces) {
      for (const pod of await kube.list<PodObject>('v1', 'Pod', { namespace, labelSelector })) live.set(`${namespace}/${pod.metadata.name}`, pod);
    }
  };
  const { clock } = options;
  const relistEveryMs = options.intervalMs * 4;
  let lastList = clock.now();
  try {
    await Promise.all(namespaces.map(open));
    if (handles.size < namespaces.length) {
      await relist();
      lastList = clock.now();
    }
    const waitClock = {
      now: () => clock.now(),
      // between looks: until the next watch event, or the interval's end, whichever is first
      sleep: (ms: number, signal?: AbortSignal): Promise<void> => {
        if (dirty) return Promise.resolve();
        const event = new Promise<void>((resolve) => {
          wake = resolve;
        });
        return Promise.race([event, clock.sleep(ms, signal)]);
      },
    };
    const outcome = await pollWithStats(
      async () => {
        dirty = false;
        if (clock.now() - lastList >= relistEveryMs || handles.size < namespaces.length) {
          await relist();
          lastList = clock.now();
          for (const namespace of namespaces) if (!handles.has(namespace)) void open(namespace);
        }
        return assessPods(pods, live, options);
      },
      {
        timeoutMs: options.timeoutMs,
        intervalMs: relistEveryMs,
        describe: describeWait(pods, namespaces),
        hint: WAIT_HINT,
        clock: waitClock,
        signal: options.signal,
      },
    );
    return { pods: outcome.value, elapsedMs: outcome.elapsedMs };
  } finally {
    closed = true;
    wake = undefined;
    for (const handle of handles.values()) handle.stop();
  }
}

function hopelessContainer(pod: PodObject): { container: ContainerStatus; reason: string; image: string } | undefined {
  for (const status of pod.status?.containerStatuses ?? []) {
    const reason = status.state?.waiting?.reason;
    if (reason && HOPELESS_WAITING.has(reason)) {
      const image = pod.spec?.containers?.find((c) => c.name === status.name)?.image ?? status.image ?? '(unknown image)';
      return { container: status, reason, image };
    }
  }
  return undefined;
}

function unpullableImageError(key: string, found: { container: ContainerStatus; reason: string; image: string }): ClusterError {
  const message = found.container.state?.waiting?.message;
  if (IMAGE_REASONS.has(found.reason)) {
    return new ClusterError(
      `probe pod ${key} cannot start: container ${found.container.name} is waiting with ${found.reason} for image ${found.image}${message ? ` (${message})` : ''}`,
      {
        hint:
          `make the image ${found.image} available to the nodes: on kind, 'kind load docker-image ${found.image} --name <cluster>'; ` +
          `on containerd nodes, 'ctr -n k8s.io images import <image tar>'; or pass --probe-image with an image the nodes can pull ` +
          `(it needs /agnhost, /bin/sh, curl and nslookup) and --image-pull-policy to match`,
      },
    );
  }
  return new ClusterError(
    `probe pod ${key} cannot start: container ${found.container.name} is waiting with ${found.reason}${message ? ` (${message})` : ''}`,
    { hint: 'look at the pod\'s events in the artifacts directory; the probe image or the cluster\'s admission policies may not fit the probe pod' },
  );
}

function notReadyReason(pod: PodObject, optional: (name: string) => boolean): string | undefined {
  const phase = pod.status?.phase ?? 'Pending';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return `not scheduled (${scheduled.reason ?? ''}${scheduled.message ? `: ${scheduled.message}` : ''})`;
  if (phase !== 'Running') return `phase ${phase}${describeContainers(pod, optional)}`;
  const unready = (pod.status?.containerStatuses ?? []).filter((c) => !optional(c.name) && c.ready !== true);
  const expected = (pod.spec?.containers ?? []).filter((c) => !optional(c.name)).length;
  const known = (pod.status?.containerStatuses ?? []).filter((c) => !optional(c.name)).length;
  if (unready.length === 0 && known >= expected) return undefined;
  return `Running but not Ready${describeContainers(pod, optional)}`;
}

function describeContainers(pod: PodObject, optional: (name: string) => boolean): string {
  const parts = (pod.status?.containerStatuses ?? [])
    .filter((c) => !optional(c.name) && c.ready !== true)
    .map((c) => {
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting) return `${c.name} waiting (${waiting.reason ?? '?'})`;
      if (terminated) return `${c.name} terminated (${terminated.reason ?? '?'}, exit ${terminated.exitCode ?? '?'})`;
      return `${c.name} not ready${c.restartCount ? ` after ${c.restartCount} restarts` : ''}`;
    });
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The pod's IPs, primary first. */
export function podIpsOf(pod: PodObject): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

/**
 * The addresses of the node a pod runs on, primary first (status.hostIPs: one per family on a dual-stack node,
 * Kubernetes 1.29+; status.hostIP before that): the node's InternalIPs, where its NodePorts answer.
 */
export function hostIpsOf(pod: PodObject): string[] {
  const ips = (pod.status?.hostIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length === 0 && pod.status?.hostIP) ips.push(pod.status.hostIP);
  return ips;
}
