/**
 * The Kubernetes API facade's public API. Light on purpose: the client (@kubernetes/client-node, over a second
 * to load) is loaded on the first createKubeClient call, so commands without a cluster never pay for it.
 */
import type { CreateKubeClientOptions } from './kube-client.js';
import type { KubeClient } from './types.js';

export * from './types.js';
export type { CreateKubeClientOptions } from './kube-client.js';
export type { KubeConfigSelection, LoadedKubeConfig } from './load-kube-config.js';
export { formatArgv } from './exec-status.js';

/** A client of the cluster of a kubeconfig (default: $KUBECONFIG, ~/.kube/config) and context. */
export async function createKubeClient(options: CreateKubeClientOptions = {}): Promise<KubeClient> {
  return (await import('./kube-client.js')).createKubeClient(options);
}
