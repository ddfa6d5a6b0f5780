/**
 * External clients on kind. The pods sit behind kind's node containers, which join every external network
 * (external-targets.ts, attachContainers); a client there has no route to pod IPs (its default route is Docker's
 * host bridge, and the host knows nothing of kind's pod network). Each external container gets one /32 route per
 * pod (and per node address) through the node that holds it, on the shared network: traffic keeps the client's
 * own address (no NAT on the way; ingress ipBlock peers see it), and the node answers it directly on that network.
 * The routes live in the container's own network namespace (it runs with NET_ADMIN); nothing on the host or the
 * nodes changes.
 */
import { parseIp } from '../model/index.js';
import { CommandError } from '../util/index.js';
import type { DockerGateway } from './docker-gateway.js';
import type { StartedExternals } from './external-targets.js';

/** An address to reach from the externals, and the node (kind node container) that holds it. */
export interface RoutedAddress {
  ip: string;
  node: string;
}

/** The `ip route` commands for one external: IPv4 addresses only (external networks are IPv4), each via its node. */
export function clientRouteCommands(addresses: readonly RoutedAddress[], nodesOnNetwork: Record<string, string>): string[] {
  const commands = new Set<string>();
  for (const { ip, node } of addresses) {
    const via = nodesOnNetwork[node];
    if (via === undefined || parseIp(ip)?.family !== 4) continue;
    commands.add(`ip route replace ${ip}/32 via ${via}`);
  }
  return [...commands];
}

/** Adds the routes in every external container of `started` that shares a network with the nodes. */
export async function routeExternalsToCluster(
  docker: DockerGateway,
  started: StartedExternals,
  addresses: readonly RoutedAddress[],
  timeoutMs: number,
): Promise<void> {
  for (const [external, nodesOnNetwork] of Object.entries(started.nodesOnNetworkOf ?? {})) {
    const container = started.containerOf?.[external];
    const commands = clientRouteCommands(addresses, nodesOnNetwork);
    if (container === undefined || commands.length === 0) continue;
    const result = await docker.exec(container, ['sh', '-c', ['set -e', ...commands].join('\n')], timeoutMs);
    if (result.exitCode !== 0) {
      throw new CommandError(`external ${external}: the routes to the cluster's pods could not be set in its container ${container} (ip route exited ${result.exitCode}: ${result.stderr.trim().slice(0, 300)})`, {
        hint: 'the probe image needs the ip command (iproute2, as agnhost has) and Docker must grant NET_ADMIN to containers; or pass --no-externals to skip the external cells',
      });
    }
  }
}
