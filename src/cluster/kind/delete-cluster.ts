/** `kind delete cluster`, against the run's kubeconfig so the user's ~/.kube/config is not touched. */
import { requireSuccess, type CommandRunner } from '../command-runner.js';

export function deleteClusterArgs(clusterName: string, kubeconfigPath: string): string[] {
  return ['delete', 'cluster', '--name', clusterName, '--kubeconfig', kubeconfigPath];
}

export async function deleteKindCluster(runner: CommandRunner, clusterName: string, kubeconfigPath: string, timeoutMs: number): Promise<void> {
  requireSuccess(
    await runner.run('kind', deleteClusterArgs(clusterName, kubeconfigPath), { timeoutMs }),
    `deleting kind cluster ${clusterName}`,
    `delete it by hand: kind delete cluster --name ${clusterName} (and check \`docker ps --filter label=io.x-k8s.kind.cluster=${clusterName}\`)`,
  );
}
