/** Phase "connect": a client on the run's kubeconfig, the server version, and (for --reuse) whether the CNI already runs. */
import type { ClusterAction } from '../../types.js';
import { primaryDaemonSet } from '../../cni/cni-choice.js';
import type { KindContext } from '../kind-context.js';
import type { KubeClient, KubeObject } from '../../../kube/index.js';
import { parse } from 'yaml';

export const connect: ClusterAction<KindContext> = {
  name: 'connect',
  async execute(context) {
    const client = await context.deps.createClient({ kubeconfig: context.kubeconfigPath });
    const version = await client.version();
    context.client = client;
    context.environment['kubernetesVersion'] = version.gitVersion;
    context.environment['server'] = client.server;
    if (context.options.mode === 'reuse') {
      const cni = context.options.cni;
      const primary = primaryDaemonSet(cni);
      context.cniPresent = primary !== undefined && (await client.get({ apiVersion: 'apps/v1', kind: primary.kind, namespace: primary.namespace, name: primary.name })) !== undefined;
      if (context.cniPresent) context.environment[cni.name === 'calico' ? 'calico' : 'cni'] = `${cni.name === 'calico' ? '' : `${cni.name} `}already installed (reused cluster)`.trimStart();
      else context.podSubnet = (await kubeadmPodSubnet(client)) ?? context.podSubnet;
    }
    return `${client.server}, Kubernetes ${version.gitVersion}`;
  },
};

/** The pod subnet kubeadm (and so kind) was configured with, from the kubeadm-config ConfigMap, when readable. */
async function kubeadmPodSubnet(client: KubeClient): Promise<string | undefined> {
  const config = await client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' });
  const text = config?.data?.['ClusterConfiguration'];
  if (!text) return undefined;
  const parsed = parse(text) as { networking?: { podSubnet?: unknown } } | null;
  return typeof parsed?.networking?.podSubnet === 'string' ? parsed.networking.podSubnet : undefined;
}
