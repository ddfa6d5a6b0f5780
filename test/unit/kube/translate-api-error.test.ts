import { expect } from 'chai';
import { ApiException } from '@kubernetes/client-node';
import { translateApiError, translateDiscoveryError, type ApiCall } from '../../../src/kube/translate-api-error.js';
import { KubeApiError, NetpolError, PreflightError } from '../../../src/util/errors.js';

const endpoint = { server: 'https://127.0.0.1:6443', contextName: 'kind-netpol-e2e' };

function apiException(code: number, status: object | string): ApiException<unknown> {
  const body = typeof status === 'string' ? status : JSON.stringify(status);
  return new ApiException(code, 'Unsuccessful HTTP Request', body, { 'content-type': 'application/json' });
}

const createPod: ApiCall = { verb: 'patch', subject: 'Pod team-a/client', resource: 'pods', group: '', namespace: 'team-a' };

describe('translateApiError', () => {
  it('403 names the verb, resource, namespace and the RBAC manifest, keeping status and cause', () => {
    const cause = apiException(403, {
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: 'pods "client" is forbidden: User "ci" cannot patch resource "pods" in API group "" in the namespace "team-a"',
      details: { name: 'client', kind: 'pods' },
    });
    const error = translateApiError(cause, createPod, endpoint);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).status).to.equal(403);
    expect(error.code).to.equal('KUBE_API');
    expect(error.message).to.equal(
      'forbidden (403): context "kind-netpol-e2e" may not patch pods in namespace "team-a", needed to patch Pod team-a/client: pods "client" is forbidden: User "ci" cannot patch resource "pods" in API group "" in the namespace "team-a"',
    );
    expect(error.hint).to.contain('rbac/netpol-e2e-runner.yaml');
    expect(error.hint).to.contain('"patch" on "pods"');
    expect(error.cause).to.equal(cause);
  });

  it('403 on a cluster-scoped resource says cluster-wide and names the API group', () => {
    const error = translateApiError(
      apiException(403, { message: 'namespaces is forbidden' }),
      { verb: 'create', subject: 'Namespace np-1', resource: 'namespaces', group: '' },
      endpoint,
    );
    expect(error.message).to.contain('may not create namespaces cluster-wide');
    const np = translateApiError(
      apiException(403, { message: 'forbidden' }),
      { verb: 'list', subject: 'NetworkPolicy objects', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'x' },
      endpoint,
    );
    expect(np.message).to.contain('may not list networkpolicies (API group networking.k8s.io) in namespace "x"');
  });

  it('422 lists the causes with their fields', () => {
    const error = translateApiError(
      apiException(422, {
        reason: 'Invalid',
        message: 'NetworkPolicy.networking.k8s.io "deny" is invalid: spec.ingress[0].ports[0].port: Invalid value: 70000',
        details: { causes: [{ reason: 'FieldValueInvalid', field: 'spec.ingress[0].ports[0].port', message: 'Invalid value: 70000: must be between 1 and 65535' }] },
      }),
      { verb: 'patch', subject: 'NetworkPolicy team-a/deny', resource: 'networkpolicies', group: 'networking.k8s.io', namespace: 'team-a' },
      endpoint,
    );
    expect((error as KubeApiError).status).to.equal(422);
    expect(error.message).to.equal(
      'the API server rejected NetworkPolicy team-a/deny as invalid (422) when trying to patch it: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535',
    );
  });

  it('401 points at the credentials of the context', () => {
    const error = translateApiError(apiException(401, { message: 'Unauthorized' }), createPod, endpoint);
    expect(error.message).to.contain('rejected the credentials of context "kind-netpol-e2e" (401 Unauthorized)');
    expect(error.hint).to.contain('expired');
  });

  it('404 and 409 and 5xx keep what the server said', () => {
    expect(translateApiError(apiException(404, { message: 'namespaces "team-a" not found' }), createPod, endpoint).message).to.equal(
      'Pod team-a/client was not found (404) when trying to patch it: namespaces "team-a" not found',
    );
    const conflict = translateApiError(apiException(409, { message: 'object is being deleted' }), createPod, endpoint);
    expect(conflict.message).to.contain('conflict (409)');
    expect(conflict.hint).to.contain('terminating');
    const failing = translateApiError(apiException(503, { reason: 'ServiceUnavailable', message: 'etcd down' }), createPod, endpoint);
    expect(failing.message).to.equal('the API server https://127.0.0.1:6443 answered 503 ServiceUnavailable when trying to patch Pod team-a/client: etcd down');
    expect(failing.hint).to.contain('retry');
  });

  it('keeps the first line of a body that is not a Status (e.g. a proxy page)', () => {
    const error = translateApiError(apiException(502, '<html>Bad Gateway</html>\nmore'), createPod, endpoint);
    expect(error.message).to.contain('<html>Bad Gateway</html>');
  });

  it('connection refused names the server and context and points at --kubeconfig/--context', () => {
    const refused = Object.assign(new Error('request to https://127.0.0.1:6443/api failed, reason: connect ECONNREFUSED 127.0.0.1:6443'), {
      type: 'system',
      code: 'ECONNREFUSED',
    });
    const error = translateApiError(refused, createPod, endpoint);
    expect(error).to.be.instanceOf(KubeApiError);
    expect((error as KubeApiError).status).to.equal(undefined);
    expect(error.message).to.equal(
      'cannot reach the API server https://127.0.0.1:6443 of context "kind-netpol-e2e" (connection refused, ECONNREFUSED) to patch Pod team-a/client',
    );
    expect(error.hint).to.contain('--kubeconfig and --context');
  });

  it('finds network codes in a cause chain, and recognises TLS failures', () => {
    const wrapped = new Error('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.example'), { code: 'ENOTFOUND' }) });
    expect(translateApiError(wrapped, createPod, endpoint).message).to.contain('(host not found, ENOTFOUND)');
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const error = translateApiError(tls, createPod, endpoint);
    expect(error.message).to.contain('TLS verification');
    expect(error.hint).to.contain('certificate-authority');
  });

  it('passes NetpolErrors through unchanged and wraps anything else with its message', () => {
    const own = new PreflightError('x');
    expect(translateApiError(own, createPod, endpoint)).to.equal(own);
    const other = translateApiError(new Error('exec plugin gke-gcloud-auth-plugin not found'), createPod, endpoint);
    expect(other).to.be.instanceOf(NetpolError);
    expect(other.message).to.equal('patch Pod team-a/client failed against https://127.0.0.1:6443: exec plugin gke-gcloud-auth-plugin not found');
  });
});

describe('translateDiscoveryError', () => {
  it('a 404 for a custom group says the CRD is not installed', () => {
    const error = translateDiscoveryError(
      apiException(404, { message: 'the server could not find the requested resource' }),
      'crd.projectcalico.org/v1',
      'IPPool',
      { verb: 'patch', subject: 'IPPool default-ipv4-ippool' },
      endpoint,
    );
    expect((error as KubeApiError).status).to.equal(404);
    expect(error.message).to.equal('the API server does not serve kind IPPool in crd.projectcalico.org/v1, so it cannot patch IPPool default-ipv4-ippool');
    expect(error.hint).to.contain('install the CustomResourceDefinition for IPPool');
  });

  it('a 404 for a built-in group says the Kubernetes version may not serve it', () => {
    const error = translateDiscoveryError(apiException(404, {}), 'policy/v1beta1', 'PodSecurityPolicy', { verb: 'get', subject: 'PodSecurityPolicy x' }, endpoint);
    expect(error.hint).to.contain("this cluster's Kubernetes version may not serve policy/v1beta1");
  });

  it('other discovery failures are translated like any call', () => {
    const error = translateDiscoveryError(apiException(403, { message: 'no' }), 'v1', 'Pod', { verb: 'get', subject: 'Pod a/b' }, endpoint);
    expect((error as KubeApiError).status).to.equal(403);
  });
});
