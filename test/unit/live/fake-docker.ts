import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';
import type { DockerContainerSpec, DockerExecResult, DockerGateway, DockerNetworkSpec, DockerObject } from '../../../src/external/docker-gateway.js';

/** Docker in memory: networks, containers (with their spec), attachments. */
export class FakeDocker implements DockerGateway {
  readonly networks = new Map<string, DockerNetworkSpec & { id: string; attached: string[]; createdAt: number }>();
  readonly containers = new Map<string, DockerContainerSpec & { id: string; createdAt: number }>();
  private next = 1;
  failStartOf?: string;
  now = 0;

  async createNetwork(spec: DockerNetworkSpec): Promise<DockerObject> {
    for (const n of this.networks.values()) if (n.subnet === spec.subnet) throw new Error(`Pool overlaps with other one on this address space (${spec.subnet})`);
    const id = `net${this.next++}`;
    this.networks.set(id, { ...spec, id, attached: [], createdAt: this.now });
    return { id, name: spec.name, labels: spec.labels, createdAt: this.now };
  }
  /** Attaches; the container's address on the network is the /24's .200 + the number of containers attached before. */
  async connect(network: string, container: string): Promise<string> {
    const found = [...this.networks.values()].find((n) => n.name === network);
    if (!found) throw new Error(`network ${network} not found`);
    found.attached.push(container);
    return `${found.subnet.split('.').slice(0, 3).join('.')}.${199 + found.attached.length}`;
  }
  async startContainer(spec: DockerContainerSpec): Promise<DockerObject> {
    if (spec.name.endsWith(this.failStartOf ?? '\0')) throw new Error(`No such image: ${spec.image}`);
    const id = `c${this.next++}`;
    this.containers.set(id, { ...spec, id, createdAt: this.now });
    return { id, name: spec.name, labels: spec.labels, createdAt: this.now };
  }
  async listContainers(labels: Record<string, string | undefined>): Promise<DockerObject[]> {
    return [...this.containers.values()].filter((c) => matches(c.labels, labels)).map((c) => ({ id: c.id, name: c.name, labels: c.labels, createdAt: c.createdAt }));
  }
  async listNetworks(labels: Record<string, string | undefined>): Promise<DockerObject[]> {
    return [...this.networks.values()].filter((n) => matches(n.labels, labels)).map((n) => ({ id: n.id, name: n.name, labels: n.labels, createdAt: n.createdAt }));
  }
  async removeContainer(id: string): Promise<void> {
    this.containers.delete(id);
  }
  async removeNetwork(id: string): Promise<void> {
    this.networks.delete(id);
  }
  /** Runs an exec in a container: given the container's IP (an external source's probes). Unset: exec fails. */
  onExec?: (ip: string, argv: string[]) => Promise<DockerExecResult>;
  readonly execs: { container: string; argv: string[] }[] = [];
  async exec(container: string, argv: string[]): Promise<DockerExecResult> {
    this.execs.push({ container, argv });
    const found = [...this.containers.values()].find((c) => c.name === container || c.id === container);
    if (!found) throw new Error(`No such container: ${container}`);
    if (!this.onExec) throw new Error('exec is not supported by this fake');
    return this.onExec(found.ip, argv);
  }
  async containerLogs(): Promise<string> {
    return 'log line\n';
  }
}

function matches(actual: Record<string, string>, wanted: Record<string, string | undefined>): boolean {
  return Object.entries(wanted).every(([k, v]) => (v === undefined ? k in actual : actual[k] === v));
}

/**
 * An in-memory cluster (enforcing with a 200 ms lag) and Docker whose execs the cluster's network answers as a
 * client at the container's IP: external sources' probes.
 */
export function fakeClusterWithClients(): { clock: FakeClock; cluster: FakeCluster; docker: FakeDocker } {
  const clock = new FakeClock();
  const cluster = new FakeCluster({ clock, enforcementDelayMs: 200 });
  const docker = new FakeDocker();
  docker.onExec = (ip, argv) => cluster.execFromOutside(ip, argv);
  return { clock, cluster, docker };
}

/**
 * A kind-like run: two node containers (kind-worker 172.18.0.3, kind-worker2 172.18.0.4, as Node objects and as
 * their pods' hostIP) join the external networks; the externals' route execs are recorded (and exit `routeExit`),
 * probes answered by the cluster's network.
 */
export function fakeKindWithClients(routeExit = 0): { clock: FakeClock; cluster: FakeCluster; docker: FakeDocker; routes: Map<string, string> } {
  const clock = new FakeClock();
  const cluster = new FakeCluster({ clock, enforcementDelayMs: 200, nodes: ['kind-worker', 'kind-worker2'] });
  for (const name of ['kind-worker', 'kind-worker2']) {
    cluster.objects.set(`Node//${name}`, { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: cluster.nodeIp(name) }] } } as never);
  }
  const docker = new FakeDocker();
  const routes = new Map<string, string>();
  docker.onExec = async (ip, argv) => {
    if (argv[2]?.startsWith('set -e\nip route')) {
      routes.set(ip, argv[2]);
      return { exitCode: routeExit, stdout: '', stderr: routeExit === 0 ? '' : 'RTNETLINK answers: Operation not permitted' };
    }
    return cluster.execFromOutside(ip, argv);
  };
  return { clock, cluster, docker, routes };
}
