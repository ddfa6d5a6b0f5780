/** The provider for `--cluster kind|existing`, from the run's options. */
import { InputError, type InputIssue } from '../util/index.js';
import type { ProviderDependencies } from './dependencies.js';
import { ExistingClusterProvider, type ExistingClusterOptions } from './existing/existing-provider.js';
import { KindProvider } from './kind/kind-provider.js';
import type { KindProviderOptions } from './kind/kind-options.js';
import type { ClusterProvider, ClusterProviderName } from './types.js';

export type ClusterSelection = { cluster: ClusterProviderName } & KindProviderOptions & ExistingClusterOptions;

const KIND_ONLY: readonly (keyof KindProviderOptions)[] = [
  'clusterName',
  'reuse',
  'keep',
  'kindConfigFile',
  'workers',
  'nodeImage',
  'podSubnet',
  'calicoVersion',
  'calicoManifest',
  'calicoManifestSha256',
  'cni',
  'cniManifest',
  'cniManifestSha256',
  'kubeRouterImage',
];

const FLAG: Partial<Record<keyof ClusterSelection, string>> = {
  reuse: '--reuse',
  keep: '--keep',
  kindConfigFile: '--kind-config',
  calicoVersion: '--calico-version',
  calicoManifest: '--calico-manifest',
  calicoManifestSha256: '--calico-manifest-sha256',
  cni: '--cni',
  cniManifest: '--cni-manifest',
  cniManifestSha256: '--cni-manifest-sha256',
  kubeRouterImage: '--kube-router-image',
  kubeconfig: '--kubeconfig',
  context: '--context',
};

/** Validates the combination (InputError listing every contradiction) and builds the provider. */
export function createClusterProvider(selection: ClusterSelection, dependencies: Partial<ProviderDependencies> = {}): ClusterProvider {
  const issues: InputIssue[] = [];
  const { cluster, kubeconfig, context, ...kindOptions } = selection;
  if (cluster === 'existing') {
    for (const key of KIND_ONLY) {
      if (selection[key] !== undefined && selection[key] !== false) {
        issues.push({ field: FLAG[key] ?? key, message: 'only applies to --cluster kind (an existing cluster is not created or changed)' });
      }
    }
    if (issues.length > 0) throw new InputError(issues);
    return new ExistingClusterProvider({ ...(kubeconfig !== undefined ? { kubeconfig } : {}), ...(context !== undefined ? { context } : {}) }, dependencies);
  }
  for (const key of ['kubeconfig', 'context'] as const) {
    if (selection[key] !== undefined) {
      issues.push({ field: FLAG[key] ?? key, message: 'only applies to --cluster existing (kind writes its own kubeconfig into the run directory); use --reuse <name> for an existing kind cluster' });
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  return new KindProvider(kindOptions, dependencies);
}
