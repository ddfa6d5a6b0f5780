/**
 * `--cluster existing` (--kubeconfig/--context): connects to a cluster someone else runs, reports its version,
 * and checks every permission the run needs, refusing with one message that lists each missing permission. It
 * creates nothing and so deletes nothing: the run's own namespaces are the engine's to clean up.
 */
import { ClusterError } from '../../util/index.js';
import { defaultDependencies, type ProviderDependencies } from '../dependencies.js';
import { runActions } from '../run-actions.js';
import type { ClusterAction, ClusterProvider, ProvisionContext, ProvisionedCluster } from '../types.js';
import type { KubeClient } from '../../kube/index.js';
import { RBAC_MANIFEST } from '../../kube/index.js';
import { describeAccessCheck, missingAccess, REQUIRED_ACCESS } from './required-access.js';

export interface ExistingClusterOptions {
  kubeconfig?: string;
  context?: string;
}

interface ExistingContext {
  readonly options: ExistingClusterOptions;
  readonly deps: ProviderDependencies;
  readonly environment: Record<string, string>;
  client: KubeClient | undefined;
}

const connectToCluster: ClusterAction<ExistingContext> = {
  name: 'connect',
  async execute(context) {
    const client = await context.deps.createClient(context.options);
    const version = await client.version();
    context.client = client;
    Object.assign(context.environment, { context: client.contextName, server: client.server, kubernetesVersion: version.gitVersion });
    return `context ${client.contextName} (${client.server}), Kubernetes ${version.gitVersion}`;
  },
};

const checkPermissions: ClusterAction<ExistingContext> = {
  name: 'check permissions',
  async execute(context) {
    const client = context.client;
    if (!client) throw new Error('existing provider: permissions checked before connecting (action order bug)');
    const missing = missingAccess(await client.checkAccess([...REQUIRED_ACCESS]));
    if (missing.length > 0) {
      const lines = missing.map((m) => `  - ${describeAccessCheck(m.check)}${m.reason ? ` (${m.reason})` : ''}`);
      throw new ClusterError(
        `context "${client.contextName}" lacks ${missing.length} of the ${REQUIRED_ACCESS.length} permissions a run needs; nothing was created:\n${lines.join('\n')}`,
        {
          hint: `have a cluster admin apply ${RBAC_MANIFEST} (a ClusterRole with exactly these permissions and a binding; edit the subject to this identity), then run again`,
        },
      );
    }
    return `all ${REQUIRED_ACCESS.length} permissions granted`;
  },
};

export class ExistingClusterProvider implements ClusterProvider {
  readonly name = 'existing' as const;
  private readonly deps: ProviderDependencies;

  constructor(
    private readonly options: ExistingClusterOptions = {},
    dependencies: Partial<ProviderDependencies> = {},
  ) {
    this.deps = defaultDependencies(dependencies);
  }

  async provision(provision: ProvisionContext): Promise<ProvisionedCluster> {
    const context: ExistingContext = { options: this.options, deps: this.deps, environment: { provider: 'existing' }, client: undefined };
    const timings: { name: string; ms: number }[] = [];
    await runActions([connectToCluster, checkPermissions], context, {
      progress: provision.progress ?? {},
      timings,
      ...(provision.clock ? { clock: provision.clock } : {}),
    });
    const client = context.client as KubeClient;
    return {
      provider: 'existing',
      client,
      kubeconfigPath: this.options.kubeconfig,
      dockerNetwork: undefined,
      environment: { ...context.environment },
      timings,
      release: async () => ({ deleted: false, detail: `left the cluster of context ${client.contextName} as it was (it was not created by this run)` }),
    };
  }
}
