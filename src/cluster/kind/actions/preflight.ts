/** Phase "preflight": Docker reachable, kind present (and its version), the cluster name free (or, for --reuse, taken). */
import { PreflightError } from '../../../util/index.js';
import type { ClusterAction } from '../../types.js';
import { KIND_VERSION } from '../../versions.js';
import type { KindContext } from '../kind-context.js';
import { checkDocker, checkKind, compareVersions, listKindClusters } from '../preflight.js';

export const preflight: ClusterAction<KindContext> = {
  name: 'preflight',
  async execute(context) {
    const commandOptions = { timeoutMs: context.options.timeouts.commandMs, ...(context.signal ? { signal: context.signal } : {}) };
    const docker = await checkDocker(context.deps.runner, commandOptions);
    const kind = await checkKind(context.deps.runner, commandOptions);
    context.environment['docker'] = docker;
    context.environment['kind'] = kind;
    if (compareVersions(kind, KIND_VERSION) !== 0) {
      context.progress.note?.(
        `kind ${kind} is installed; the pinned node image was built for kind ${KIND_VERSION} (other kind releases are supported on a best-effort basis)`,
      );
    }
    const { clusterName, mode } = context.options;
    const clusters = await listKindClusters(context.deps.runner, commandOptions);
    if (mode === 'create' && clusters.includes(clusterName)) {
      throw new PreflightError(`a kind cluster named "${clusterName}" already exists`, {
        hint: `run against it with --reuse ${clusterName}, or delete it first: kind delete cluster --name ${clusterName}`,
      });
    }
    if (mode === 'reuse' && !clusters.includes(clusterName)) {
      throw new PreflightError(`--reuse ${clusterName}: there is no kind cluster of that name (existing: ${clusters.join(', ') || 'none'})`, {
        hint: 'name an existing cluster (kind get clusters), or drop --reuse to create one',
      });
    }
    return `docker ${docker}, kind ${kind}`;
  },
};
