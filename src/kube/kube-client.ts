/**
 * The KubeClient on @kubernetes/client-node: generic objects through RawObjectApi (server-side apply as
 * FIELD_MANAGER), exec over the websocket with the exit code from the status channel, logs, access reviews and
 * the server version. Every client-node call goes through `call`, which translates what it throws.
 */
import { AuthorizationV1Api, CoreV1Api, Exec, VersionApi, Watch, type KubeConfig, type V1APIResource } from '@kubernetes/client-node';
import {
  FIELD_MANAGER,
  type AccessCheck,
  type AccessCheckResult,
  type ClusterVersion,
  type ExecOptions,
  type ExecResult,
  type KubeClient,
  type KubeObject,
  type ListOptions,
  type ObjectRef,
  type WatchEventType,
  type WatchHandle,
} from './types.js';
import { loadKubeConfig, type KubeConfigEnvironment, type KubeConfigSelection } from './load-kube-config.js';
import { RawObjectApi } from './raw-object-api.js';
import { kindNotServed, translateApiError, translateDiscoveryError, type ApiCall, type ApiEndpoint } from './translate-api-error.js';
import { runExec, type ExecSocket, type ExecTransport } from './run-exec.js';
import type { ExecTarget } from './exec-status.js';
import { describePodForExec } from './describe-pod.js';
import { KubeApiError } from '../util/index.js';

export type CreateKubeClientOptions = KubeConfigSelection & {
  /** Where to look for a kubeconfig when none is passed (tests); defaults to the process environment. */
  environment?: KubeConfigEnvironment;
};

/** Loads the kubeconfig (ClusterError when it is missing or the context unknown) and returns a client. No request is made. */
export async function createKubeClient(options: CreateKubeClientOptions = {}): Promise<KubeClient> {
  const loaded = loadKubeConfig(options, options.environment);
  return new ClientNodeKubeClient(loaded.config, loaded.contextName, loaded.server);
}

const LIST_PAGE_SIZE = 500;

export class ClientNodeKubeClient implements KubeClient {
  readonly contextName: string;
  readonly server: string;
  private readonly objects: RawObjectApi;
  private readonly core: CoreV1Api;
  private readonly authorization: AuthorizationV1Api;
  private readonly versions: VersionApi;
  private readonly transport: ExecTransport;
  private readonly watcher: Watch;

  constructor(config: KubeConfig, contextName: string, server: string) {
    this.contextName = contextName;
    this.server = server;
    this.objects = RawObjectApi.fromKubeConfig(config);
    this.core = config.makeApiClient(CoreV1Api);
    this.authorization = config.makeApiClient(AuthorizationV1Api);
    this.versions = config.makeApiClient(VersionApi);
    this.transport = execTransport(new Exec(config));
    this.watcher = new Watch(config);
  }

  private get endpoint(): ApiEndpoint {
    return { server: this.server, contextName: this.contextName };
  }

  async version(): Promise<ClusterVersion> {
    const info = await this.call({ verb: 'get', subject: 'the server version (/version)' }, () => this.versions.getCode());
    return { gitVersion: info.gitVersion, platform: info.platform };
  }

  async apply<T extends KubeObject>(object: T): Promise<T> {
    const ref = refOf(object);
    const resource = await this.resourceOf(ref, 'patch');
    const call = this.callFor('patch', ref, resource);
    return this.call(call, () => this.objects.serverSideApply(object, FIELD_MANAGER));
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const resource = await this.resourceOf(ref, 'get');
    const call = this.callFor('get', ref, resource);
    try {
      return (await this.objects.read<T>({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) },
      })) as T;
    } catch (error) {
      const translated = translateApiError(error, call, this.endpoint);
      if (translated instanceof KubeApiError && translated.status === 404) return undefined;
      throw translated;
    }
  }

  async list<T extends KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    const probe: ObjectRef = { apiVersion, kind, name: '', ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) };
    const resource = await this.resourceOf(probe, 'list');
    const call: ApiCall = {
      verb: 'list',
      subject: `${kind} objects${options.namespace ? ` in namespace ${options.namespace}` : ''}${options.labelSelector ? ` with labels ${options.labelSelector}` : ''}`,
      resource: resource.name,
      group: groupOf(apiVersion),
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    };
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.call(call, () =>
        this.objects.list<T>(
          apiVersion,
          kind,
          options.namespace,
          undefined,
          undefined,
          undefined,
          options.fieldSelector,
          options.labelSelector,
          LIST_PAGE_SIZE,
          continueToken,
        ),
      );
      for (const item of page.items ?? []) {
        // List items come without apiVersion/kind; KubeObject promises both.
        items.push({ ...item, apiVersion: item.apiVersion ?? apiVersion, kind: item.kind ?? kind });
      }
      // The server's JSON as is (RawObjectApi): the token is `continue`, not the typed model's `_continue`.
      continueToken = (page.metadata as { continue?: string } | undefined)?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async watch<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    options: ListOptions,
    onEvent: (type: WatchEventType, object: T) => void,
    onClose: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    const probe: ObjectRef = { apiVersion, kind, name: '', ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) };
    const resource = await this.resourceOf(probe, 'watch');
    const call: ApiCall = {
      verb: 'watch',
      subject: `${kind} objects${options.namespace ? ` in namespace ${options.namespace}` : ''}${options.labelSelector ? ` with labels ${options.labelSelector}` : ''}`,
      resource: resource.name,
      group: groupOf(apiVersion),
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    };
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const path = `${base}${resource.namespaced && options.namespace !== undefined ? `/namespaces/${encodeURIComponent(options.namespace)}` : ''}/${resource.name}`;
    let stopped = false;
    let controller: AbortController | undefined;
    controller = await this.watcher.watch(
      path,
      { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, allowWatchBookmarks: false },
      (type: string, object: T) => {
        if (stopped) return;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent(type, { ...object, apiVersion: object.apiVersion ?? apiVersion, kind: object.kind ?? kind });
        else if (type === 'ERROR') {
          // the server ends the watch with a Status (e.g. 410 Gone): the caller starts a new one
          stopped = true;
          controller?.abort();
          onClose(new KubeApiError(`watch of ${call.subject} ended by the server: ${(object as { message?: string }).message ?? 'an error'}`));
        }
      },
      (error: unknown) => {
        if (stopped) return;
        stopped = true;
        onClose(error ? translateApiError(error, call, this.endpoint) : undefined);
      },
    );
    return {
      stop: () => {
        stopped = true;
        controller?.abort();
      },
    };
  }

  async delete(ref: ObjectRef): Promise<void> {
    const resource = await this.resourceOf(ref, 'delete');
    const call = this.callFor('delete', ref, resource);
    try {
      await this.objects.delete(
        { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Foreground',
      );
    } catch (error) {
      const translated = translateApiError(error, call, this.endpoint);
      if (translated instanceof KubeApiError && translated.status === 404) return;
      throw translated;
    }
  }

  exec(namespace: string, pod: string, argv: string[], options: ExecOptions): Promise<ExecResult> {
    const target: ExecTarget = { namespace, pod, ...(options.container !== undefined ? { container: options.container } : {}) };
    return runExec(this.transport, target, argv, {
      timeoutMs: options.timeoutMs,
      diagnose: async () => describePodForExec(await this.get({ apiVersion: 'v1', kind: 'Pod', namespace, name: pod }), target),
    });
  }

  async logs(namespace: string, pod: string, options: { container?: string; tailLines?: number; previous?: boolean } = {}): Promise<string> {
    const call: ApiCall = { verb: 'get', subject: `the log of pod ${namespace}/${pod}${options.container ? ` container ${options.container}` : ''}`, resource: 'pods/log', group: '', namespace };
    return this.call(call, () =>
      this.core.readNamespacedPodLog({
        name: pod,
        namespace,
        ...(options.container !== undefined ? { container: options.container } : {}),
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
        ...(options.previous !== undefined ? { previous: options.previous } : {}),
      }),
    );
  }

  async checkAccess(checks: AccessCheck[]): Promise<AccessCheckResult[]> {
    return Promise.all(
      checks.map(async (check) => {
        const [resource, subresource] = check.resource.split('/', 2);
        const review = await this.call({ verb: 'create', subject: `a SelfSubjectAccessReview for ${check.verb} ${check.resource}`, resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io' }, () =>
          this.authorization.createSelfSubjectAccessReview({
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: {
                resourceAttributes: {
                  verb: check.verb,
                  group: check.group,
                  resource,
                  ...(subresource !== undefined ? { subresource } : {}),
                  ...(check.namespace !== undefined ? { namespace: check.namespace } : {}),
                },
              },
            },
          }),
        );
        const reason = review.status?.reason || review.status?.evaluationError || undefined;
        return { check, allowed: review.status?.allowed === true, ...(reason ? { reason } : {}) };
      }),
    );
  }

  /** The served resource of ref's kind; a kind the server does not serve is a KubeApiError naming it. */
  private async resourceOf(ref: ObjectRef, verb: string): Promise<V1APIResource> {
    const call: ApiCall = { verb, subject: subjectOf(ref) };
    let resource: V1APIResource | undefined;
    try {
      resource = await this.objects.discover(ref.apiVersion, ref.kind);
    } catch (error) {
      throw translateDiscoveryError(error, ref.apiVersion, ref.kind, call, this.endpoint);
    }
    if (!resource) throw kindNotServed(ref.apiVersion, ref.kind, call);
    return resource;
  }

  private callFor(verb: string, ref: ObjectRef, resource: V1APIResource): ApiCall {
    return {
      verb,
      subject: subjectOf(ref),
      resource: resource.name,
      group: groupOf(ref.apiVersion),
      ...(resource.namespaced && ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
    };
  }

  private async call<R>(call: ApiCall, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      throw translateApiError(error, call, this.endpoint);
    }
  }
}

function execTransport(exec: Exec): ExecTransport {
  return {
    async open(target, argv, stdout, stderr, onStatus): Promise<ExecSocket> {
      const socket = await exec.exec(target.namespace, target.pod, target.container ?? '', [...argv], stdout, stderr, null, false, onStatus);
      return {
        onClose: (listener) => socket.on('close', () => listener()),
        onError: (listener) => socket.on('error', (error: Error) => listener(error)),
        close: () => socket.close(),
      };
    },
  };
}

function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
  };
}

/** `Pod team-a/client`, `Namespace team-a`. */
export function subjectOf(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
}
