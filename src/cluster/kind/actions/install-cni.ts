/** Phase "install CNI": apply the prepared manifest (CRDs first, Established, then the rest). */
import type { ClusterAction } from '../../types.js';
import { applyCalico } from '../../calico/install-calico.js';
import { clientOf, type KindContext } from '../kind-context.js';

export const installCni: ClusterAction<KindContext> = {
  name: 'install CNI',
  async execute(context) {
    if (context.cniPresent) return 'skipped: already installed';
    if (!context.cni) throw new Error('kind provider: the CNI manifest was not prepared before installing it (action order bug)');
    const result = await applyCalico(clientOf(context), context.cni.objects, {
      timeouts: context.options.timeouts,
      clusterName: context.options.clusterName,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return `${context.cni.description}: ${result.applied.length} objects applied (${result.crds.length} CRDs Established first)`;
  },
};
