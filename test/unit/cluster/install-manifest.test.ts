import { expect } from 'chai';
import { installManifest, orderForInstall } from '../../../src/cluster/install/install-manifest.js';
import { parseManifest } from '../../../src/cluster/install/parse-manifest.js';
import { ClusterError, KubeApiError, TimeoutError } from '../../../src/util/errors.js';
import { fakeClock, FakeKubeClient, readyStatus } from './fakes.js';

const MANIFEST = [
  'apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: default-pool}\nspec: {cidr: 192.168.0.0/16}',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: calico-system}',
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ippools.crd.projectcalico.org}',
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: calico-system}',
  'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: felixconfigurations.crd.projectcalico.org}',
].join('\n---\n');

const options = { crdEstablishedMs: 10_000, pollIntervalMs: 1000, clock: fakeClock() };

describe('installManifest', () => {
  it('applies CRDs first, waits until they are Established, then Namespaces, then the rest in document order', async () => {
    const client = new FakeKubeClient();
    // Each CRD reports Established only on the third look.
    client.status = (object, gets) => (object.kind === 'CustomResourceDefinition' ? { conditions: [{ type: 'Established', status: gets >= 3 ? 'True' : 'False' }] } : readyStatus(object));
    const result = await installManifest(client, parseManifest(MANIFEST, 'm.yaml'), options);
    expect(client.applied).to.deep.equal([
      'CustomResourceDefinition ippools.crd.projectcalico.org',
      'CustomResourceDefinition felixconfigurations.crd.projectcalico.org',
      'Namespace calico-system',
      'IPPool default-pool',
      'ConfigMap calico-system/cfg',
    ]);
    expect(result.crds).to.deep.equal(['ippools.crd.projectcalico.org', 'felixconfigurations.crd.projectcalico.org']);
    // Both CRDs were looked at until Established before the first non-CRD was applied.
    expect(client.gets.filter((g) => g.startsWith('CustomResourceDefinition ippools'))).to.have.length(3);
    expect(client.gets.filter((g) => g.startsWith('CustomResourceDefinition felix'))).to.have.length(3);
  });

  it('a CRD that never becomes Established stops the install with its conditions', async () => {
    const client = new FakeKubeClient();
    client.status = (object) =>
      object.kind === 'CustomResourceDefinition' ? { conditions: [{ type: 'NamesAccepted', status: 'False', reason: 'KindConflict', message: 'IPPool is already in use' }] } : undefined;
    const error = await installManifest(client, parseManifest(MANIFEST, 'm.yaml'), options).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TimeoutError);
    expect((error as TimeoutError).message).to.contain('CustomResourceDefinition ippools.crd.projectcalico.org to be Established');
    expect((error as TimeoutError).message).to.contain('NamesAccepted=False (KindConflict: IPPool is already in use)');
    expect(client.applied).to.not.include('Namespace calico-system');
  });

  it('a rejected object names its manifest position and keeps the API error as cause', async () => {
    const client = new FakeKubeClient();
    const rejection = new KubeApiError('the API server rejected ConfigMap calico-system/cfg as invalid (422)', { status: 422, hint: 'fix the field' });
    client.applyError = (object) => (object.kind === 'ConfigMap' ? rejection : undefined);
    const error = (await installManifest(client, parseManifest(MANIFEST, 'm.yaml'), options).catch((e: unknown) => e)) as ClusterError;
    expect(error).to.be.instanceOf(ClusterError);
    expect(error.message).to.equal('applying ConfigMap calico-system/cfg (m.yaml:6:1) failed: the API server rejected ConfigMap calico-system/cfg as invalid (422)');
    expect(error.hint).to.equal('fix the field');
    expect(error.cause).to.equal(rejection);
  });

  it('orderForInstall is stable within each group', () => {
    const order = orderForInstall(parseManifest(MANIFEST, 'm.yaml')).map((o) => o.object.kind);
    expect(order).to.deep.equal(['CustomResourceDefinition', 'CustomResourceDefinition', 'Namespace', 'IPPool', 'ConfigMap']);
  });
});
