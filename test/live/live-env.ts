/**
 * Where live tests find their cluster: $KUBECONFIG, else the local test cluster's kubeconfig
 * (test/cluster/up.sh). Without one, live tests are skipped (e.g. the unit job on GitHub, which has no
 * cluster), unless NETPOL_E2E_REQUIRE_LIVE=1, which .ci/run sets: a CI run that silently skipped the live half
 * would prove nothing.
 */
import { existsSync } from 'node:fs';

export const LOCAL_CLUSTER_KUBECONFIG = '/var/lib/netpol-e2e/cluster/kubeconfig/admin.kubeconfig';

export function liveKubeconfig(): string | undefined {
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (existsSync(LOCAL_CLUSTER_KUBECONFIG)) return LOCAL_CLUSTER_KUBECONFIG;
  return undefined;
}

/** Call from a `before` hook: returns the kubeconfig, skips the suite, or fails in CI. */
export function requireLiveCluster(context: Mocha.Context): string {
  const kubeconfig = liveKubeconfig();
  if (kubeconfig) return kubeconfig;
  if (process.env.NETPOL_E2E_REQUIRE_LIVE === '1') {
    throw new Error('live tests need a cluster (NETPOL_E2E_REQUIRE_LIVE=1): run `npm run cluster:up` first and export KUBECONFIG');
  }
  context.skip();
}
