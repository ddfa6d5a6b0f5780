/**
 * Why a DaemonSet or Deployment is not ready, in one paragraph: which pods are not ready, on which node, in which
 * state and why, with which image, the last events of each, and for a crashing container its last log lines.
 * Plus the hint that fits the most telling state (an image that cannot be pulled, a crash, an unschedulable pod).
 */
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { describeError } from '../../util/index.js';

export interface WorkloadRef {
  kind: 'DaemonSet' | 'Deployment';
  namespace: string;
  name: string;
}

export interface Diagnosis {
  /** Sentences about the pods, joined with "; ". */
  summary: string;
  hint: string;
}

interface ContainerStatus {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
    running?: object;
  };
}

interface Pod extends KubeObject {
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string }[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

interface Event extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  firstTimestamp?: string | null;
}

const PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'ErrImageNeverPull', 'InvalidImageName', 'RegistryUnavailable']);
const MAX_PODS = 3;
const MAX_EVENTS = 3;

type Finding = 'pull' | 'never-pull' | 'crash' | 'unschedulable' | 'other';

export async function diagnoseWorkload(client: KubeClient, ref: WorkloadRef, options: { clusterName?: string } = {}): Promise<Diagnosis> {
  const workload = await client.get<KubeObject & { spec?: { selector?: { matchLabels?: Record<string, string> } } }>({
    apiVersion: 'apps/v1',
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
  });
  if (!workload) {
    return { summary: `${ref.kind} ${ref.namespace}/${ref.name} does not exist`, hint: 'check that the manifest defines it (name and namespace)' };
  }
  const selector = Object.entries(workload.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await client.list<Pod>('v1', 'Pod', { namespace: ref.namespace, ...(selector ? { labelSelector: selector } : {}) });
  if (pods.length === 0) {
    const events = await lastEvents(client, ref.namespace, ref.name);
    return {
      summary: `no pods of ${ref.kind} ${ref.namespace}/${ref.name} exist${events ? `; its last events: ${events}` : ''}`,
      hint: 'the controller could not create its pods; its events above say why (quota, admission, service account)',
    };
  }
  return describeUnreadyPods(client, pods, `${ref.kind} ${ref.namespace}/${ref.name}`, options);
}

/**
 * Why the pods matching a label selector are not ready (e.g. a run's probe pods): the same sentences and hint as
 * for a workload. `what` names them in the sentence when all are ready, e.g. "probe pods in namespace x".
 */
export async function diagnosePods(
  client: KubeClient,
  selection: { namespace: string; labelSelector?: string },
  options: { clusterName?: string } = {},
): Promise<Diagnosis> {
  const pods = await client.list<Pod>('v1', 'Pod', { namespace: selection.namespace, ...(selection.labelSelector ? { labelSelector: selection.labelSelector } : {}) });
  const what = `pods in namespace ${selection.namespace}${selection.labelSelector ? ` with labels ${selection.labelSelector}` : ''}`;
  if (pods.length === 0) return { summary: `there are no ${what}`, hint: 'check that they were created (and the label selector)' };
  const diagnosis = await describeUnreadyPods(client, pods, what, options);
  const ready = pods.filter(isPodReady).length;
  return ready === pods.length ? diagnosis : { ...diagnosis, summary: `${ready} of ${pods.length} ${what} ready; ${diagnosis.summary}` };
}

async function describeUnreadyPods(client: KubeClient, pods: Pod[], what: string, options: { clusterName?: string }): Promise<Diagnosis> {
  const unready = pods.filter((p) => !isPodReady(p));
  if (unready.length === 0) {
    return { summary: `all ${pods.length} pods of ${what} are ready now`, hint: 'they became ready just after the deadline; raise the timeout' };
  }
  const sentences: string[] = [];
  const findings: { finding: Finding; image?: string }[] = [];
  for (const pod of unready.slice(0, MAX_PODS)) {
    const { sentence, finding, image } = describePod(pod);
    const events = await lastEvents(client, pod.metadata.namespace ?? '', pod.metadata.name);
    let logs = '';
    if (finding === 'crash') logs = await lastLogLines(client, pod);
    sentences.push(`${sentence}${logs ? `; last log lines: ${logs}` : ''}${events ? `; last events: ${events}` : ''}`);
    findings.push({ finding, ...(image !== undefined ? { image } : {}) });
  }
  if (unready.length > MAX_PODS) sentences.push(`and ${unready.length - MAX_PODS} more pods not ready`);
  return { summary: sentences.join('; '), hint: hintFor(findings, options.clusterName) };
}

function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function describePod(pod: Pod): { sentence: string; finding: Finding; image?: string } {
  const name = `pod ${pod.metadata.name}${pod.spec?.nodeName ? ` on node ${pod.spec.nodeName}` : ''}`;
  const phase = pod.status?.phase ?? 'Unknown';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const specImages = new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c.image]));

  const bad = statuses.find((s) => s.state?.waiting || (s.state?.terminated && s.state.terminated.exitCode !== 0)) ?? statuses.find((s) => !s.ready);
  if (bad) {
    const image = specImages.get(bad.name) ?? bad.image;
    const waiting = bad.state?.waiting;
    const terminated = bad.state?.terminated;
    const state = waiting
      ? `waiting (${waiting.reason ?? 'no reason'}${waiting.message ? `: ${waiting.message}` : ''})`
      : terminated
        ? `terminated (${terminated.reason ?? 'no reason'}, exit code ${terminated.exitCode ?? '?'})`
        : 'running but not ready';
    const restarts = bad.restartCount ? `, ${bad.restartCount} restarts` : '';
    const reason = waiting?.reason ?? '';
    const finding: Finding =
      reason === 'ErrImageNeverPull' ? 'never-pull' : PULL_REASONS.has(reason) ? 'pull' : reason === 'CrashLoopBackOff' || (bad.restartCount ?? 0) > 0 ? 'crash' : 'other';
    return { sentence: `${name} is ${phase}: container ${bad.name} ${state}${restarts}, image ${image ?? 'unknown'}`, finding, ...(image !== undefined ? { image } : {}) };
  }

  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled && scheduled.status === 'False') {
    return { sentence: `${name} is not scheduled (${scheduled.reason ?? 'no reason'}${scheduled.message ? `: ${scheduled.message}` : ''})`, finding: 'unschedulable' };
  }
  return { sentence: `${name} is ${phase} with no container status yet`, finding: 'other' };
}

async function lastEvents(client: KubeClient, namespace: string, involvedName: string): Promise<string> {
  let events: Event[];
  try {
    events = await client.list<Event>('v1', 'Event', { namespace, fieldSelector: `involvedObject.name=${involvedName}` });
  } catch (error) {
    return `(events could not be read: ${describeError(error)})`;
  }
  const time = (e: Event): string => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? String(e.metadata['creationTimestamp'] ?? '');
  return events
    .sort((a, b) => time(a).localeCompare(time(b)))
    .slice(-MAX_EVENTS)
    .map((e) => `${e.reason ?? e.type ?? 'Event'}: ${(e.message ?? '').trim()}${e.count && e.count > 1 ? ` (x${e.count})` : ''}`)
    .join(' | ');
}

async function lastLogLines(client: KubeClient, pod: Pod): Promise<string> {
  const container = pod.status?.containerStatuses?.find((s) => (s.restartCount ?? 0) > 0)?.name ?? pod.spec?.containers?.[0]?.name;
  try {
    const text = await client.logs(pod.metadata.namespace ?? '', pod.metadata.name, { ...(container ? { container } : {}), tailLines: 5, previous: true });
    return text.trim().split('\n').join(' / ');
  } catch (error) {
    return `(logs could not be read: ${describeError(error)})`;
  }
}

function hintFor(findings: { finding: Finding; image?: string }[], clusterName: string | undefined): string {
  const load = (image: string): string => `kind load docker-image ${image}${clusterName ? ` --name ${clusterName}` : ''}`;
  const neverPull = findings.find((f) => f.finding === 'never-pull');
  if (neverPull) {
    const image = neverPull.image ?? '<image>';
    return `imagePullPolicy is Never and image ${image} is not on the node: load it into the nodes (${load(image)}) or fix the image name`;
  }
  const pull = findings.find((f) => f.finding === 'pull');
  if (pull) {
    const image = pull.image ?? '<image>';
    return `the node cannot pull image ${image}: check the name and that the node can reach its registry, or pull it here and load it into the nodes (${load(image)}); for air-gapped installs see docs/clusters.md`;
  }
  if (findings.some((f) => f.finding === 'crash')) return 'the container keeps failing; its last log lines and events are above';
  if (findings.some((f) => f.finding === 'unschedulable')) return 'no node can run the pod (taints, resources, node selectors); the scheduler message is above';
  return 'the pods are still starting or stuck; their state and last events are above';
}
