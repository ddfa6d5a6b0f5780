/**
 * Phase "load images": `kind load docker-image` for each wanted image that is in the local Docker image store
 * (probe images, and the CNI's images, e.g. a locally built kube-router, or Calico's for air-gapped installs), so the nodes do not pull them. Images that are not
 * present locally are left for the nodes to pull, and named in a note.
 */
import { requireSuccess } from '../../command-runner.js';
import type { ClusterAction } from '../../types.js';
import type { KindContext } from '../kind-context.js';

export const loadImages: ClusterAction<KindContext> = {
  name: 'load images',
  async execute(context) {
    const { runner } = context.deps;
    const { clusterName, timeouts } = context.options;
    const signal = context.signal ? { signal: context.signal } : {};
    const wanted = [...new Set([...context.options.preloadImages, ...(context.cni?.images ?? [])])];
    const loaded: string[] = [];
    const absent: string[] = [];
    for (const image of wanted) {
      const inspect = await runner.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: timeouts.commandMs, ...signal });
      if (inspect.exitCode !== 0) {
        absent.push(image);
        continue;
      }
      requireSuccess(
        await runner.run('kind', ['load', 'docker-image', image, '--name', clusterName], { timeoutMs: timeouts.loadImageMs, ...signal }),
        `loading image ${image} into kind cluster ${clusterName}`,
        'check free disk space in Docker; the nodes can still pull the image themselves if you drop it from the preload list',
      );
      loaded.push(image);
    }
    const probeAbsent = absent.filter((i) => context.options.preloadImages.includes(i));
    if (probeAbsent.length > 0) context.progress.note?.(`not in the local Docker image store, the nodes will pull: ${probeAbsent.join(', ')}`);
    return loaded.length > 0 ? `loaded ${loaded.join(', ')}` : 'nothing to load (no wanted image is present locally)';
  },
};
