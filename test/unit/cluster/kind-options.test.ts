import path from 'node:path';
import { expect } from 'chai';
import { resolveKindOptions } from '../../../src/cluster/kind/kind-options.js';
import { createClusterProvider } from '../../../src/cluster/create-cluster-provider.js';
import { KindProvider } from '../../../src/cluster/kind/kind-provider.js';
import { ExistingClusterProvider } from '../../../src/cluster/existing/existing-provider.js';
import { InputError } from '../../../src/util/errors.js';

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(InputError);
    return (error as InputError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  return expect.fail('expected an InputError');
}

describe('resolveKindOptions', () => {
  it('defaults: create netpol-e2e, 2 workers, pinned image, 192.168.0.0/16, pinned Calico', () => {
    const o = resolveKindOptions({});
    expect(o).to.deep.include({ mode: 'create', clusterName: 'netpol-e2e', keep: false, workers: 2, podSubnet: '192.168.0.0/16', calicoVersion: 'v3.33.0' });
    expect(o.nodeImage).to.match(/^kindest\/node:v1\.37\.0@sha256:/);
    expect(o.cni).to.deep.include({ name: 'calico', version: 'v3.33.0' });
    expect(o.cni.name === 'calico' && o.cni.source.kind).to.equal('release');
  });

  it('--reuse names the cluster and switches to reuse mode', () => {
    expect(resolveKindOptions({ reuse: 'dev' })).to.deep.include({ mode: 'reuse', clusterName: 'dev' });
  });

  it('lists every problem at once', () => {
    expect(
      issues(() => resolveKindOptions({ reuse: 'Bad_Name', kindConfigFile: 'k.yaml', workers: -1, podSubnet: '300.1.0.0/16', calicoVersion: '3.33' })),
    ).to.deep.equal([
      "--reuse: \"Bad_Name\" is not a valid kind cluster name (lower-case letters, digits and '-', at most 50 characters)",
      '--kind-config: cannot be combined with --reuse: a reused cluster is not created',
      'workers: cannot be combined with --kind-config: set it in the kind config file instead',
      'podSubnet: cannot be combined with --kind-config: set it in the kind config file instead',
      'workers: expected a whole number from 0 to 20, found -1',
      'podSubnet: expected an IPv4 CIDR like 192.168.0.0/16, found "300.1.0.0/16"',
      '--calico-version: expected a Calico release like v3.33.0, found "3.33"',
    ]);
  });

  it('an unknown Calico version without a checksum is refused before anything runs', () => {
    expect(issues(() => resolveKindOptions({ calicoVersion: 'v3.40.0' }))[0]).to.contain("no SHA-256 is recorded for Calico v3.40.0's manifest");
    expect(resolveKindOptions({ calicoVersion: 'v3.40.0', calicoManifestSha256: 'b'.repeat(64) }).cni).to.have.nested.property('source.sha256', 'b'.repeat(64));
  });

  it('--cni: calico by default, kube-router with the published image unless --kube-router-image, or a manifest file', () => {
    expect(resolveKindOptions({}).cni.name).to.equal('calico');
    expect(resolveKindOptions({ cni: 'kube-router' }).cni).to.deep.equal({ name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.1.0' });
    expect(resolveKindOptions({ cni: 'kube-router', kubeRouterImage: 'local/kr:1' }).cni).to.deep.equal({ name: 'kube-router', image: 'local/kr:1' });
    expect(resolveKindOptions({ cniManifest: 'cni.yaml', cniManifestSha256: 'A'.repeat(64) }).cni).to.deep.equal({ name: 'manifest', path: path.resolve('cni.yaml'), sha256: 'a'.repeat(64) });
  });

  it('--cni: contradictions are listed before anything runs', () => {
    expect(issues(() => resolveKindOptions({ cni: 'cilium' }))).to.deep.equal(['--cni: expected one of calico, kube-router (or --cni-manifest <file>), found "cilium"']);
    expect(issues(() => resolveKindOptions({ cni: 'kube-router', calicoVersion: 'v3.32.1', calicoManifest: 'c.yaml' }))).to.deep.equal([
      '--calico-version: only applies to --cni calico (the CNI is kube-router)',
      '--calico-manifest: only applies to --cni calico (the CNI is kube-router)',
    ]);
    expect(issues(() => resolveKindOptions({ cni: 'calico', cniManifest: 'x.yaml', kubeRouterImage: 'i' }))).to.deep.equal([
      '--cni-manifest: replaces --cni: give one of them, not both (--cni calico)',
      '--kube-router-image: only applies to --cni kube-router',
    ]);
    expect(issues(() => resolveKindOptions({ cniManifestSha256: 'xyz' }))).to.deep.equal([
      '--cni-manifest-sha256: only applies to --cni-manifest',
      '--cni-manifest-sha256: expected 64 hexadecimal digits (a SHA-256), found "xyz"',
    ]);
  });
});

describe('createClusterProvider', () => {
  it('builds the provider for --cluster', () => {
    expect(createClusterProvider({ cluster: 'kind' })).to.be.instanceOf(KindProvider);
    expect(createClusterProvider({ cluster: 'existing', kubeconfig: 'k', context: 'c' })).to.be.instanceOf(ExistingClusterProvider);
  });

  it('refuses flags of the other provider, naming them', () => {
    expect(issues(() => createClusterProvider({ cluster: 'existing', reuse: 'x', keep: true, calicoVersion: 'v3.33.0' }))).to.deep.equal([
      '--reuse: only applies to --cluster kind (an existing cluster is not created or changed)',
      '--keep: only applies to --cluster kind (an existing cluster is not created or changed)',
      '--calico-version: only applies to --cluster kind (an existing cluster is not created or changed)',
    ]);
    expect(issues(() => createClusterProvider({ cluster: 'kind', kubeconfig: 'k' }))[0]).to.contain('--kubeconfig: only applies to --cluster existing');
  });
});
