/** Phase "wait for Calico, CoreDNS and nodes": bounded waits, each with a diagnosis when it runs out. */
import type { ClusterAction } from '../../types.js';
import { waitForCalicoReady } from '../../calico/install-calico.js';
import { clientOf, type KindContext } from '../kind-context.js';

export const waitReady: ClusterAction<KindContext> = {
  name: 'wait for Calico, CoreDNS and nodes',
  execute(context) {
    return waitForCalicoReady(clientOf(context), {
      timeouts: context.options.timeouts,
      clusterName: context.options.clusterName,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
  },
};
