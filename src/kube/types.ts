/**
 * The one facade over the Kubernetes API that the rest of netpol-e2e uses (implemented on
 * @kubernetes/client-node in src/kube/kube-client.ts; unit tests substitute fakes). It is the only place
 * where client-node's ApiException is caught and translated into KubeApiError (with the HTTP status, the
 * object, and a hint: e.g. 403 names the verb/resource and points at rbac/netpol-e2e-runner.yaml).
 *
 * No kubectl: every call goes through the API.
 */

/** The field manager of every server-side apply, so ownership of fields is visible in managedFields. */
export const FIELD_MANAGER = 'netpol-e2e';

/** The minimal ClusterRole and binding netpol-e2e needs, in this repository and package. */
export const RBAC_MANIFEST = 'rbac/netpol-e2e-runner.yaml';

/** Every object the harness creates carries these labels; cleanup deletes by them. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_MANAGED_BY_VALUE = 'netpol-e2e';
export const LABEL_RUN_ID = 'netpol-e2e.io/run-id';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The result of a command that ran in a container. A transport failure is thrown as ExecError instead. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  container?: string;
  /** Bound on the whole exec, including the transport; on expiry the exec is abandoned and ExecError thrown. */
  timeoutMs: number;
}

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

export interface AccessCheckResult {
  check: AccessCheck;
  allowed: boolean;
  reason?: string;
}

/** A watch event: `ADDED` (also for every object that exists when the watch starts), `MODIFIED`, `DELETED`. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** An open watch; `stop()` closes it (onClose is not called then). */
export interface WatchHandle {
  stop(): void;
}

export interface ClusterVersion {
  gitVersion: string;
  platform?: string;
}

export interface KubeClient {
  /** The kubeconfig context in use and the API server URL, for messages and reports. */
  readonly contextName: string;
  readonly server: string;

  version(): Promise<ClusterVersion>;

  /** Server-side apply with FIELD_MANAGER (force: the harness owns what it creates). Returns the live object. */
  apply<T extends KubeObject>(object: T): Promise<T>;

  /** Reads an object; undefined when it does not exist. */
  get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined>;

  list<T extends KubeObject>(apiVersion: string, kind: string, options?: ListOptions): Promise<T[]>;

  /**
   * Watches a collection from its current state: first an ADDED event for every object that exists, then each
   * change. `onClose` is called once when the server or the network ends the watch (with the error, if any).
   * Optional: callers fall back to polling with `list` when a client has no watch.
   */
  watch?<T extends KubeObject>(
    apiVersion: string,
    kind: string,
    options: ListOptions,
    onEvent: (type: WatchEventType, object: T) => void,
    onClose: (error?: unknown) => void,
  ): Promise<WatchHandle>;

  /** Deletes an object; a missing object is not an error. Foreground propagation. */
  delete(ref: ObjectRef): Promise<void>;

  /** Runs argv (never a shell string) in a container and returns its exit code and output. */
  exec(namespace: string, pod: string, argv: string[], options: ExecOptions): Promise<ExecResult>;

  /** The last lines of a container's log, for diagnostics. */
  logs(namespace: string, pod: string, options?: { container?: string; tailLines?: number; previous?: boolean }): Promise<string>;

  /** SelfSubjectAccessReview for each check. */
  checkAccess(checks: AccessCheck[]): Promise<AccessCheckResult[]>;
}
