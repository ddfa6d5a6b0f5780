/**
 * How many suites a live run runs at once when --parallel is not given: from the allocatable CPUs of the
 * cluster's Ready, schedulable nodes (LIVE_DEFAULTS.parallelPerCpu per CPU, within min/maxParallel). Nodes that
 * cannot be read (RBAC without nodes: the runner role does not need them) give the fallback, and say so.
 */
import type { KubeClient, KubeObject } from '../kube/index.js';
import { describeError } from '../util/index.js';
import { LIVE_DEFAULTS } from './live-defaults.js';

interface NodeObject extends KubeObject {
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string>; conditions?: { type: string; status: string }[] };
}

export interface Parallelism {
  parallel: number;
  /** Why this number, for the report's environment. */
  basis: string;
}

export async function sizeParallelism(kube: KubeClient): Promise<Parallelism> {
  const { parallelPerCpu, minParallel, maxParallel, parallelFallback } = LIVE_DEFAULTS;
  let nodes: NodeObject[];
  try {
    nodes = await kube.list<NodeObject>('v1', 'Node');
  } catch (error) {
    return { parallel: parallelFallback, basis: `default: the nodes could not be read (${describeError(error)}); --parallel sets it` };
  }
  const usable = nodes.filter((n) => !n.spec?.unschedulable && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const cpus = usable.reduce((sum, n) => sum + cpuOf(n.status?.allocatable?.cpu), 0);
  if (cpus <= 0) return { parallel: parallelFallback, basis: `default: no Ready, schedulable node with allocatable CPU; --parallel sets it` };
  const parallel = Math.max(minParallel, Math.min(maxParallel, Math.floor(cpus * parallelPerCpu)));
  return {
    parallel,
    basis: `${parallelPerCpu} per allocatable CPU of ${usable.length} Ready ${usable.length === 1 ? 'node' : 'nodes'} (${cpus} CPUs), within ${minParallel}..${maxParallel}`,
  };
}

/** `2` → 2, `1500m` → 1.5; anything else 0. */
export function cpuOf(quantity: string | undefined): number {
  if (quantity === undefined) return 0;
  const milli = /^(\d+)m$/.exec(quantity);
  if (milli) return Number(milli[1]) / 1000;
  const whole = Number(quantity);
  return Number.isFinite(whole) && whole > 0 ? whole : 0;
}
