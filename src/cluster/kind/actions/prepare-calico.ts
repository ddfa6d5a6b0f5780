/** Phase "Calico manifest": download (or read) Calico's manifest, verify its checksum, set the IP pool. Before any cluster exists. */
import type { ClusterAction } from '../../types.js';
import { prepareCalicoManifest } from '../../calico/calico-manifest.js';
import type { KindContext } from '../kind-context.js';

export const prepareCalico: ClusterAction<KindContext> = {
  name: 'Calico manifest',
  async execute(context) {
    if (context.calicoPresent) return 'skipped: calico-node already runs in the reused cluster';
    if (context.podSubnet === undefined) throw new Error('kind provider: the pod subnet is unknown before the Calico manifest phase (action order bug)');
    const source = context.options.calicoSource;
    const prepared = await prepareCalicoManifest(source, context.podSubnet, context.deps.download, {
      timeoutMs: context.options.timeouts.downloadMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.calico = prepared;
    context.environment['calico'] = source.kind === 'release' ? source.version : `manifest ${source.path}`;
    context.environment['calicoManifestSha256'] = prepared.sha256;
    if (!prepared.verified) {
      context.progress.note?.(`the Calico manifest ${source.kind === 'file' ? source.path : ''} was not checked against a checksum (no --calico-manifest-sha256)`);
    }
    return `${source.kind === 'release' ? `Calico ${source.version}` : source.path}, ${prepared.objects.length} objects, sha256 ${prepared.sha256.slice(0, 12)}…${prepared.verified ? ' verified' : ' (not verified)'}, pool ${context.podSubnet}`;
  },
};
