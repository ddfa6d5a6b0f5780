/** External targets of live runs (containers beside the cluster that answer at declared IPs). */
export { clientRouteCommands, routeExternalsToCluster, type RoutedAddress } from './client-routes.js';
export type { DockerContainerSpec, DockerExecResult, DockerGateway, DockerNetworkSpec, DockerObject } from './docker-gateway.js';
export { EXTERNAL_PREFIX_LENGTH, planExternalNetworks, type PlannedExternal, type PlannedNetwork } from './external-network-plan.js';
export {
  EXTERNAL_NETWORK_OPTIONS,
  EXTERNAL_SCRIPT,
  removeExternals,
  startExternalTargets,
  startedBeforeFailure,
  sweepExternals,
  type ExternalTargetOptions,
  type StartedExternals,
} from './external-targets.js';
export type { ExternalsOptions } from './externals-options.js';

/** Docker through testcontainers, loaded on first use: it is heavy, and verify or explain never need it. */
export async function createTestcontainersDockerGateway(): Promise<import('./docker-gateway.js').DockerGateway> {
  return (await import('./testcontainers-docker-gateway.js')).createTestcontainersDockerGateway();
}
