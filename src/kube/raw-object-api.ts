/**
 * client-node's generic KubernetesObjectApi, made to carry objects as plain JSON.
 *
 * The stock class serialises request bodies through the typed model (so a field the model spells differently,
 * e.g. `default`, `enum`, `x-kubernetes-preserve-unknown-fields` in a CRD schema, or a field newer than the
 * client, is silently dropped) and deserialises responses into class instances with Date objects. netpol-e2e
 * applies manifests it did not write (Calico's CRDs) and hands objects to reporters as data, so this subclass
 * sends the object exactly as given (server-side apply, content type application/apply-patch+yaml: JSON is
 * YAML) and returns the server's JSON as is. Path construction, discovery caching and authentication are the
 * base class's.
 */
import {
  ApiException,
  HttpMethod,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type ResponseContext,
  type V1APIResource,
} from '@kubernetes/client-node';

export class RawObjectApi extends KubernetesObjectApi {
  static fromKubeConfig(config: KubeConfig): RawObjectApi {
    const api = config.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(config);
    return api;
  }

  /** The served resource for apiVersion + kind (cached), or undefined when the group serves no such kind. */
  discover(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** Server-side apply of `spec` as given, with the field manager, forcing ownership of conflicting fields. */
  async serverSideApply<T extends KubernetesObject>(spec: T, fieldManager: string): Promise<T> {
    const path = await this.specUriPath(spec, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', fieldManager);
    request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(spec));
    return this.requestPromise<T>(request);
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      const text = await response.body.text();
      return (text.length > 0 ? JSON.parse(text) : {}) as T;
    }
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', await response.getBodyAsAny(), response.headers);
  }
}
