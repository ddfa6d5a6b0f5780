/**
 * `--cluster kind`: creates a kind cluster with a NetworkPolicy-enforcing CNI (Calico by default, kube-router, or
 * a user's manifest; see cni/cni-choice.ts), or reuses one with --reuse, and deletes it at the end unless --keep.
 * The phases are small actions over one KindContext, listed by mode:
 *
 *   create: preflight, kind config, CNI manifest, create cluster, load images, connect, install CNI, wait
 *   reuse:  preflight, export kubeconfig, connect, CNI manifest*, load images, install CNI*, wait
 *           (* skipped when the CNI's node DaemonSet already runs)
 *
 * Everything that can fail without a cluster (options, tools, the manifest and its checksum) is checked before
 * `kind create cluster`. A failure after it deletes the cluster unless --keep.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeError, InterruptedError } from '../../util/index.js';
import { systemClock } from '../../util/index.js';
import { defaultDependencies, type ProviderDependencies } from '../dependencies.js';
import { KIND_DOCKER_NETWORK } from '../defaults.js';
import { runActions } from '../run-actions.js';
import type { ClusterAction, ClusterProvider, ProvisionContext, ProvisionedCluster, ReleaseOutcome } from '../types.js';
import { connect } from './actions/connect.js';
import { createCluster } from './actions/create-cluster.js';
import { exportKubeconfig } from './actions/export-kubeconfig.js';
import { installCni } from './actions/install-cni.js';
import { loadImages } from './actions/load-images.js';
import { prepareCniManifest } from './actions/prepare-cni.js';
import { preflight } from './actions/preflight.js';
import { waitReady } from './actions/wait-ready.js';
import { writeKindConfig } from './actions/write-kind-config.js';
import { deleteKindCluster, type DeleteKindClusterOptions } from './delete-cluster.js';
import { clientOf, type KindContext } from './kind-context.js';
import { resolveKindOptions, type KindProviderOptions, type ResolvedKindOptions } from './kind-options.js';

export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  readonly options: ResolvedKindOptions;
  private readonly deps: ProviderDependencies;

  /** Validates the options (InputError) without touching anything. */
  constructor(options: KindProviderOptions = {}, dependencies: Partial<ProviderDependencies> = {}) {
    this.options = resolveKindOptions(options);
    this.deps = defaultDependencies(dependencies);
  }

  /** The phases for this provider's mode, in order. */
  actions(): ClusterAction<KindContext>[] {
    return this.options.mode === 'create'
      ? [preflight, writeKindConfig, prepareCniManifest, createCluster, loadImages, connect, installCni, waitReady]
      : [preflight, exportKubeconfig, connect, prepareCniManifest, loadImages, installCni, waitReady];
  }

  async provision(provision: ProvisionContext): Promise<ProvisionedCluster> {
    await mkdir(provision.runDir, { recursive: true });
    const progress = provision.progress ?? {};
    const context: KindContext = {
      options: this.options,
      deps: this.deps,
      runDir: provision.runDir,
      kindConfigPath: path.join(provision.runDir, 'kind-config.yaml'),
      kubeconfigPath: path.join(provision.runDir, 'kubeconfig'),
      progress,
      signal: provision.signal,
      clock: provision.clock,
      environment: { provider: 'kind', kindCluster: this.options.clusterName },
      podSubnet: this.options.podSubnet,
      clusterCreated: false,
      client: undefined,
      cni: undefined,
      cniPresent: false,
      createdNetwork: undefined,
      createInterrupted: false,
    };
    const timings: { name: string; ms: number }[] = [];
    try {
      await runActions(this.actions(), context, { progress, timings, ...(provision.clock ? { clock: provision.clock } : {}) });
    } catch (error) {
      await this.cleanUpAfterFailure(context);
      // Ctrl-C: whatever the interrupted phase threw (a killed `kind create`, an aborted wait) is the interruption
      if (provision.signal?.aborted && !(error instanceof InterruptedError)) throw new InterruptedError(String(provision.signal.reason ?? 'SIGINT'));
      throw error;
    }
    if (context.podSubnet !== undefined) context.environment['podSubnet'] = context.podSubnet;
    return this.provisioned(context, timings);
  }

  private async cleanUpAfterFailure(context: KindContext): Promise<void> {
    const { clusterName, keep, mode } = this.options;
    if (mode !== 'create' || !context.clusterCreated) return;
    if (keep) {
      context.progress.note?.(`kept kind cluster ${clusterName} for inspection (--keep); delete it with: kind delete cluster --name ${clusterName}`);
      return;
    }
    const phase = 'delete cluster (after the failure)';
    const clock = context.clock ?? systemClock();
    const start = clock.now();
    context.progress.phaseStarted?.(phase);
    try {
      const extra = await deleteKindCluster(this.deps.runner, clusterName, context.kubeconfigPath, this.deleteOptions(context, true));
      context.progress.phaseFinished?.(phase, clock.now() - start, `deleted kind cluster ${clusterName}${extra ? `; ${extra}` : ''}`);
    } catch (deleteError) {
      // The run already failed with a more important error, which the caller gets; this one is reported beside it.
      context.progress.phaseFailed?.(phase, deleteError, clock.now() - start);
      context.progress.note?.(`kind cluster ${clusterName} could not be deleted after the failure: ${describeError(deleteError)}`);
    }
  }

  /** After a failed or interrupted create, late node containers are looked for a few more times. */
  private deleteOptions(context: KindContext, afterFailure: boolean): DeleteKindClusterOptions {
    return {
      timeoutMs: this.options.timeouts.commandMs * 4,
      ...(context.createdNetwork !== undefined ? { createdNetwork: context.createdNetwork } : {}),
      ...(afterFailure && context.createInterrupted ? { straggerChecks: 5 } : {}),
      ...(this.deps.sleep ? { sleep: this.deps.sleep } : {}),
    };
  }

  private provisioned(context: KindContext, timings: { name: string; ms: number }[]): ProvisionedCluster {
    const { clusterName, keep, mode } = this.options;
    const runner = this.deps.runner;
    const deleteOptions = this.deleteOptions(context, false);
    let released: Promise<ReleaseOutcome> | undefined;
    return {
      provider: 'kind',
      client: clientOf(context),
      kubeconfigPath: context.kubeconfigPath,
      dockerNetwork: process.env['KIND_EXPERIMENTAL_DOCKER_NETWORK'] || KIND_DOCKER_NETWORK,
      environment: { ...context.environment },
      timings: [...timings],
      release(): Promise<ReleaseOutcome> {
        released ??= (async (): Promise<ReleaseOutcome> => {
          if (mode === 'reuse') return { deleted: false, detail: `left kind cluster ${clusterName} as it was (--reuse)` };
          if (keep) return { deleted: false, detail: `kept kind cluster ${clusterName} (--keep); delete it with: kind delete cluster --name ${clusterName}` };
          const extra = await deleteKindCluster(runner, clusterName, context.kubeconfigPath, deleteOptions);
          return { deleted: true, detail: `deleted kind cluster ${clusterName}${extra ? `; ${extra}` : ''}` };
        })();
        return released;
      },
    };
  }
}
