/**
 * The kube facade against a real API server (the local test cluster, or $KUBECONFIG): apply/get/list/delete with
 * run labels, exec exit codes and transport errors, logs, access reviews. Everything lives in one namespace of
 * this run, deleted at the end.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createKubeClient } from '../../src/kube/kube-client.js';
import { FIELD_MANAGER, LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_RUN_ID, type KubeClient, type KubeObject } from '../../src/kube/types.js';
import { ExecError, KubeApiError } from '../../src/util/errors.js';
import { poll, pollDone, pollPending } from '../../src/util/poll.js';
import { requireLiveCluster } from './live-env.js';

const PROBE_IMAGE = process.env['NETPOL_E2E_PROBE_IMAGE'] ?? 'localhost/netpol-e2e/probe:k8s-v1.32.13';

describe('live: kube client', function () {
  this.timeout(180_000);
  const runId = `kube-${randomBytes(3).toString('hex')}`;
  const namespace = `netpol-e2e-${runId}`;
  const labels = { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_RUN_ID]: runId };
  let client: KubeClient;

  before(async function () {
    const kubeconfig = requireLiveCluster(this);
    client = await createKubeClient({ kubeconfig });
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } });
  });

  after(async () => {
    if (client) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  });

  it('watches a collection: the objects that exist, then each change, until stopped', async () => {
    const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data });
    await client.apply(cm('watched-1', { a: '1' }));
    const events: string[] = [];
    let closed = false;
    const watch = client.watch?.bind(client);
    expect(watch, 'the client-node KubeClient can watch').not.to.equal(undefined);
    const handle = await (watch as NonNullable<KubeClient['watch']>)<KubeObject>(
      'v1',
      'ConfigMap',
      { namespace, labelSelector: `${LABEL_RUN_ID}=${runId}` },
      (type, object) => events.push(`${type} ${object.kind}/${object.metadata.name}`),
      () => {
        closed = true;
      },
    );
    try {
      await client.apply(cm('watched-2', { b: '1' }));
      await client.apply(cm('watched-1', { a: '2' }));
      await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'watched-2' });
      const done = 'DELETED ConfigMap/watched-2';
      await poll(async () => (events.includes(done) ? pollDone(true) : pollPending(events.join(', '))), { timeoutMs: 30_000, intervalMs: 100, describe: done });
    } finally {
      handle.stop();
      await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'watched-1' });
    }
    // a foreground delete first marks the object (MODIFIED), then removes it
    expect(events.filter((e) => e !== 'MODIFIED ConfigMap/watched-2')).to.deep.equal(['ADDED ConfigMap/watched-1', 'ADDED ConfigMap/watched-2', 'MODIFIED ConfigMap/watched-1', 'DELETED ConfigMap/watched-2']);
    expect(closed, 'stop() does not report a close').to.equal(false);
    await poll(async () => ((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'watched-1' })) ? pollPending('still there') : pollDone(true)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      describe: 'the watched ConfigMap to be gone',
    });
  });

  it('reads the server version', async () => {
    expect((await client.version()).gitVersion).to.match(/^v1\.\d+\.\d+/);
  });

  it('applies, re-applies, gets, lists by run label and deletes a ConfigMap', async () => {
    const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace, labels }, data });
    const created = await client.apply(cm({ a: '1' }));
    expect(created.metadata['uid']).to.be.a('string');
    const managers = (created.metadata['managedFields'] as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    expect(managers).to.include(`${FIELD_MANAGER}/Apply`);

    const updated = await client.apply(cm({ a: '2', b: '3' }));
    expect(updated.metadata['uid']).to.equal(created.metadata['uid']);
    expect(updated['data']).to.deep.equal({ a: '2', b: '3' });

    const read = await client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'settings' });
    expect(read?.data).to.deep.equal({ a: '2', b: '3' });

    const listed = await client.list('v1', 'ConfigMap', { namespace, labelSelector: `${LABEL_RUN_ID}=${runId}` });
    expect(listed.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['ConfigMap/settings']);
    const namespaces = await client.list('v1', 'Namespace', { labelSelector: `${LABEL_RUN_ID}=${runId}` });
    expect(namespaces.map((o) => o.metadata.name)).to.deep.equal([namespace]);

    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'settings' });
    await poll(async () => ((await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'settings' })) ? pollPending('still there') : pollDone(true)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      describe: 'the ConfigMap to be gone',
    });
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'settings' });
  });

  it('turns a validation failure into a 422 KubeApiError naming the field', async () => {
    const error = await client
      .apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'invalid', namespace, labels }, data: { 'not a valid key!': 'x' } })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).status).to.equal(422);
    expect((error as KubeApiError).message).to.contain('data[not a valid key!]');
  });

  it('says which kind is not served when its CRD is missing', async () => {
    const error = await client.apply({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'x', labels } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).message).to.equal('the API server does not serve kind IPPool in crd.projectcalico.org/v1, so it cannot patch IPPool x');
  });

  describe('exec', () => {
    before(async () => {
      await client.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'probe', namespace, labels },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'probe', image: PROBE_IMAGE, imagePullPolicy: 'Never', args: ['pause'] }],
        },
      });
      await poll(
        async () => {
          const pod = await client.get<KubeObject & { status?: { phase?: string; conditions?: { type: string; status: string }[] } }>({ apiVersion: 'v1', kind: 'Pod', namespace, name: 'probe' });
          return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? pollDone(true) : pollPending(`phase ${pod?.status?.phase}`);
        },
        { timeoutMs: 120_000, intervalMs: 500, describe: `pod ${namespace}/probe to be Ready` },
      );
    });

    it('returns exit code 0 with stdout', async () => {
      expect(await client.exec(namespace, 'probe', ['sh', '-c', 'echo hello'], { timeoutMs: 20_000 })).to.deep.equal({ exitCode: 0, stdout: 'hello\n', stderr: '' });
    });

    it('returns exit code 3 with stdout and stderr, as a result', async () => {
      expect(await client.exec(namespace, 'probe', ['sh', '-c', 'echo out; echo err >&2; exit 3'], { container: 'probe', timeoutMs: 20_000 })).to.deep.equal({
        exitCode: 3,
        stdout: 'out\n',
        stderr: 'err\n',
      });
    });

    it('a missing binary is an ExecError, not an exit code', async () => {
      const error = await client.exec(namespace, 'probe', ['no-such-binary-netpol'], { timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExecError);
      expect((error as ExecError).message).to.contain('exec of no-such-binary-netpol in pod');
    });

    it('a missing pod is an ExecError naming the pod and argv', async () => {
      const error = await client.exec(namespace, 'no-such-pod', ['true'], { timeoutMs: 20_000 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExecError);
      expect((error as ExecError).message).to.match(new RegExp(`^exec of true in pod ${namespace}/no-such-pod failed: .*; pod ${namespace}/no-such-pod does not exist$`));
    });

    it('a command that outlives its timeout is an ExecError', async () => {
      const started = Date.now();
      const error = await client.exec(namespace, 'probe', ['sleep', '30'], { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExecError);
      expect((error as ExecError).message).to.contain('did not finish within 1.5 s');
      expect(Date.now() - started).to.be.lessThan(10_000);
    });

    it('reads the pod log', async () => {
      expect(await client.logs(namespace, 'probe', { tailLines: 5 })).to.be.a('string');
    });
  });

  it('checks access with SelfSubjectAccessReview', async () => {
    const results = await client.checkAccess([
      { verb: 'create', group: '', resource: 'namespaces' },
      { verb: 'create', group: '', resource: 'pods/exec', namespace },
      { verb: 'impersonate-nothing', group: 'netpol-e2e.invalid', resource: 'widgets' },
    ]);
    expect(results.map((r) => r.check.resource)).to.deep.equal(['namespaces', 'pods/exec', 'widgets']);
    expect(results.every((r) => typeof r.allowed === 'boolean')).to.equal(true);
    // The local cluster's admin kubeconfig may do anything; a narrower $KUBECONFIG may not.
    if (process.env['KUBECONFIG'] === undefined) expect(results[0]!.allowed).to.equal(true);
  });
});
