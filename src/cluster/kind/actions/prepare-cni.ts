/** Phase "CNI manifest": get the chosen CNI's manifest (Calico: download or read, verify, set the IP pool), before any cluster exists. */
import type { ClusterAction } from '../../types.js';
import { prepareCni } from '../../cni/cni-choice.js';
import type { KindContext } from '../kind-context.js';

export const prepareCniManifest: ClusterAction<KindContext> = {
  name: 'CNI manifest',
  async execute(context) {
    if (context.cniPresent) return `skipped: ${context.options.cni.name} already runs in the reused cluster`;
    if (context.podSubnet === undefined) throw new Error('kind provider: the pod subnet is unknown before the CNI manifest phase (action order bug)');
    const choice = context.options.cni;
    const prepared = await prepareCni(choice, context.podSubnet, context.deps.download, {
      timeoutMs: context.options.timeouts.downloadMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    context.cni = prepared;
    context.environment['cni'] = choice.name === 'manifest' ? `manifest ${choice.path}` : choice.name;
    if (choice.name === 'calico') {
      context.environment['calico'] = choice.source.kind === 'release' ? choice.source.version : `manifest ${choice.source.path}`;
      if (prepared.sha256 !== undefined) context.environment['calicoManifestSha256'] = prepared.sha256;
    }
    if (choice.name === 'kube-router') context.environment['kubeRouterImage'] = choice.image;
    if (choice.name === 'manifest' && prepared.sha256 !== undefined) context.environment['cniManifestSha256'] = prepared.sha256;
    if (!prepared.verified) {
      const file = choice.name === 'manifest' ? choice.path : choice.name === 'calico' && choice.source.kind === 'file' ? choice.source.path : '';
      const flag = choice.name === 'manifest' ? '--cni-manifest-sha256' : '--calico-manifest-sha256';
      context.progress.note?.(`the ${choice.name === 'manifest' ? 'CNI' : 'Calico'} manifest ${file} was not checked against a checksum (no ${flag})`);
    }
    const checksum = prepared.sha256 !== undefined ? `, sha256 ${prepared.sha256.slice(0, 12)}…${prepared.verified ? ' verified' : ' (not verified)'}` : '';
    return `${prepared.description}, ${prepared.objects.length} objects${checksum}, pod subnet ${context.podSubnet}`;
  },
};
