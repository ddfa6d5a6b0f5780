/**
 * One sentence about a pod's state for an exec that failed at the transport level: does the pod exist, which
 * phase, and what its container is doing (waiting for what, terminated why).
 */
import type { KubeObject } from './types.js';
import type { ExecTarget } from './exec-status.js';

interface ContainerStatus {
  name: string;
  ready?: boolean;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { reason?: string; exitCode?: number };
  };
}

export interface PodLike extends KubeObject {
  spec?: { containers?: { name: string; image?: string }[]; nodeName?: string };
  status?: { phase?: string; reason?: string; message?: string; containerStatuses?: ContainerStatus[] };
}

export function describePodForExec(pod: PodLike | undefined, target: ExecTarget): string {
  if (!pod) return `pod ${target.namespace}/${target.pod} does not exist`;
  const containers = pod.spec?.containers ?? [];
  const phase = pod.status?.phase ?? 'unknown phase';
  if (target.container !== undefined && !containers.some((c) => c.name === target.container)) {
    return `pod ${target.namespace}/${target.pod} has no container "${target.container}" (it has: ${containers.map((c) => c.name).join(', ') || 'none'})`;
  }
  if (target.container === undefined && containers.length > 1) {
    return `pod ${target.namespace}/${target.pod} has ${containers.length} containers (${containers.map((c) => c.name).join(', ')}) and no container was named`;
  }
  const name = target.container ?? containers[0]?.name;
  const status = pod.status?.containerStatuses?.find((c) => c.name === name);
  return `pod ${target.namespace}/${target.pod} is ${phase}${status ? `, container ${status.name} ${describeContainerState(status)}` : name ? `, container ${name} has no status yet` : ''}`;
}

export function describeContainerState(status: ContainerStatus): string {
  const state = status.state ?? {};
  if (state.waiting) return `is waiting (${state.waiting.reason ?? 'no reason'}${state.waiting.message ? `: ${state.waiting.message}` : ''})`;
  if (state.terminated) return `terminated (${state.terminated.reason ?? 'no reason'}, exit code ${state.terminated.exitCode ?? '?'})`;
  if (state.running) return status.ready === false ? 'is running but not ready' : 'is running';
  return 'has no state';
}
