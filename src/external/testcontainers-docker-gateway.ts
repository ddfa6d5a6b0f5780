/**
 * DockerGateway on testcontainers (v11): networks through its container-runtime client, containers through a
 * GenericContainer that joins a network at a fixed IP. Ryuk (testcontainers' reaper) is disabled unless the
 * user configured it: its image is often not pullable where these tests run, and every object is labelled
 * with the run id and removed by netpol-e2e itself (also by `netpol-e2e cleanup`).
 */
import { GenericContainer, getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { CommandError, describeError } from '../util/index.js';
import type { DockerContainerSpec, DockerExecResult, DockerGateway, DockerNetworkSpec, DockerObject } from './docker-gateway.js';

/** A GenericContainer placed on a network at exactly the given address. */
class StaticIpContainer extends GenericContainer {
  withStaticIp(network: string, ip: string): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: ip } } } };
    return this;
  }
}

export async function createTestcontainersDockerGateway(): Promise<DockerGateway> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  let client: ContainerRuntimeClient;
  try {
    client = await getContainerRuntimeClient();
  } catch (error) {
    throw new CommandError(`no Docker daemon could be reached for external targets: ${describeError(error)}`, {
      hint: 'start Docker (or set DOCKER_HOST), or pass --no-externals to skip the assertions to external targets',
      cause: error,
    });
  }
  return new TestcontainersDockerGateway(client);
}

class TestcontainersDockerGateway implements DockerGateway {
  constructor(private readonly client: ContainerRuntimeClient) {}

  private get dockerode() {
    return this.client.container.dockerode;
  }

  async createNetwork(spec: DockerNetworkSpec): Promise<DockerObject> {
    const network = await this.client.network.create({
      Name: spec.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
      Labels: spec.labels,
      ...(spec.options ? { Options: spec.options } : {}),
    });
    return { id: network.id, name: spec.name, labels: spec.labels };
  }

  async connect(network: string, container: string): Promise<string> {
    await this.dockerode.getNetwork(network).connect({ Container: container });
    const info = await this.dockerode.getContainer(container).inspect();
    const ip = info.NetworkSettings.Networks[network]?.IPAddress;
    if (!ip) throw new Error(`container ${container} joined network ${network} but has no IPv4 address on it`);
    return ip;
  }

  async startContainer(spec: DockerContainerSpec): Promise<DockerObject> {
    const started = await new StaticIpContainer(spec.image)
      .withName(spec.name)
      .withLabels(spec.labels)
      .withEnvironment(spec.env)
      .withEntrypoint(spec.entrypoint)
      .withCommand(spec.command)
      .withStaticIp(spec.network, spec.ip)
      .withAddedCapabilities(...(spec.capabilities ?? []))
      .withAutoRemove(false)
      .start();
    return { id: started.getId(), name: spec.name, labels: spec.labels };
  }

  async listContainers(labels: Record<string, string | undefined>): Promise<DockerObject[]> {
    const found = await this.dockerode.listContainers({ all: true, filters: { label: labelFilters(labels) } });
    return found.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      labels: c.Labels ?? {},
      createdAt: c.Created * 1000,
    }));
  }

  async listNetworks(labels: Record<string, string | undefined>): Promise<DockerObject[]> {
    const found = await this.dockerode.listNetworks({ filters: { label: labelFilters(labels) } });
    return found.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {}, createdAt: Date.parse(n.Created) }));
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.dockerode.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async removeNetwork(id: string): Promise<void> {
    const network = this.dockerode.getNetwork(id);
    let info;
    try {
      info = await network.inspect();
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const container of Object.keys(info.Containers ?? {})) {
      await network.disconnect({ Container: container, Force: true });
    }
    try {
      await network.remove();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async exec(container: string, argv: string[], timeoutMs: number): Promise<DockerExecResult> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`docker exec in ${container} did not end within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = await Promise.race([this.client.container.exec(this.dockerode.getContainer(container), argv, { log: false }), expired]);
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    } finally {
      clearTimeout(timer);
    }
  }

  async containerLogs(id: string, tailLines: number): Promise<string> {
    const buffer = await this.dockerode.getContainer(id).logs({ stdout: true, stderr: true, tail: tailLines, follow: false });
    return demultiplex(buffer);
  }
}

function labelFilters(labels: Record<string, string | undefined>): string[] {
  return Object.entries(labels).map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

/** Docker's log stream without a TTY is framed: 8-byte headers (stream, 0, 0, 0, size). */
function demultiplex(buffer: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === buffer.length ? Buffer.concat(chunks).toString('utf8') : buffer.toString('utf8');
}
