/** How a live run treats the external targets of its suites. */
import type { DockerGateway } from './docker-gateway.js';

export interface ExternalsOptions {
  /** Start containers for the suites' external targets (default true); when false their cells are skipped. */
  enabled: boolean;
  /** Docker access; default: testcontainers against the local daemon (DOCKER_HOST). */
  docker?: DockerGateway;
  /** Containers to attach to each external network after the targets start: the nodes of a kind cluster. */
  attachContainers?: string[];
}
