/**
 * The client against a small in-process fake of the API server (plain HTTP): what goes over the wire for apply,
 * get, list, delete, logs, access reviews, and how failures come back. No cluster needed.
 */
import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKubeClient } from '../../../src/kube/kube-client.js';
import { FIELD_MANAGER, type KubeClient, type KubeObject } from '../../../src/kube/types.js';
import { KubeApiError } from '../../../src/util/errors.js';

interface Recorded {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

type Handler = (req: Recorded, res: ServerResponse) => boolean;

function json(res: ServerResponse, code: number, body: unknown): true {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}

function status(res: ServerResponse, code: number, reason: string, message: string, details: object = {}): true {
  return json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code, details });
}

const coreResources = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch'] },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch'] },
    { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch'] },
  ],
};

describe('ClientNodeKubeClient (against a fake API server)', () => {
  let server: Server;
  let dir: string;
  let client: KubeClient;
  let requests: Recorded[];
  let handlers: Handler[];

  const builtin: Handler = (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname === '/api/v1') return json(res, 200, coreResources);
    if (req.method === 'GET' && url.pathname === '/apis/apiextensions.k8s.io/v1') {
      return json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'apiextensions.k8s.io/v1',
        resources: [{ name: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, verbs: ['patch'] }],
      });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/apis/crd.projectcalico.org')) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (req.method === 'GET' && url.pathname === '/version') return json(res, 200, { gitVersion: 'v1.32.13', platform: 'linux/amd64', major: '1', minor: '32' });
    return false;
  };

  before(async () => {
    server = createServer((incoming: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (c: Buffer) => chunks.push(c));
      incoming.on('end', () => {
        const req: Recorded = {
          method: incoming.method ?? '',
          url: incoming.url ?? '',
          contentType: incoming.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(req);
        for (const handler of [...handlers, builtin]) if (handler(req, res)) return;
        status(res, 500, 'InternalError', `fake API server has no route for ${req.method} ${req.url}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    dir = mkdtempSync(path.join(tmpdir(), 'netpol-kube-client-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: http://127.0.0.1:${port}`,
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: fake',
        '  user:',
        '    token: t0ken',
        'contexts:',
        '- name: fake',
        '  context:',
        '    cluster: fake',
        '    user: fake',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    client = await createKubeClient({ kubeconfig });
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    requests = [];
    handlers = [];
  });

  it('knows its context and server', () => {
    expect(client.contextName).to.equal('fake');
    expect(client.server).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('applies with server-side apply: field manager, force, and the object exactly as given', async () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm1', namespace: 'demo', labels: { 'netpol-e2e.io/run-id': 'r1' } },
      data: { a: '1' },
    };
    handlers.push((req, res) =>
      req.method === 'PATCH' ? json(res, 200, { ...JSON.parse(req.body), metadata: { ...cm.metadata, uid: 'u-1', creationTimestamp: '2026-01-01T00:00:00Z' } }) : false,
    );
    const live = await client.apply(cm);
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch).to.not.equal(undefined);
    const url = new URL(patch!.url, 'http://x');
    expect(url.pathname).to.equal('/api/v1/namespaces/demo/configmaps/cm1');
    expect(url.searchParams.get('fieldManager')).to.equal(FIELD_MANAGER);
    expect(url.searchParams.get('force')).to.equal('true');
    expect(patch!.contentType).to.equal('application/apply-patch+yaml');
    expect(JSON.parse(patch!.body)).to.deep.equal(cm);
    // The live object comes back as plain JSON: strings stay strings.
    expect(live.metadata['uid']).to.equal('u-1');
    expect(live.metadata['creationTimestamp']).to.equal('2026-01-01T00:00:00Z');
  });

  it('sends CRD schemas untouched (default, enum, x-kubernetes-* survive)', async () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ippools.crd.projectcalico.org' },
      spec: {
        group: 'crd.projectcalico.org',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { mode: { type: 'string', enum: ['A', 'B'], default: 'A' } } },
                },
              },
            },
          },
        ],
      },
    };
    handlers.push((req, res) => (req.method === 'PATCH' ? json(res, 200, JSON.parse(req.body)) : false));
    await client.apply(crd);
    const patch = requests.find((r) => r.method === 'PATCH')!;
    expect(new URL(patch.url, 'http://x').pathname).to.equal('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ippools.crd.projectcalico.org');
    expect(JSON.parse(patch.body)).to.deep.equal(crd);
  });

  it('applying a kind whose CRD is not installed names the kind and the missing CRD', async () => {
    const error = await client
      .apply({ apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: 'default-ipv4-ippool' } })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).status).to.equal(404);
    expect((error as KubeApiError).message).to.equal(
      'the API server does not serve kind IPPool in crd.projectcalico.org/v1, so it cannot patch IPPool default-ipv4-ippool',
    );
    expect((error as KubeApiError).hint).to.contain('install the CustomResourceDefinition');
  });

  it('a kind missing from a served group is the same clear error', async () => {
    const error = await client.get({ apiVersion: 'v1', kind: 'Widget', name: 'w' }).catch((e: unknown) => e);
    expect((error as KubeApiError).message).to.equal('the API server does not serve kind Widget in v1, so it cannot get Widget w');
  });

  it('a forbidden apply is a KubeApiError with the RBAC hint', async () => {
    handlers.push((req, res) =>
      req.method === 'PATCH'
        ? status(res, 403, 'Forbidden', 'configmaps "x" is forbidden: User "system:serviceaccount:ci:runner" cannot patch resource "configmaps" in API group "" in the namespace "locked"', { name: 'x', kind: 'configmaps' })
        : false,
    );
    const error = await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'locked' } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).message).to.contain('forbidden (403): context "fake" may not patch configmaps in namespace "locked"');
    expect((error as KubeApiError).hint).to.contain('rbac/netpol-e2e-runner.yaml');
  });

  it('get returns the object, or undefined for 404', async () => {
    handlers.push((req, res) => {
      if (req.url === '/api/v1/namespaces/demo/configmaps/cm1') return json(res, 200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'demo' } });
      if (req.url === '/api/v1/namespaces/demo/configmaps/missing') return status(res, 404, 'NotFound', 'configmaps "missing" not found');
      return false;
    });
    const found = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'cm1' });
    expect(found?.metadata.name).to.equal('cm1');
    expect(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'missing' })).to.equal(undefined);
  });

  it('list follows continue tokens, passes selectors, and fills in apiVersion/kind of items', async () => {
    handlers.push((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname !== '/api/v1/namespaces/demo/configmaps') return false;
      if (url.searchParams.get('continue') === 'page2') return json(res, 200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: {}, items: [{ metadata: { name: 'c' } }] });
      return json(res, 200, { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { continue: 'page2' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });
    });
    const items = await client.list('v1', 'ConfigMap', { namespace: 'demo', labelSelector: 'netpol-e2e.io/run-id=r1', fieldSelector: 'metadata.name!=z' });
    expect(items.map((i) => i.metadata.name)).to.deep.equal(['a', 'b', 'c']);
    expect(items.every((i) => i.apiVersion === 'v1' && i.kind === 'ConfigMap')).to.equal(true);
    const lists = requests.filter((r) => r.url.startsWith('/api/v1/namespaces/demo/configmaps')).map((r) => new URL(r.url, 'http://x').searchParams);
    expect(lists).to.have.length(2);
    expect(lists[0]!.get('labelSelector')).to.equal('netpol-e2e.io/run-id=r1');
    expect(lists[0]!.get('fieldSelector')).to.equal('metadata.name!=z');
    expect(lists[1]!.get('continue')).to.equal('page2');
  });

  it('delete uses foreground propagation and treats 404 as done', async () => {
    handlers.push((req, res) => {
      if (req.method !== 'DELETE') return false;
      if (req.url.startsWith('/api/v1/namespaces/np-1?')) return json(res, 200, { kind: 'Status', status: 'Success' });
      return status(res, 404, 'NotFound', 'not found');
    });
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'np-1' });
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'gone' });
    const deletes = requests.filter((r) => r.method === 'DELETE');
    expect(new URL(deletes[0]!.url, 'http://x').searchParams.get('propagationPolicy')).to.equal('Foreground');
    expect(deletes).to.have.length(2);
  });

  it('reads the version', async () => {
    expect(await client.version()).to.deep.equal({ gitVersion: 'v1.32.13', platform: 'linux/amd64' });
  });

  it('reads logs with tail and container', async () => {
    handlers.push((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname !== '/api/v1/namespaces/demo/pods/p1/log') return false;
      expect(url.searchParams.get('tailLines')).to.equal('5');
      expect(url.searchParams.get('container')).to.equal('probe');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('line1\nline2\n');
      return true;
    });
    expect(await client.logs('demo', 'p1', { container: 'probe', tailLines: 5 })).to.equal('line1\nline2\n');
  });

  it('checkAccess sends one SelfSubjectAccessReview per check, splitting subresources', async () => {
    handlers.push((req, res) => {
      if (req.method !== 'POST' || !req.url.startsWith('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')) return false;
      const review = JSON.parse(req.body);
      const attrs = review.spec.resourceAttributes;
      const allowed = !(attrs.resource === 'pods' && attrs.subresource === 'exec');
      return json(res, 201, { ...review, status: { allowed, ...(allowed ? {} : { reason: 'no RBAC policy matched' }) } });
    });
    const results = await client.checkAccess([
      { verb: 'create', group: '', resource: 'namespaces' },
      { verb: 'create', group: '', resource: 'pods/exec', namespace: 'np-1' },
    ]);
    expect(results).to.deep.equal([
      { check: { verb: 'create', group: '', resource: 'namespaces' }, allowed: true },
      { check: { verb: 'create', group: '', resource: 'pods/exec', namespace: 'np-1' }, allowed: false, reason: 'no RBAC policy matched' },
    ]);
    const sent = requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body).spec.resourceAttributes);
    expect(sent).to.deep.include({ verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'np-1' });
  });

  it('an unreachable server is a KubeApiError that says so', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const kubeconfig = path.join(dir, 'refused');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: gone\n  context:\n    cluster: c\n    user: u\ncurrent-context: gone\n`,
    );
    const unreachable = await createKubeClient({ kubeconfig });
    const error = await unreachable.version().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).message).to.equal(
      `cannot reach the API server http://127.0.0.1:${port} of context "gone" (connection refused, ECONNREFUSED) to get the server version (/version)`,
    );
  });
});
