/**
 * An in-memory cluster for unit tests of the live engine: a KubeClient that stores objects, makes pods Ready
 * with IPs, gives Services ClusterIPs, and answers probe execs (the real batch-script argv) from the NetworkPolicy
 * model over a snapshot of the cluster `enforcementDelayMs` in the past, as an enforcing CNI with some lag would.
 */
import { compileModel } from '../../../src/model/index.js';
import type { ClusterState, Endpoint, NetworkPolicy, PodPort, Protocol } from '../../../src/model/types.js';
import { ARGS_PER_PROBE, DONE_MARKER, END_MARKER, RESULT_PREFIX, STDERR_MARKER, STDOUT_MARKER } from '../../../src/probe/batch-script.js';
import { CLUSTER_DNS } from '../../../src/engine/cluster-dns.js';
import type {
  AccessCheck,
  AccessCheckResult,
  ClusterVersion,
  ExecOptions,
  ExecResult,
  KubeClient,
  KubeObject,
  ListOptions,
  ObjectRef,
} from '../../../src/kube/types.js';
import type { FakeClock } from './fake-clock.js';

export interface FakeClusterOptions {
  clock: FakeClock;
  /** Does the "CNI" enforce policies at all? */
  enforcing?: boolean;
  /** Policies and label changes take effect this long after they are made. */
  enforcementDelayMs?: number;
  /** Every container waits with this reason (e.g. ErrImageNeverPull) instead of running. */
  waitingReason?: string;
  /** Called on every exec (e.g. to abort a run mid-way). */
  onExec?: (namespace: string, pod: string) => void;
  /** Names of existing namespaces not made by netpol-e2e. */
  foreignNamespaces?: string[];
  /** Answers every UDP/SCTP probe of this protocol as a kernel without it would. */
  brokenProtocol?: Protocol;
  /** IPs that answer outside the cluster (external targets that are running). */
  externalIps?: () => string[];
  /** Schedules pods round-robin onto these nodes (spec.nodeName); none when unset. */
  nodes?: string[];
  /** Dual-stack: pods get an IPv4 and an IPv6 address (status.podIPs), Services a ClusterIP of each (spec.clusterIPs). */
  dualStack?: boolean;
}

interface Snapshot {
  at: number;
  state: ClusterState;
}

const COREDNS_IP = '10.244.99.99';

export class FakeCluster implements KubeClient {
  readonly contextName = 'fake';
  readonly server = 'https://fake:6443';
  readonly objects = new Map<string, KubeObject>();
  readonly execs: { namespace: string; pod: string; argv: string[] }[] = [];
  /** Every object applied, as applied. */
  readonly applies: KubeObject[] = [];
  private readonly snapshots: Snapshot[] = [];
  private nextPodIp = 10;
  private nextNode = 0;
  private nextServiceIp = 10;
  private nextNodePort = 30000;

  constructor(private readonly options: FakeClusterOptions) {
    for (const name of options.foreignNamespaces ?? []) {
      this.objects.set(key({ apiVersion: 'v1', kind: 'Namespace', name }), { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: {} } });
    }
    this.snapshot();
  }

  async version(): Promise<ClusterVersion> {
    return { gitVersion: 'v1.32.0-fake' };
  }

  async apply<T extends KubeObject>(object: T): Promise<T> {
    this.applies.push(structuredClone(object));
    const copy = structuredClone(object) as T & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
    const k = key(refOf(copy));
    const existing = this.objects.get(k) as (T & { spec?: Record<string, unknown>; status?: Record<string, unknown> }) | undefined;
    if (copy.kind === 'Pod') {
      const nodes = this.options.nodes ?? [];
      const scheduled = existing?.spec?.['nodeName'] ?? (nodes.length > 0 ? nodes[this.nextNode++ % nodes.length] : undefined);
      if (scheduled !== undefined && copy.spec) copy.spec['nodeName'] = scheduled;
      copy.status = existing?.status ?? this.podStatus(copy, scheduled as string | undefined);
    }
    if (copy.kind === 'Service') {
      const n = this.nextServiceIp++;
      const clusterIP = (existing?.spec?.clusterIP as string | undefined) ?? `10.96.0.${n}`;
      const clusterIPs = (existing?.spec?.clusterIPs as string[] | undefined) ?? (this.options.dualStack ? [clusterIP, `fd00:10:96::${n}`] : [clusterIP]);
      copy.spec = { ...(copy.spec ?? {}), clusterIP, clusterIPs };
      if (copy.spec['type'] === 'NodePort') {
        // the API server allocates a node port to each port (kept on re-apply)
        const before = (existing?.spec?.['ports'] ?? []) as { port: number; protocol: string; nodePort?: number }[];
        copy.spec['ports'] = (copy.spec['ports'] as { port: number; protocol: string }[]).map((p) => ({
          ...p,
          nodePort: before.find((b) => b.port === p.port && b.protocol === p.protocol)?.nodePort ?? this.nextNodePort++,
        }));
      }
    }
    this.objects.set(k, copy);
    this.snapshot();
    return structuredClone(copy);
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const found = this.objects.get(key(ref));
    return found ? (structuredClone(found) as T) : undefined;
  }

  async list<T extends KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    return [...this.objects.values()]
      .filter((o) => o.apiVersion === apiVersion && o.kind === kind)
      .filter((o) => options.namespace === undefined || o.metadata.namespace === options.namespace)
      .filter((o) => matchesSelector(o.metadata.labels ?? {}, options.labelSelector))
      .map((o) => structuredClone(o) as T);
  }

  async delete(ref: ObjectRef): Promise<void> {
    this.objects.delete(key(ref));
    if (ref.kind === 'Namespace') {
      for (const [k, o] of this.objects) if (o.metadata.namespace === ref.name) this.objects.delete(k);
    }
    this.snapshot();
  }

  async exec(namespace: string, pod: string, argv: string[], _options: ExecOptions): Promise<ExecResult> {
    this.execs.push({ namespace, pod, argv });
    this.options.onExec?.(namespace, pod);
    return this.runBatch({ kind: 'pod', namespace, name: pod }, argv);
  }

  /**
   * A probe batch run by a client outside the cluster at `ip` (an external source's container): the network
   * answers as it would for a pod's probes, with the client's IP as the source the policies see.
   */
  execFromOutside(ip: string, argv: string[]): Promise<ExecResult> {
    this.execs.push({ namespace: 'external', pod: ip, argv });
    return this.runBatch({ kind: 'external', ip }, argv);
  }

  private async runBatch(source: Endpoint, argv: string[]): Promise<ExecResult> {
    const args = argv.slice(4);
    const lines: string[] = [];
    for (let i = 0; i + ARGS_PER_PROBE <= args.length; i += ARGS_PER_PROBE) {
      const [id, kind, target] = args.slice(i, i + 3) as [string, string, string];
      const answer = this.answer(source, kind, target);
      lines.push(`${RESULT_PREFIX}\t${id}\t${answer.exitCode}`, STDOUT_MARKER, answer.stdout, STDERR_MARKER, answer.stderr, END_MARKER);
    }
    lines.push(DONE_MARKER);
    return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
  }

  async logs(): Promise<string> {
    return '';
  }

  async checkAccess(checks: AccessCheck[]): Promise<AccessCheckResult[]> {
    return checks.map((check) => ({ check, allowed: true }));
  }

  /** Namespaces that exist and carry the given label key. */
  namespacesWithLabel(label: string): string[] {
    return [...this.objects.values()].filter((o) => o.kind === 'Namespace' && o.metadata.labels?.[label] !== undefined).map((o) => o.metadata.name);
  }

  /** A node's address (status.hostIP of its pods): 172.18.0.3, .4, ... in the order of `nodes`; 172.18.0.2 without nodes. */
  nodeIp(node: string | undefined): string {
    const index = (this.options.nodes ?? []).indexOf(node as string);
    return `172.18.0.${index < 0 ? 2 : index + 3}`;
  }

  private podStatus(pod: KubeObject & { spec?: Record<string, unknown> }, node: string | undefined): Record<string, unknown> {
    const containers = (pod.spec?.containers as { name: string }[] | undefined) ?? [];
    if (this.options.waitingReason) {
      return {
        phase: 'Pending',
        containerStatuses: containers.map((c) => ({ name: c.name, ready: false, state: { waiting: { reason: this.options.waitingReason, message: 'image not present with pull policy of Never' } } })),
      };
    }
    const n = this.nextPodIp++;
    const ip = `10.244.0.${n}`;
    const hostIP = this.nodeIp(node);
    return {
      phase: 'Running',
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP: ip,
      podIPs: this.options.dualStack ? [{ ip }, { ip: `fd00:10:244::${n}` }] : [{ ip }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map((c) => ({ name: c.name, ready: true, state: { running: {} } })),
    };
  }

  private snapshot(): void {
    const namespaces = [...this.objects.values()]
      .filter((o) => o.kind === 'Namespace')
      .map((o) => ({ name: o.metadata.name, labels: { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name } }));
    namespaces.push(CLUSTER_DNS.namespaceInfo);
    const pods = [...this.objects.values()]
      .filter((o) => o.kind === 'Pod')
      .map((o) => {
        const spec = o.spec as { containers: { ports?: { containerPort: number; protocol: Protocol; name?: string }[] }[] };
        const ports: PodPort[] = spec.containers.flatMap((c) =>
          (c.ports ?? []).map((p) => (p.name ? { port: p.containerPort, protocol: p.protocol, name: p.name } : { port: p.containerPort, protocol: p.protocol })),
        );
        const ips = ((o.status as { podIPs?: { ip: string }[] } | undefined)?.podIPs ?? []).map((p) => p.ip);
        return { namespace: o.metadata.namespace as string, name: o.metadata.name, labels: { ...(o.metadata.labels ?? {}) }, ips, ports };
      });
    pods.push({ ...CLUSTER_DNS.pod, labels: { ...CLUSTER_DNS.pod.labels }, ports: [...CLUSTER_DNS.pod.ports], ips: [COREDNS_IP] });
    const policies = [...this.objects.values()].filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
    this.snapshots.push({ at: this.options.clock.now(), state: { namespaces, pods, policies } });
  }

  /** The state the "CNI" enforces now: the latest snapshot at least the delay old. */
  private enforcedState(): ClusterState {
    const horizon = this.options.clock.now() - (this.options.enforcementDelayMs ?? 0);
    let chosen = this.snapshots[0] as Snapshot;
    for (const s of this.snapshots) if (s.at <= horizon) chosen = s;
    const current = this.snapshots[this.snapshots.length - 1] as Snapshot;
    // pods that exist now keep their IPs even when the enforced snapshot is older
    return { ...chosen.state, pods: current.state.pods.map((p) => chosen.state.pods.find((q) => q.namespace === p.namespace && q.name === p.name) ?? p) };
  }

  private answer(source: Endpoint, kind: string, target: string): { exitCode: number; stdout: string; stderr: string } {
    const state = this.enforcedState();
    // a connection has the family of the address it goes to (DNS: the cluster DNS over IPv4)
    const family = target.startsWith('[') ? 6 : 4;
    const allowed = (destination: { namespace: string; name: string } | { ip: string }, port: number, protocol: Protocol, from: Endpoint = source): boolean => {
      if (this.options.enforcing === false) return true;
      const model = compileModel(state);
      return model.evaluate({
        source: from,
        destination: 'ip' in destination ? { kind: 'external', ip: destination.ip } : { kind: 'pod', ...destination },
        port,
        protocol,
        ...(kind === 'dns' ? { family: 4 as const } : { family }),
      }).allowed;
    };
    if (kind === 'dns') {
      const dnsOk = allowed({ namespace: CLUSTER_DNS.namespace, name: CLUSTER_DNS.pod.name }, 53, 'UDP');
      if (!dnsOk) return { exitCode: 1, stdout: ';; connection timed out; no servers could be reached', stderr: '' };
      const services = [...this.objects.values()].filter((o) => o.kind === 'Service').map((s) => `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`);
      if (services.includes(target) || target.startsWith('kubernetes.default')) {
        return { exitCode: 0, stdout: `Server: 10.96.0.10 Address: 10.96.0.10#53 Name: ${target} Address: 10.96.0.99`, stderr: '' };
      }
      return { exitCode: 1, stdout: `** server can't find ${target}: NXDOMAIN`, stderr: '' };
    }
    const protocol = kind.toUpperCase() as Protocol;
    const [, host, portText] = /^\[?([^\]]+)\]?:(\d+)$/.exec(target) ?? [];
    const port = Number(portText);
    const blocked = protocol === 'TCP'
      ? { exitCode: 28, stdout: '000', stderr: 'curl: (28) Connection timed out after 2000 milliseconds' }
      : { exitCode: 1, stdout: '', stderr: 'TIMEOUT' };
    const ok = protocol === 'TCP' ? { exitCode: 0, stdout: '200', stderr: '' } : { exitCode: 0, stdout: '', stderr: '' };
    if (protocol === this.options.brokenProtocol) return { exitCode: 1, stdout: '', stderr: 'OTHER: protocol not supported' };
    const service = [...this.objects.values()].find((o) => o.kind === 'Service' && ((o.spec as { clusterIPs?: string[] }).clusterIPs ?? []).includes(host as string));
    if (service) {
      const spec = service.spec as { selector: Record<string, string>; ports: { port: number; targetPort: number | string; protocol: Protocol }[] };
      const servicePort = spec.ports.find((p) => p.port === port && p.protocol === protocol);
      const backend = state.pods.find((p) => p.namespace === service.metadata.namespace && Object.entries(spec.selector).every(([k, v]) => p.labels[k] === v));
      if (!servicePort || !backend) return blocked;
      const targetPort = typeof servicePort.targetPort === 'number' ? servicePort.targetPort : backend.ports.find((p) => p.name === servicePort.targetPort)?.port;
      if (targetPort === undefined) return blocked;
      return allowed(backend, targetPort, protocol) ? ok : blocked;
    }
    const nodePort = this.nodePortAnswer(source, state, host as string, port, protocol);
    if (nodePort) return allowed(nodePort.backend, nodePort.port, protocol, nodePort.source) ? ok : blocked;
    if (nodePort === null) return blocked;
    const pod = state.pods.find((p) => (p.ips ?? []).includes(host as string));
    if (pod) {
      if (!pod.ports.some((p) => p.port === port && p.protocol === protocol)) {
        return protocol === 'TCP' ? { exitCode: 7, stdout: '000', stderr: 'curl: (7) Connection refused' } : { exitCode: 1, stdout: '', stderr: 'REFUSED' };
      }
      return allowed(pod, port, protocol) ? ok : blocked;
    }
    if ((this.options.externalIps?.() ?? []).includes(host as string)) return allowed({ ip: host as string }, port, protocol) ? ok : blocked;
    return blocked;
  }

  /**
   * A connection to `<node IP>:<node port>` of a NodePort Service: with externalTrafficPolicy Local the node
   * forwards to a backend on itself with the client's address (none there: dropped, `null`); with Cluster to any
   * backend, SNATed to the node's address. Undefined when the address is no node port.
   */
  private nodePortAnswer(source: Endpoint, state: ClusterState, host: string, port: number, protocol: Protocol): { backend: { namespace: string; name: string }; port: number; source: Endpoint } | null | undefined {
    const node = (this.options.nodes ?? ['fake-node']).find((n) => this.nodeIp(n) === host);
    if (node === undefined) return undefined;
    for (const service of [...this.objects.values()].filter((o) => o.kind === 'Service')) {
      const spec = service.spec as { type?: string; externalTrafficPolicy?: string; selector: Record<string, string>; ports: { nodePort?: number; targetPort: number | string; protocol: Protocol }[] };
      const servicePort = spec.type === 'NodePort' ? spec.ports.find((p) => p.nodePort === port && p.protocol === protocol) : undefined;
      if (!servicePort) continue;
      const local = spec.externalTrafficPolicy === 'Local';
      const backend = state.pods.find((p) => {
        const object = this.objects.get(key({ apiVersion: 'v1', kind: 'Pod', namespace: p.namespace, name: p.name }));
        const onNode = ((object?.spec as { nodeName?: string } | undefined)?.nodeName ?? 'fake-node') === node;
        return p.namespace === service.metadata.namespace && (!local || onNode) && Object.entries(spec.selector).every(([k, v]) => p.labels[k] === v);
      });
      const targetPort = typeof servicePort.targetPort === 'number' ? servicePort.targetPort : backend?.ports.find((p) => p.name === servicePort.targetPort)?.port;
      if (!backend || targetPort === undefined) return null;
      return { backend, port: targetPort, source: local ? source : { kind: 'external', ip: host } };
    }
    return null;
  }
}

function refOf(object: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace !== undefined) ref.namespace = object.metadata.namespace;
  return ref;
}

function key(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

/** `a=b,c` style selectors (equality and existence), as the engine uses them. */
function matchesSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? labels[k as string] !== undefined : labels[k as string] === v;
  });
}
