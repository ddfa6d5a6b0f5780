/** Phase "create cluster": `kind create cluster` with the generated config and a kubeconfig of the run's own. */
import { requireSuccess } from '../../command-runner.js';
import type { ClusterAction } from '../../types.js';
import type { KindContext } from '../kind-context.js';
import { KIND_DOCKER_NETWORK } from '../../defaults.js';

/** The docker network kind puts the nodes on (KIND_EXPERIMENTAL_DOCKER_NETWORK, else `kind`). */
export function kindNetwork(): string {
  return process.env['KIND_EXPERIMENTAL_DOCKER_NETWORK'] || KIND_DOCKER_NETWORK;
}

/** The argv of `kind create cluster` for this context; `--wait 0s` because nodes are only Ready once Calico runs. */
export function createClusterArgs(context: Pick<KindContext, 'options' | 'kindConfigPath' | 'kubeconfigPath'>): string[] {
  return [
    'create',
    'cluster',
    '--name',
    context.options.clusterName,
    '--config',
    context.kindConfigPath,
    '--kubeconfig',
    context.kubeconfigPath,
    '--wait',
    '0s',
    ...(context.options.keep ? ['--retain'] : []),
  ];
}

export const createCluster: ClusterAction<KindContext> = {
  name: 'create cluster',
  async execute(context) {
    const network = kindNetwork();
    const before = await context.deps.runner.run('docker', ['network', 'inspect', '--format', '{{.Name}}', network], { timeoutMs: context.options.timeouts.commandMs });
    if (before.exitCode !== 0 && before.interrupted === undefined) context.createdNetwork = network;
    context.clusterCreated = true;
    const result = await context.deps.runner.run('kind', createClusterArgs(context), {
      timeoutMs: context.options.timeouts.createClusterMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (result.interrupted !== undefined) context.createInterrupted = true;
    requireSuccess(
      result,
      `creating kind cluster ${context.options.clusterName}`,
      "see kind's output above; common causes are Docker running out of disk or memory and low inotify limits (https://kind.sigs.k8s.io/docs/user/known-issues/)",
    );
    context.environment['cluster'] = `kind-${context.options.clusterName}`;
    return `kind cluster ${context.options.clusterName}`;
  },
};
