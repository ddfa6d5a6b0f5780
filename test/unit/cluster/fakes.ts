/** Test doubles for the cluster providers: a recording command runner and an in-memory Kubernetes API. */
import type { CommandOptions, CommandResult, CommandRunner } from '../../../src/cluster/command-runner.js';
import type { AccessCheck, AccessCheckResult, ClusterVersion, ExecResult, KubeClient, KubeObject, ListOptions, ObjectRef } from '../../../src/kube/types.js';
import { KubeApiError } from '../../../src/util/errors.js';
import type { Clock } from '../../../src/util/poll.js';

export type CommandReply = Partial<Omit<CommandResult, 'command' | 'args'>>;

/** Records every command; `reply` decides the result (exit 0 with empty output by default). */
export class RecordingRunner implements CommandRunner {
  readonly calls: { command: string; args: string[]; options: CommandOptions }[] = [];

  constructor(private readonly reply: (command: string, args: readonly string[]) => CommandReply | undefined = () => undefined) {}

  async run(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    this.calls.push({ command, args: [...args], options });
    const r = this.reply(command, args) ?? {};
    return { command, args: [...args], exitCode: 'exitCode' in r ? r.exitCode : 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.interrupted ? { interrupted: r.interrupted } : {}) };
  }

  /** Every call as one command line, for comparing the exact sequence. */
  lines(): string[] {
    return this.calls.map((c) => [c.command, ...c.args].join(' '));
  }
}

/** Replies for a healthy machine: docker and kind present, the given kind clusters exist. */
export function healthyMachine(options: { clusters?: string[]; localImages?: string[]; kindVersion?: string } = {}) {
  return (command: string, args: readonly string[]): CommandReply | undefined => {
    const line = [command, ...args].join(' ');
    if (line === 'docker version --format {{.Server.Version}}') return { stdout: '28.2.2' };
    if (line === 'kind version') return { stdout: `kind ${options.kindVersion ?? 'v0.33.0'} go1.24.6 linux/amd64` };
    if (line === 'kind get clusters') return { stdout: (options.clusters ?? []).join('\n') };
    if (line.startsWith('kind get kubeconfig')) return { stdout: 'apiVersion: v1\nkind: Config\n' };
    if (line.startsWith('docker image inspect')) {
      const image = args[args.length - 1] ?? '';
      return (options.localImages ?? []).includes(image) ? { stdout: 'sha256:abc' } : { exitCode: 1, stderr: `Error: No such image: ${image}` };
    }
    return undefined;
  };
}

type Stored = KubeObject & { status?: unknown };

/**
 * An in-memory API server. Applied objects are stored; `status` decides the status a stored object reports
 * (ready by default for CRDs, DaemonSets and Deployments). Pods, events, nodes and logs are set by the test.
 */
export class FakeKubeClient implements KubeClient {
  readonly contextName = 'kind-netpol-e2e';
  readonly server = 'https://127.0.0.1:40000';
  readonly applied: string[] = [];
  readonly gets: string[] = [];
  readonly objects = new Map<string, Stored>();
  pods: KubeObject[] = [];
  events: (KubeObject & Record<string, unknown>)[] = [];
  nodes: KubeObject[] = [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }];
  logText = '';
  access: (check: AccessCheck) => AccessCheckResult = (check) => ({ check, allowed: true });
  applyError: ((object: KubeObject) => Error | undefined) | undefined;
  status: (object: Stored, gets: number) => unknown = readyStatus;
  private readonly getCounts = new Map<string, number>();

  async version(): Promise<ClusterVersion> {
    return { gitVersion: 'v1.37.0', platform: 'linux/amd64' };
  }

  async apply<T extends KubeObject>(object: T): Promise<T> {
    const error = this.applyError?.(object);
    if (error) throw error;
    const key = keyOf(object);
    this.applied.push(key);
    this.objects.set(key, structuredClone(object));
    return object;
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const key = keyOf({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } });
    this.gets.push(key);
    const stored = this.objects.get(key);
    if (!stored) return undefined;
    const count = (this.getCounts.get(key) ?? 0) + 1;
    this.getCounts.set(key, count);
    return { ...stored, status: this.status(stored, count) } as unknown as T;
  }

  async list<T extends KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    const inNamespace = (o: KubeObject): boolean => options.namespace === undefined || o.metadata.namespace === options.namespace;
    if (kind === 'Pod') return this.pods.filter(inNamespace).filter((p) => matches(p, options.labelSelector)) as T[];
    if (kind === 'Node') return this.nodes as T[];
    if (kind === 'Event') {
      const name = /involvedObject\.name=(.+)$/.exec(options.fieldSelector ?? '')?.[1];
      return this.events.filter(inNamespace).filter((e) => (e['involvedObject'] as { name?: string } | undefined)?.name === name) as unknown as T[];
    }
    return [...this.objects.values()].filter((o) => o.apiVersion === apiVersion && o.kind === kind && inNamespace(o)) as T[];
  }

  async delete(ref: ObjectRef): Promise<void> {
    this.objects.delete(keyOf({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }));
  }

  async exec(): Promise<ExecResult> {
    throw new KubeApiError('exec is not faked');
  }

  async logs(): Promise<string> {
    return this.logText;
  }

  async checkAccess(checks: AccessCheck[]): Promise<AccessCheckResult[]> {
    return checks.map((c) => this.access(c));
  }
}

export function keyOf(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}

/** The status of a healthy object: CRDs Established, DaemonSets/Deployments fully ready. */
export function readyStatus(object: Stored): unknown {
  if (object.kind === 'CustomResourceDefinition') return { conditions: [{ type: 'Established', status: 'True' }] };
  if (object.kind === 'DaemonSet') return { desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 };
  if (object.kind === 'Deployment') return { replicas: 1, availableReplicas: 1, updatedReplicas: 1 };
  return object.status;
}

function matches(object: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return object.metadata.labels?.[k ?? ''] === v;
  });
}

/** A clock that advances only when slept on. */
export function fakeClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}
