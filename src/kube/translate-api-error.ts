/**
 * Turns whatever a client-node call threw (ApiException with the server's Status, a network error, a TLS error)
 * into a NetpolError that names the call, the object, what the server said and what to do. This module and
 * kube-client.ts are the only places that look at ApiException.
 */
import { ApiException } from '@kubernetes/client-node';
import { describeError, KubeApiError, NetpolError } from '../util/index.js';

/** The RBAC manifest every permission hint points at. */
import { RBAC_MANIFEST } from './types.js';

export { RBAC_MANIFEST };

/** What was being attempted, in the terms a message and an RBAC hint need. */
export interface ApiCall {
  /** The RBAC verb: get, list, create, patch, delete, … */
  verb: string;
  /** The object or collection, for messages: `Pod team-a/client`, `NetworkPolicies in namespace team-a`. */
  subject: string;
  /** The RBAC resource (plural, with subresource): `pods`, `pods/exec`, `networkpolicies`. */
  resource?: string;
  /** The API group ('' for core). */
  group?: string;
  namespace?: string;
}

/** Which API server and context, for messages about reaching it and about credentials. */
export interface ApiEndpoint {
  server: string;
  contextName: string;
}

/** The parts of a metav1.Status the messages use. */
interface ServerStatus {
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

export function translateApiError(error: unknown, call: ApiCall, endpoint: ApiEndpoint): NetpolError {
  if (error instanceof NetpolError) return error;
  const status = httpStatusOf(error);
  if (status !== undefined) return translateHttpError(status, serverStatusOf(error), call, endpoint, error);

  const code = systemCodeOf(error);
  if (code !== undefined && code in NETWORK_CODES) {
    return new KubeApiError(
      `cannot reach the API server ${endpoint.server} of context "${endpoint.contextName}" (${NETWORK_CODES[code]}, ${code}) to ${call.verb} ${call.subject}`,
      {
        hint: 'is the cluster running and is this the right cluster? check --kubeconfig and --context (for kind: `kind get clusters`)',
        cause: error,
      },
    );
  }
  if (code !== undefined && isTlsCode(code)) {
    return new KubeApiError(
      `TLS verification of the API server ${endpoint.server} (context "${endpoint.contextName}") failed (${code}) while trying to ${call.verb} ${call.subject}`,
      {
        hint: 'the certificate-authority in the kubeconfig does not match this server; use the kubeconfig the cluster issued (--kubeconfig)',
        cause: error,
      },
    );
  }
  return new KubeApiError(`${call.verb} ${call.subject} failed against ${endpoint.server}: ${errorText(error)}`, {
    hint: 'check that the API server is reachable with the chosen --kubeconfig/--context and that its credentials work',
    cause: error,
  });
}

/**
 * A failure to look up the resource of apiVersion/kind (API discovery). A 404, or a served group without that
 * kind, means the kind does not exist on this cluster: usually a CRD that is not installed.
 */
export function translateDiscoveryError(
  error: unknown,
  apiVersion: string,
  kind: string,
  call: ApiCall,
  endpoint: ApiEndpoint,
): NetpolError {
  if (httpStatusOf(error) === 404) return kindNotServed(apiVersion, kind, call, error);
  return translateApiError(error, { ...call, verb: `discover ${apiVersion} for`, subject: `${kind} (needed to ${call.verb} ${call.subject})` }, endpoint);
}

export function kindNotServed(apiVersion: string, kind: string, call: ApiCall, cause?: unknown): KubeApiError {
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
  const custom = group.includes('.') && !group.endsWith('.k8s.io');
  return new KubeApiError(`the API server does not serve kind ${kind} in ${apiVersion}, so it cannot ${call.verb} ${call.subject}`, {
    status: 404,
    hint: custom
      ? `install the CustomResourceDefinition for ${kind} (${apiVersion}) first, or fix apiVersion/kind`
      : `check apiVersion and kind (this cluster's Kubernetes version may not serve ${apiVersion})`,
    cause,
  });
}

function translateHttpError(status: number, server: ServerStatus | undefined, call: ApiCall, endpoint: ApiEndpoint, cause: unknown): KubeApiError {
  const said = server?.message ? `: ${server.message}` : '';
  switch (status) {
    case 401:
      return new KubeApiError(
        `the API server ${endpoint.server} rejected the credentials of context "${endpoint.contextName}" (401 Unauthorized) when trying to ${call.verb} ${call.subject}${said}`,
        {
          status,
          hint: 'the token or client certificate in the kubeconfig is missing or expired; refresh the credentials or pass another --kubeconfig',
          cause,
        },
      );
    case 403: {
      const resource = call.resource ?? server?.details?.kind ?? 'the resource';
      const group = call.group ?? server?.details?.group;
      const groupText = group ? ` (API group ${group})` : '';
      const where = call.namespace ? `in namespace "${call.namespace}"` : 'cluster-wide';
      return new KubeApiError(
        `forbidden (403): context "${endpoint.contextName}" may not ${call.verb} ${resource}${groupText} ${where}, needed to ${call.verb} ${call.subject}${said}`,
        {
          status,
          hint: `grant "${call.verb}" on "${resource}" to this identity: ${RBAC_MANIFEST} is the minimal ClusterRole and binding netpol-e2e needs (a cluster admin applies it)`,
          cause,
        },
      );
    }
    case 404:
      return new KubeApiError(`${call.subject} was not found (404) when trying to ${call.verb} it${said}`, {
        status,
        hint: call.namespace ? `check that namespace "${call.namespace}" and the object exist` : 'check that the object exists',
        cause,
      });
    case 409:
      return new KubeApiError(`conflict (409) when trying to ${call.verb} ${call.subject}${said}`, {
        status,
        hint: 'another actor changed or owns the object, or a namespace of a previous run is still terminating; wait and run again',
        cause,
      });
    case 422:
    case 400: {
      const causes = (server?.details?.causes ?? [])
        .map((c) => [c.field, c.message].filter(Boolean).join(': '))
        .filter((s) => s.length > 0);
      const detail = causes.length > 0 ? `: ${causes.join('; ')}` : said;
      return new KubeApiError(`the API server rejected ${call.subject} as invalid (${status}) when trying to ${call.verb} it${detail}`, {
        status,
        hint: "fix the field the server's message names (for a suite: the object in the suite file)",
        cause,
      });
    }
    default:
      return new KubeApiError(`the API server ${endpoint.server} answered ${status}${server?.reason ? ` ${server.reason}` : ''} when trying to ${call.verb} ${call.subject}${said}`, {
        status,
        hint: status >= 500 || status === 429 ? 'the API server is overloaded or failing; retry, and check its health' : 'see the server message above',
        cause,
      });
  }
}

function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof ApiException && typeof error.code === 'number') return error.code;
  return undefined;
}

/** The server's Status from an ApiException body (a JSON string, or already parsed). */
function serverStatusOf(error: unknown): ServerStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const body: unknown = error.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch (parseError) {
      // Not a Status (e.g. an HTML page from a proxy): keep its first line as the message.
      return { message: body.split('\n')[0]?.slice(0, 300) ?? '', reason: `unparsed body (${describeError(parseError)})` };
    }
  }
  if (parsed !== null && typeof parsed === 'object') return parsed as ServerStatus;
  return undefined;
}

/** The errno-style code of a network/TLS error, looking through `cause` chains (node-fetch's FetchError included). */
function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code.startsWith('ERR_TLS_') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN'
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
