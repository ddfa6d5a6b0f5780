/**
 * Deleting a kind cluster without leaving anything behind: `kind delete cluster` against the run's kubeconfig (the
 * user's ~/.kube/config is not touched), then any node container of the cluster that is still there (one whose
 * `docker run` outlived an interrupted `kind create cluster`), then kind's docker network when this run created it
 * and no other container uses it.
 */
import { requireSuccess, type CommandRunner } from '../command-runner.js';

export function deleteClusterArgs(clusterName: string, kubeconfigPath: string): string[] {
  return ['delete', 'cluster', '--name', clusterName, '--kubeconfig', kubeconfigPath];
}

/** The label kind puts on every node container of a cluster. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

export interface DeleteKindClusterOptions {
  timeoutMs: number;
  /** kind's docker network, when this run created it (it did not exist before `kind create cluster`). */
  createdNetwork?: string;
  /** Look for late node containers this many more times, a second apart (after an interrupted create). */
  straggerChecks?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Returns what was removed besides the cluster, for the progress line ("" when nothing else). */
export async function deleteKindCluster(runner: CommandRunner, clusterName: string, kubeconfigPath: string, options: DeleteKindClusterOptions): Promise<string> {
  const hint = `delete it by hand: kind delete cluster --name ${clusterName} (and check \`docker ps -a --filter label=${KIND_CLUSTER_LABEL}=${clusterName}\`)`;
  requireSuccess(await runner.run('kind', deleteClusterArgs(clusterName, kubeconfigPath), { timeoutMs: options.timeoutMs }), `deleting kind cluster ${clusterName}`, hint);
  const extra: string[] = [];
  // a container being removed is still listed for a moment: count each one once
  const removed = new Set<string>();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let check = 0; check <= (options.straggerChecks ?? 0); check += 1) {
    if (check > 0) await sleep(1000);
    const listed = requireSuccess(
      await runner.run('docker', ['ps', '-aq', '--filter', `label=${KIND_CLUSTER_LABEL}=${clusterName}`], { timeoutMs: options.timeoutMs }),
      `listing the node containers of kind cluster ${clusterName}`,
      hint,
    );
    const ids = listed.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (ids.length === 0) continue;
    const rm = await runner.run('docker', ['rm', '-f', '-v', ...ids], { timeoutMs: options.timeoutMs });
    // "removal ... is already in progress" is a removal too
    if (rm.exitCode !== 0 && !/already in progress|No such container/i.test(rm.stderr)) requireSuccess(rm, `removing leftover node containers of kind cluster ${clusterName}`, hint);
    for (const id of ids) removed.add(id);
  }
  if (removed.size > 0) extra.push(`removed ${removed.size} leftover node ${removed.size === 1 ? 'container' : 'containers'}`);
  if (options.createdNetwork !== undefined) {
    const network = options.createdNetwork;
    const users = await runner.run('docker', ['network', 'inspect', '--format', '{{len .Containers}}', network], { timeoutMs: options.timeoutMs });
    if (users.exitCode === 0 && users.stdout.trim() === '0') {
      requireSuccess(
        await runner.run('docker', ['network', 'rm', network], { timeoutMs: options.timeoutMs }),
        `removing docker network ${network} (created by kind for this run)`,
        `remove it by hand when nothing uses it: docker network rm ${network}`,
      );
      extra.push(`removed docker network ${network}`);
    } else if (users.exitCode === 0) {
      extra.push(`left docker network ${network}: other containers use it`);
    }
  }
  return extra.join(', ');
}
