/** generate --from-cluster against an in-memory, read-only API: what it reads, what it writes, what it infers. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { snapshotCluster } from '../../../src/generate/snapshot-cluster.js';
import type { KubeClient, KubeObject, ListOptions } from '../../../src/kube/types.js';
import { loadSuite } from '../../../src/suite/index.js';
import { expectVerifiesAndMatchesModel } from '../../support/generated-suite-checks.js';

/** Answers list calls only; anything else would be a write or an exec, which a snapshot must never do. */
class ReadOnlyCluster implements KubeClient {
  readonly contextName = 'staging';
  readonly server = 'https://staging.example:6443';
  readonly calls: string[] = [];
  constructor(private readonly objects: KubeObject[]) {}
  async list<T extends KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    this.calls.push(`list ${kind}${options.namespace ? ` -n ${options.namespace}` : ''}`);
    return this.objects.filter((o) => o.apiVersion === apiVersion && o.kind === kind && (options.namespace === undefined || o.metadata.namespace === options.namespace)) as T[];
  }
  private refuse(what: string): never {
    throw new Error(`a snapshot must be read-only, but it called ${what}`);
  }
  version = async () => this.refuse('version');
  apply = async () => this.refuse('apply');
  get = async () => this.refuse('get');
  delete = async () => this.refuse('delete');
  exec = async () => this.refuse('exec');
  logs = async () => this.refuse('logs');
  checkAccess = async () => this.refuse('checkAccess');
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const pod = (namespace: string, name: string, labels: Record<string, string>, ports: object[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels, ...((extra['metadata'] as object) ?? {}) },
  spec: { containers: [{ name: 'c', ports }] },
  status: { phase: (extra['phase'] as string) ?? 'Running' },
});

describe('generate --from-cluster', () => {
  it('reads namespaces, running pods and policies only, and writes a suite that verifies', async () => {
    const cluster = new ReadOnlyCluster([
      ns('shop', { team: 'shop' }),
      ns('monitoring'),
      ns('kube-system'),
      ns('default'),
      ns('netpol-e2e-abc-x', { 'app.kubernetes.io/managed-by': 'netpol-e2e' }),
      pod('shop', 'web-7d9f8c-abcde', { app: 'web', 'pod-template-hash': '7d9f8c' }, [{ containerPort: 80, name: 'http' }], { metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f8c' }] } }),
      pod('shop', 'web-7d9f8c-fghij', { app: 'web', 'pod-template-hash': '7d9f8c' }, [{ containerPort: 80, name: 'http' }], { metadata: { ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f8c' }] } }),
      pod('shop', 'api', { app: 'api' }, [{ containerPort: 8080, name: 'http' }]),
      pod('shop', 'job-1', { app: 'job' }, [], { phase: 'Succeeded' }),
      pod('monitoring', 'prometheus-0', { app: 'prometheus', 'statefulset.kubernetes.io/pod-name': 'prometheus-0' }, [{ containerPort: 9090 }]),
      pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }, [{ containerPort: 53, protocol: 'UDP' }]),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'web-from-monitoring', namespace: 'shop', resourceVersion: '42', uid: 'u', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'http' }] }] },
      },
    ]);
    const dir = await mkdtemp(path.join(tmpdir(), 'netpol-snapshot-'));
    const outputFile = path.join(dir, 'staging.yaml');
    const { text, suite } = await snapshotCluster({ name: 'staging', cwd: dir, suiteDir: dir, outputFile, namespaces: [], env: {}, client: cluster });
    expect(cluster.calls).to.deep.equal(['list Namespace', 'list Pod -n shop', 'list NetworkPolicy -n shop', 'list Pod -n monitoring', 'list NetworkPolicy -n monitoring']);
    expect(suite.fixture.namespaces.map((n) => [n.name, n.labels])).to.deep.equal([['shop', { team: 'shop' }], ['monitoring', {}]]);
    expect(suite.fixture.workloads.map((w) => `${w.namespace}/${w.name} ${JSON.stringify(w.labels)} ${w.why.join()}`)).to.deep.equal([
      'monitoring/prometheus-0 {"app":"prometheus"} running pod prometheus-0',
      'shop/api {"app":"api"} running pod api',
      'shop/web {"app":"web"} 2 running pods with these labels',
    ]);
    const written = await readFile(path.join(dir, 'staging-policies', 'shop.yaml'), 'utf8');
    expect(written).to.contain('name: web-from-monitoring').and.not.contain('resourceVersion').and.not.contain('last-applied');
    await writeFile(outputFile, text);
    const loaded = await loadSuite(outputFile);
    expectVerifiesAndMatchesModel(loaded, text);
    const http = suite.matrices.find((m) => m.port.port === 80);
    const cell = (from: string, to: string): string | undefined => http?.cells[http.rows.indexOf(from)]?.[http.columns.indexOf(to)];
    expect(cell('monitoring/prometheus-0', 'shop/web')).to.equal('allow');
    expect(cell('shop/api', 'shop/web')).to.equal('deny');
  });

  it('--namespace must name namespaces that exist and may be part of a suite', async () => {
    const cluster = new ReadOnlyCluster([ns('shop'), ns('kube-system')]);
    const options = { name: 's', cwd: '/tmp', suiteDir: '/tmp', outputFile: '/tmp/s.yaml', env: {}, client: cluster };
    await snapshotCluster({ ...options, namespaces: ['nope'] }).then(
      () => expect.fail('accepted a missing namespace'),
      (error: Error) => expect(error.message).to.contain('--namespace nope: no such namespace'),
    );
    await snapshotCluster({ ...options, namespaces: ['kube-system'] }).then(
      () => expect.fail('accepted kube-system'),
      (error: Error) => expect(error.message).to.contain('cannot be part of a suite'),
    );
  });
});
