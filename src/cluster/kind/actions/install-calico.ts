/** Phase "install Calico": apply the prepared manifest (CRDs first, Established, then the rest). */
import type { ClusterAction } from '../../types.js';
import { applyCalico } from '../../calico/install-calico.js';
import { clientOf, type KindContext } from '../kind-context.js';

export const installCalico: ClusterAction<KindContext> = {
  name: 'install Calico',
  async execute(context) {
    if (context.calicoPresent) return 'skipped: already installed';
    if (!context.calico) throw new Error('kind provider: the Calico manifest was not prepared before installing it (action order bug)');
    const result = await applyCalico(clientOf(context), context.calico.objects, {
      timeouts: context.options.timeouts,
      clusterName: context.options.clusterName,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.environment['cni'] = 'calico';
    return `${result.applied.length} objects applied (${result.crds.length} CRDs Established first)`;
  },
};
