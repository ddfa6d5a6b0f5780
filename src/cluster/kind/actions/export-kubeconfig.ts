/** Phase "export kubeconfig" (--reuse): `kind get kubeconfig --name`, written into the run directory (mode 0600). */
import { writeFile } from 'node:fs/promises';
import { requireSuccess } from '../../command-runner.js';
import type { ClusterAction } from '../../types.js';
import type { KindContext } from '../kind-context.js';

export const exportKubeconfig: ClusterAction<KindContext> = {
  name: 'export kubeconfig',
  async execute(context) {
    const { clusterName } = context.options;
    const result = requireSuccess(
      await context.deps.runner.run('kind', ['get', 'kubeconfig', '--name', clusterName], {
        timeoutMs: context.options.timeouts.commandMs,
        ...(context.signal ? { signal: context.signal } : {}),
      }),
      `exporting the kubeconfig of kind cluster ${clusterName}`,
      `check the cluster with \`kind get clusters\` and \`docker ps --filter label=io.x-k8s.kind.cluster=${clusterName}\``,
    );
    await writeFile(context.kubeconfigPath, result.stdout.endsWith('\n') ? result.stdout : `${result.stdout}\n`, { mode: 0o600 });
    context.environment['cluster'] = `kind-${clusterName} (reused)`;
    return context.kubeconfigPath;
  },
};
