import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  manifestImages,
  prepareCalicoManifest,
  resolveCalicoSource,
  setCalicoPoolCidr,
  sha256Of,
  type Downloader,
} from '../../../src/cluster/calico/calico-manifest.js';
import { parseManifest } from '../../../src/cluster/install/parse-manifest.js';
import { CALICO_MANIFEST_SHA256, CALICO_VERSION, calicoManifestUrl } from '../../../src/cluster/versions.js';
import { ClusterError, InputError } from '../../../src/util/errors.js';

const MINI = fileURLToPath(new URL('./fixtures/mini-calico.yaml', import.meta.url));
const miniBytes = (): Uint8Array => new Uint8Array(readFileSync(MINI));

function serving(bytes: Uint8Array, urls: string[] = []): Downloader {
  return async (url) => {
    urls.push(url);
    return bytes;
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('resolveCalicoSource', () => {
  it('pins the default release to its recorded checksum and the release URL', () => {
    expect(resolveCalicoSource({ version: CALICO_VERSION })).to.deep.equal({
      kind: 'release',
      version: 'v3.33.0',
      url: 'https://raw.githubusercontent.com/projectcalico/calico/v3.33.0/manifests/calico.yaml',
      sha256: CALICO_MANIFEST_SHA256['v3.33.0'],
    });
    expect(CALICO_MANIFEST_SHA256[CALICO_VERSION]).to.match(/^[0-9a-f]{64}$/);
  });

  it('refuses a version without a recorded checksum unless one is given', () => {
    const error = (() => {
      try {
        resolveCalicoSource({ version: 'v3.99.0' });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as InputError;
    expect(error).to.be.instanceOf(InputError);
    expect(error.message).to.contain("--calico-version: no SHA-256 is recorded for Calico v3.99.0's manifest");
    expect(error.hint).to.contain('--calico-manifest-sha256');
    const sha = 'a'.repeat(64);
    expect(resolveCalicoSource({ version: 'v3.99.0', sha256: sha.toUpperCase() })).to.deep.include({ kind: 'release', sha256: sha, url: calicoManifestUrl('v3.99.0') });
  });

  it('rejects a malformed checksum, and takes a local file with or without one', () => {
    expect(() => resolveCalicoSource({ version: CALICO_VERSION, sha256: 'abc' })).to.throw(InputError, 'expected 64 hexadecimal digits');
    expect(resolveCalicoSource({ version: CALICO_VERSION, manifestFile: 'calico.yaml' })).to.deep.equal({ kind: 'file', path: path.resolve('calico.yaml'), sha256: undefined });
  });
});

describe('prepareCalicoManifest', () => {
  it('downloads the release URL, verifies the checksum, sets the pool CIDR and lists the images', async () => {
    const bytes = miniBytes();
    const urls: string[] = [];
    const source = { kind: 'release' as const, version: 'v3.33.0', url: calicoManifestUrl('v3.33.0'), sha256: sha256Of(bytes) };
    const prepared = await prepareCalicoManifest(source, '192.168.0.0/16', serving(bytes, urls), { timeoutMs: 1000 });
    expect(urls).to.deep.equal([source.url]);
    expect(prepared.verified).to.equal(true);
    expect(prepared.sha256).to.equal(source.sha256);
    expect(prepared.objects.map((o) => `${o.object.kind} ${o.object.metadata.name}`)).to.deep.equal([
      'ConfigMap calico-config',
      'CustomResourceDefinition ippools.crd.projectcalico.org',
      'ServiceAccount calico-node',
      'DaemonSet calico-node',
      'Deployment calico-kube-controllers',
    ]);
    const ds = prepared.objects[3]!.object as unknown as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } };
    expect(ds.spec.template.spec.containers[0]!.env).to.deep.equal([
      { name: 'CALICO_IPV4POOL_IPIP', value: 'Always' },
      { name: 'CALICO_IPV4POOL_CIDR', value: '192.168.0.0/16' },
    ]);
    expect(prepared.images).to.deep.equal(['quay.io/calico/cni:v3.33.0', 'quay.io/calico/node:v3.33.0', 'quay.io/calico/kube-controllers:v3.33.0']);
  });

  it('refuses a download whose checksum differs, naming both checksums and the URL', async () => {
    const bytes = miniBytes();
    const expected = 'f'.repeat(64);
    const source = { kind: 'release' as const, version: 'v3.33.0', url: calicoManifestUrl('v3.33.0'), sha256: expected };
    const error = (await caught(prepareCalicoManifest(source, '192.168.0.0/16', serving(bytes), { timeoutMs: 1000 }))) as ClusterError;
    expect(error).to.be.instanceOf(ClusterError);
    expect(error.message).to.equal(`the Calico manifest ${source.url} has SHA-256 ${sha256Of(bytes)}, expected ${expected}; it was not applied`);
    expect(error.hint).to.contain('--calico-manifest-sha256');
  });

  it('a failed download is a ClusterError pointing at --calico-manifest', async () => {
    const source = resolveCalicoSource({ version: CALICO_VERSION });
    const failing: Downloader = async () => {
      throw new Error('HTTP 503 Service Unavailable');
    };
    const error = (await caught(prepareCalicoManifest(source, '192.168.0.0/16', failing, { timeoutMs: 60_000 }))) as ClusterError;
    expect(error.message).to.equal(`downloading the Calico manifest ${source.kind === 'release' ? source.url : ''} failed within 1 min: HTTP 503 Service Unavailable`);
    expect(error.hint).to.contain('--calico-manifest <file>');
  });

  it('reads a local manifest (air-gapped), verifying it only when a checksum is given', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'netpol-calico-'));
    try {
      const file = path.join(dir, 'calico.yaml');
      writeFileSync(file, miniBytes());
      const never: Downloader = async () => expect.fail('a local manifest must not be downloaded');
      const unverified = await prepareCalicoManifest({ kind: 'file', path: file, sha256: undefined }, '10.1.0.0/16', never, { timeoutMs: 1000 });
      expect(unverified.verified).to.equal(false);
      const verified = await prepareCalicoManifest({ kind: 'file', path: file, sha256: sha256Of(miniBytes()) }, '10.1.0.0/16', never, { timeoutMs: 1000 });
      expect(verified.verified).to.equal(true);
      const wrong = await caught(prepareCalicoManifest({ kind: 'file', path: file, sha256: '0'.repeat(64) }, '10.1.0.0/16', never, { timeoutMs: 1000 }));
      expect(wrong).to.be.instanceOf(ClusterError);
      const missing = await caught(prepareCalicoManifest({ kind: 'file', path: path.join(dir, 'nope.yaml'), sha256: undefined }, '10.1.0.0/16', never, { timeoutMs: 1000 }));
      expect(missing).to.be.instanceOf(InputError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('setCalicoPoolCidr', () => {
  it('does not modify its input', () => {
    const objects = parseManifest(readFileSync(MINI, 'utf8'), 'mini.yaml');
    const before = JSON.stringify(objects);
    setCalicoPoolCidr(objects, '10.9.0.0/16');
    expect(JSON.stringify(objects)).to.equal(before);
  });

  it('refuses a manifest without the calico-node DaemonSet', () => {
    const objects = parseManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: kube-system}\n', 'other.yaml');
    expect(() => setCalicoPoolCidr(objects, '10.9.0.0/16')).to.throw(ClusterError, 'other.yaml has no DaemonSet kube-system/calico-node');
  });

  it('manifestImages is empty for objects without pod templates', () => {
    expect(manifestImages(parseManifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'x.yaml'))).to.deep.equal([]);
  });
});
