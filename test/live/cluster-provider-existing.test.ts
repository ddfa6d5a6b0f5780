/**
 * `--cluster existing` against the local test cluster, with the identities rbac/ describes: the runner service
 * account bound by rbac/netpol-e2e-runner.yaml passes every permission check; an unbound one is refused with the
 * full list; and rbac/netpol-e2e-runner-guard.yaml holds the runner to namespaces labelled as netpol-e2e's.
 * Everything applied here is deleted afterwards.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { createKubeClient } from '../../src/kube/kube-client.js';
import { loadKubeConfig } from '../../src/kube/load-kube-config.js';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, type KubeClient, type ObjectRef } from '../../src/kube/types.js';
import { ExistingClusterProvider } from '../../src/cluster/existing/existing-provider.js';
import { REQUIRED_ACCESS } from '../../src/cluster/existing/required-access.js';
import { parseManifest } from '../../src/cluster/install/parse-manifest.js';
import { ClusterError, KubeApiError } from '../../src/util/errors.js';
import { poll, pollDone, pollPending } from '../../src/util/poll.js';
import { requireLiveCluster } from './live-env.js';

const RBAC = fileURLToPath(new URL('../../rbac/netpol-e2e-runner.yaml', import.meta.url));
const GUARD = fileURLToPath(new URL('../../rbac/netpol-e2e-runner-guard.yaml', import.meta.url));
const SYSTEM_NAMESPACE = 'netpol-e2e-system';

function refsOf(file: string): ObjectRef[] {
  return parseManifest(readFileSync(file, 'utf8'), file).map(({ object }) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  }));
}

describe('live: existing cluster provider with rbac/', function () {
  this.timeout(240_000);
  const suffix = randomBytes(3).toString('hex');
  const ownNamespace = `netpol-e2e-rbac-${suffix}`;
  const foreignNamespace = `rbac-foreign-${suffix}`;
  let admin: KubeClient;
  let adminKubeconfig: string;
  let dir: string;

  /** A kubeconfig for a service account of netpol-e2e-system, with a fresh token. */
  async function kubeconfigFor(serviceAccount: string): Promise<string> {
    const loaded = loadKubeConfig({ kubeconfig: adminKubeconfig });
    const cluster = loaded.config.getCurrentCluster()!;
    const core = loaded.config.makeApiClient(CoreV1Api);
    const request = await core.createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace: SYSTEM_NAMESPACE,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds: 600 } },
    });
    const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
    const file = path.join(dir, `${serviceAccount}.kubeconfig`);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: local',
        '  cluster:',
        `    server: ${cluster.server}`,
        ...(ca ? [`    certificate-authority-data: ${ca}`] : ['    insecure-skip-tls-verify: true']),
        'users:',
        `- name: ${serviceAccount}`,
        '  user:',
        `    token: ${request.status?.token}`,
        'contexts:',
        `- name: ${serviceAccount}`,
        '  context:',
        '    cluster: local',
        `    user: ${serviceAccount}`,
        `current-context: ${serviceAccount}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    return file;
  }

  before(async function () {
    adminKubeconfig = requireLiveCluster(this);
    admin = await createKubeClient({ kubeconfig: adminKubeconfig });
    dir = mkdtempSync(path.join(tmpdir(), 'netpol-rbac-'));
    for (const { object } of parseManifest(readFileSync(RBAC, 'utf8'), RBAC)) await admin.apply(object);
    await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'netpol-e2e-nobody', namespace: SYSTEM_NAMESPACE } });
  });

  after(async () => {
    if (!admin) return;
    for (const ref of [...refsOf(GUARD), ...refsOf(RBAC).reverse()]) await admin.delete(ref);
    for (const name of [ownNamespace, foreignNamespace]) await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name });
    rmSync(dir, { recursive: true, force: true });
  });

  it('the runner bound by rbac/netpol-e2e-runner.yaml has every permission a run needs', async () => {
    const kubeconfig = await kubeconfigFor('netpol-e2e-runner');
    const cluster = await new ExistingClusterProvider({ kubeconfig }).provision({ runDir: dir });
    expect(cluster.environment['context']).to.equal('netpol-e2e-runner');
    expect(cluster.environment['kubernetesVersion']).to.match(/^v1\./);
    expect((await cluster.release()).deleted).to.equal(false);
  });

  it('an identity without the binding is refused with every missing permission listed', async () => {
    const kubeconfig = await kubeconfigFor('netpol-e2e-nobody');
    const error = await new ExistingClusterProvider({ kubeconfig }).provision({ runDir: dir }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    const lines = (error as ClusterError).message.split('\n');
    expect(lines[0]).to.equal(`context "netpol-e2e-nobody" lacks ${REQUIRED_ACCESS.length} of the ${REQUIRED_ACCESS.length} permissions a run needs; nothing was created:`);
    expect(lines).to.include('  - create namespaces cluster-wide');
    expect(lines).to.include('  - create pods/exec in all namespaces');
    expect((error as ClusterError).hint).to.contain('rbac/netpol-e2e-runner.yaml');
  });

  it('rbac/netpol-e2e-runner-guard.yaml keeps the runner to labelled namespaces', async () => {
    for (const { object } of parseManifest(readFileSync(GUARD, 'utf8'), GUARD)) await admin.apply(object);
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: foreignNamespace } });
    const runner = await createKubeClient({ kubeconfig: await kubeconfigFor('netpol-e2e-runner') });

    // Admission policies take effect asynchronously: wait until an unlabelled namespace is refused.
    const unlabelled = await poll(
      async () => {
        const error = await runner.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${ownNamespace}-x` } }).then(
          async () => {
            await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: `${ownNamespace}-x` });
            return undefined;
          },
          (e: unknown) => e,
        );
        return error ? pollDone(error) : pollPending('the unlabelled namespace was still admitted');
      },
      { timeoutMs: 60_000, intervalMs: 1000, describe: 'the guard policy to take effect' },
    );
    expect(unlabelled).to.be.instanceOf(KubeApiError);
    expect((unlabelled as KubeApiError).message).to.contain('netpol-e2e-runner may only create, change and delete namespaces labelled app.kubernetes.io/managed-by=netpol-e2e');

    await runner.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ownNamespace, labels: { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE } } });
    await runner.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ownNamespace }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } });

    const inForeign = await runner
      .apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: foreignNamespace }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } })
      .catch((e: unknown) => e);
    expect(inForeign).to.be.instanceOf(KubeApiError);
    expect((inForeign as KubeApiError).message).to.contain('may only act inside namespaces labelled app.kubernetes.io/managed-by=netpol-e2e');

    const deleteForeign = await runner.delete({ apiVersion: 'v1', kind: 'Namespace', name: foreignNamespace }).catch((e: unknown) => e);
    expect(deleteForeign).to.be.instanceOf(KubeApiError);
    await runner.delete({ apiVersion: 'v1', kind: 'Namespace', name: ownNamespace });
  });
});
