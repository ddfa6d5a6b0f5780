/**
 * External targets of a live run: for each external of a suite, a container from the probe image that answers
 * at exactly the declared IP on the declared ports (agnhost porter for TCP and SCTP, serve-hostname for UDP),
 * on a Docker network beside the cluster. An egress allow is then proven by a real answer and a deny by a real
 * block. Every network and container carries the run's labels, so an interrupted run can be swept by label.
 */
import { CommandError, describeError } from '../util/index.js';
import type { DockerGateway, DockerObject } from './docker-gateway.js';
import { planExternalNetworks, type PlannedExternal } from './external-network-plan.js';

/**
 * Starts porter (TCP/SCTP ports from its SERVE_* environment) when told to, and one UDP server per argument; an
 * external that serves nothing (only a client) just stays up for the probes run in it.
 */
export const EXTERNAL_SCRIPT = `porter=$1
shift
[ "$porter" = yes ] || [ $# -gt 0 ] || exec sleep 2147483647
for port in "$@"; do /agnhost serve-hostname --udp --http=false --port "$port" & done
if [ "$porter" = yes ]; then /agnhost porter & fi
wait`;

/**
 * Docker masquerades traffic from a bridge network to the host's other interfaces by default: a pod would see an
 * external client as the host's address. Off, it sees the client's declared IP, as ingress ipBlock peers expect.
 */
export const EXTERNAL_NETWORK_OPTIONS: Readonly<Record<string, string>> = { 'com.docker.network.bridge.enable_ip_masquerade': 'false' };

export interface ExternalTargetOptions {
  runId: string;
  /**
   * Tells apart the targets of suites of one run (which may name externals alike and run at the same time):
   * names become `netpol-e2e-<run id>-<group>-…`. Absent: `netpol-e2e-<run id>-…`.
   */
  group?: string;
  image: string;
  labels: Record<string, string>;
  /**
   * Containers to attach to each external network (the nodes of a kind cluster), after the targets start. The
   * externals then get NET_ADMIN (in their own network namespace only): a client routes the pods through them.
   */
  attachContainers?: readonly string[];
}

export interface StartedExternals {
  networks: DockerObject[];
  containers: DockerObject[];
  /** External name → the name of its container (where the probes of an external source run). */
  containerOf?: Record<string, string>;
  /**
   * Where the attached nodes (kind) are on each external's network: external name → node name → the node's
   * address there. A client routes pod and node addresses through these (see client-routes.ts).
   */
  nodesOnNetworkOf?: Record<string, Record<string, string>>;
}

export async function startExternalTargets(
  docker: DockerGateway,
  externals: readonly PlannedExternal[],
  options: ExternalTargetOptions,
): Promise<StartedExternals> {
  const started: StartedExternals = { networks: [], containers: [], containerOf: {} };
  const nodes = options.attachContainers ?? [];
  if (nodes.length > 0) started.nodesOnNetworkOf = {};
  let plans;
  try {
    plans = planExternalNetworks(externals);
  } catch (error) {
    throw new CommandError(`external targets cannot be placed: ${describeError(error)}`, {
      hint: 'give external targets IPv4 addresses that are not the network or broadcast address of their /24',
      cause: error,
    });
  }
  const prefix = options.group ? `netpol-e2e-${options.runId}-${options.group}` : `netpol-e2e-${options.runId}`;
  try {
    for (const [index, plan] of plans.entries()) {
      const name = `${prefix}-ext${index + 1}`;
      const network = await docker.createNetwork({ name, subnet: plan.subnet, gateway: plan.gateway, labels: options.labels, options: { ...EXTERNAL_NETWORK_OPTIONS } });
      started.networks.push(network);
      for (const member of plan.members) {
        const udp = member.ports.filter((p) => p.protocol === 'UDP').map((p) => String(p.port));
        const env: Record<string, string> = {};
        for (const p of member.ports) {
          if (p.protocol === 'TCP') env[`SERVE_PORT_${p.port}`] = `external ${member.name}`;
          if (p.protocol === 'SCTP') env[`SERVE_SCTP_PORT_${p.port}`] = `external ${member.name}`;
        }
        const container = await docker.startContainer({
          name: `${prefix}-${member.name}`,
          image: options.image,
          network: network.name,
          ip: member.ip,
          labels: options.labels,
          env,
          entrypoint: ['/bin/sh', '-c', EXTERNAL_SCRIPT, 'netpol-e2e-external'],
          command: [Object.keys(env).length > 0 ? 'yes' : 'no', ...udp],
          ...(nodes.length > 0 ? { capabilities: ['NET_ADMIN'] } : {}),
        });
        started.containers.push(container);
        (started.containerOf as Record<string, string>)[member.name] = container.name;
      }
      const nodeAddresses: Record<string, string> = {};
      for (const node of nodes) nodeAddresses[node] = await docker.connect(network.name, node);
      for (const member of plan.members) if (started.nodesOnNetworkOf) started.nodesOnNetworkOf[member.name] = nodeAddresses;
    }
  } catch (error) {
    throw Object.assign(
      new CommandError(
        `external targets could not be started (${externals.map((e) => `${e.name} at ${e.ip}`).join(', ')}): ${describeError(error)}`,
        {
          hint:
            'external targets need a reachable Docker daemon (DOCKER_HOST) with the probe image, and a subnet that no other Docker network uses; ' +
            'pass --no-externals to skip the assertions to external targets',
          cause: error,
        },
      ),
      { started },
    );
  }
  return started;
}

/** Removes what startExternalTargets created (containers first, then networks). Returns what was removed. */
export async function removeExternals(docker: DockerGateway, started: StartedExternals): Promise<string[]> {
  const removed: string[] = [];
  for (const container of started.containers) {
    await docker.removeContainer(container.id);
    removed.push(`docker container ${container.name}`);
  }
  for (const network of started.networks) {
    await docker.removeNetwork(network.id);
    removed.push(`docker network ${network.name}`);
  }
  return removed;
}

/** Every container and network carrying the labels (one run's, or every run's), as for `netpol-e2e cleanup`. */
export async function sweepExternals(
  docker: DockerGateway,
  labels: Record<string, string | undefined>,
  keep: (object: DockerObject) => boolean = () => false,
): Promise<string[]> {
  return removeExternals(docker, {
    containers: (await docker.listContainers(labels)).filter((c) => !keep(c)),
    networks: (await docker.listNetworks(labels)).filter((n) => !keep(n)),
  });
}

/** The partial result attached to a failed startExternalTargets, so the caller can remove what did start. */
export function startedBeforeFailure(error: unknown): StartedExternals | undefined {
  if (typeof error === 'object' && error !== null && 'started' in error) return (error as { started: StartedExternals }).started;
  return undefined;
}
