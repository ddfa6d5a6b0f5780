/** Phase "wait for CNI, CoreDNS and nodes": bounded waits, each with a diagnosis when it runs out. */
import type { ClusterAction } from '../../types.js';
import { primaryDaemonSet } from '../../cni/cni-choice.js';
import { waitForCniReady } from '../../cni/wait-for-cni.js';
import { clientOf, type KindContext } from '../kind-context.js';

export const waitReady: ClusterAction<KindContext> = {
  name: 'wait for CNI, CoreDNS and nodes',
  execute(context) {
    const primary = primaryDaemonSet(context.options.cni);
    const workloads = context.cni?.workloads ?? (primary ? [primary] : []);
    return waitForCniReady(clientOf(context), workloads, {
      timeouts: context.options.timeouts,
      clusterName: context.options.clusterName,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
  },
};
