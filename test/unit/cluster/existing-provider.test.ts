import { expect } from 'chai';
import { ExistingClusterProvider } from '../../../src/cluster/existing/existing-provider.js';
import { describeAccessCheck, REQUIRED_ACCESS } from '../../../src/cluster/existing/required-access.js';
import { ClusterError } from '../../../src/util/errors.js';
import { FakeKubeClient, RecordingRunner } from './fakes.js';

function provider(client: FakeKubeClient, selections: unknown[] = []): ExistingClusterProvider {
  return new ExistingClusterProvider(
    { kubeconfig: '/etc/netpol/staging.kubeconfig', context: 'staging' },
    {
      runner: new RecordingRunner(() => expect.fail('the existing provider runs no commands')),
      download: async () => expect.fail('the existing provider downloads nothing'),
      createClient: async (selection) => {
        selections.push(selection);
        return client;
      },
    },
  );
}

describe('ExistingClusterProvider', () => {
  it('connects with --kubeconfig/--context, reports the version, checks every permission, creates nothing', async () => {
    const client = new FakeKubeClient();
    const checked: string[] = [];
    client.access = (check) => {
      checked.push(describeAccessCheck(check));
      return { check, allowed: true };
    };
    const selections: unknown[] = [];
    const cluster = await provider(client, selections).provision({ runDir: '/nonexistent' });
    expect(selections).to.deep.equal([{ kubeconfig: '/etc/netpol/staging.kubeconfig', context: 'staging' }]);
    expect(cluster.environment).to.deep.equal({ provider: 'existing', context: 'kind-netpol-e2e', server: 'https://127.0.0.1:40000', kubernetesVersion: 'v1.37.0' });
    expect(checked).to.have.length(REQUIRED_ACCESS.length);
    expect(checked).to.include.members([
      'create namespaces cluster-wide',
      'delete namespaces cluster-wide',
      'create pods in all namespaces',
      'create pods/exec in all namespaces',
      'get pods/exec in all namespaces',
      'get pods/log in all namespaces',
      'list events in all namespaces',
      'patch networkpolicies (API group networking.k8s.io) in all namespaces',
      'delete services in all namespaces',
    ]);
    expect(client.applied).to.deep.equal([]);
    expect(await cluster.release()).to.deep.equal({ deleted: false, detail: 'left the cluster of context kind-netpol-e2e as it was (it was not created by this run)' });
  });

  it('refuses with one message listing each missing permission and pointing at rbac/', async () => {
    const client = new FakeKubeClient();
    client.access = (check) =>
      check.resource === 'pods/exec' || (check.resource === 'namespaces' && check.verb === 'delete')
        ? { check, allowed: false, ...(check.verb === 'create' ? { reason: 'no RBAC policy matched' } : {}) }
        : { check, allowed: true };
    const error = (await provider(client).provision({ runDir: '/nonexistent' }).catch((e: unknown) => e)) as ClusterError;
    expect(error).to.be.instanceOf(ClusterError);
    expect(error.message).to.equal(
      [
        `context "kind-netpol-e2e" lacks 3 of the ${REQUIRED_ACCESS.length} permissions a run needs; nothing was created:`,
        '  - delete namespaces cluster-wide',
        '  - create pods/exec in all namespaces (no RBAC policy matched)',
        '  - get pods/exec in all namespaces',
      ].join('\n'),
    );
    expect(error.hint).to.contain('rbac/netpol-e2e-runner.yaml');
  });
});
