/**
 * The few Docker operations external targets need, as an interface: the implementation is on testcontainers
 * (testcontainers-docker-gateway.ts); unit tests substitute a fake.
 */

export interface DockerNetworkSpec {
  name: string;
  subnet: string;
  gateway: string;
  labels: Record<string, string>;
  /** Driver options, e.g. com.docker.network.bridge.enable_ip_masquerade. */
  options?: Record<string, string>;
}

/** What a command run in a container did (a transport failure is thrown instead). */
export interface DockerExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DockerContainerSpec {
  name: string;
  image: string;
  /** The network the container joins, at exactly `ip`. */
  network: string;
  ip: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  entrypoint: string[];
  command: string[];
  /** Linux capabilities added to the container's defaults (e.g. NET_ADMIN, to set routes in its own namespace). */
  capabilities?: string[];
}

export interface DockerObject {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Creation time (epoch ms), when Docker reported it. */
  createdAt?: number;
}

export interface DockerGateway {
  createNetwork(spec: DockerNetworkSpec): Promise<DockerObject>;
  /** Attaches an existing container (e.g. a kind node) to a network; returns its IPv4 address there. */
  connect(network: string, container: string): Promise<string>;
  startContainer(spec: DockerContainerSpec): Promise<DockerObject>;
  /** Containers (running or not) carrying every given label (a value of undefined: the key only). */
  listContainers(labels: Record<string, string | undefined>): Promise<DockerObject[]>;
  listNetworks(labels: Record<string, string | undefined>): Promise<DockerObject[]>;
  /** Force-removes a container; a missing one is not an error. */
  removeContainer(id: string): Promise<void>;
  /** Disconnects every container still attached, then removes the network; a missing one is not an error. */
  removeNetwork(id: string): Promise<void>;
  /**
   * Runs a command in a running container (the probes of an external source). Throws when Docker cannot run it or
   * it does not end within `timeoutMs`; the command's own exit code is a result.
   */
  exec(container: string, argv: string[], timeoutMs: number): Promise<DockerExecResult>;
  /** The last lines of a container's output, for diagnostics. */
  containerLogs(id: string, tailLines: number): Promise<string>;
}
