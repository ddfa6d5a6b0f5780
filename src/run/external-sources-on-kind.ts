/**
 * External sources need a cluster whose node is this host: their client containers reach pod IPs through the
 * host's routes (the Docker bridge's gateway). A kind cluster's pods sit behind its node containers, on a network
 * the client has no route into (and Docker isolates bridge networks from each other), so every probe would time
 * out and the positive control would fail after the cluster was created. Refused before anything is created.
 */
import type { Suite } from '../suite/index.js';
import { isExternalSourceRef } from '../suite/index.js';
import { InputError, type InputIssue } from '../util/index.js';
import type { LiveRunOptions } from './live-run-options.js';

export function refuseExternalSourcesOnKind(suites: readonly Suite[], options: LiveRunOptions): void {
  if (options.externals?.enabled === false || !onKind(options)) return;
  const issues: InputIssue[] = [];
  for (const suite of suites) {
    for (const assertion of suite.steps.flatMap((step) => step.assertions)) {
      if (assertion.kind !== 'connect' || !isExternalSourceRef(assertion.from)) continue;
      issues.push({
        position: assertion.position,
        message: `assertion ${assertion.id} starts at external ${assertion.from.external}: external sources are not supported on kind clusters (the client container beside the cluster has no route to the pods inside kind's node containers)`,
      });
    }
  }
  if (issues.length === 0) return;
  throw new InputError(issues, {
    hint: 'run these suites against a cluster whose node is this host (e.g. the local cluster that test/cluster builds, with --kubeconfig), or pass --no-externals to skip the external cells',
  });
}

function onKind(options: LiveRunOptions): boolean {
  const cluster = options.cluster;
  if (cluster === undefined) return false;
  return 'provision' in cluster ? cluster.name === 'kind' : cluster.cluster === 'kind';
}
