/** `netpol-e2e cleanup`: deletes what earlier runs left in a cluster (namespaces, external targets), by run label. */
import { createKubeClient } from '../../kube/index.js';
import { cleanupRuns } from '../../deploy/index.js';
import { createTestcontainersDockerGateway } from '../../external/index.js';
import { booleanOption, parseCommandArgs, secondsOption, stringOption } from '../args.js';
import type { DockerGateway } from '../../external/index.js';
import { describeError } from '../../util/index.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';

export const CLEANUP_USAGE = 'netpol-e2e cleanup [--run-id id] [--older-than s] [--kubeconfig f] [--context c] [--no-docker]';

export const CLEANUP_HELP = `${CLEANUP_USAGE}

Deletes the namespaces (with their pods, Services and policies) and the external-target containers and networks
that netpol-e2e runs created, found by the labels app.kubernetes.io/managed-by=netpol-e2e and
netpol-e2e.io/run-id. Nothing without those labels is touched.

  --run-id <id>        only this run's objects (default: every run's)
  --older-than <s>     only objects created at least this many seconds ago (spares runs in progress)
  --kubeconfig <file>  (default: $KUBECONFIG, ~/.kube/config)
  --context <name>
  --no-docker          do not look for external-target containers

Exit codes: 0 done (also when nothing was left), 3 the cluster could not be reached.`;

const OPTIONS = {
  'run-id': { type: 'string' },
  'older-than': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'no-docker': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function cleanupCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('cleanup', CLEANUP_USAGE, args, OPTIONS);
  if (parsed.values.help === true) {
    io.stdout.write(`${CLEANUP_HELP}\n`);
    return EXIT.OK;
  }
  const olderThan = secondsOption(parsed, 'older-than', 'cleanup', { min: 0, max: 365 * 24 * 3600 });
  const kubeconfig = stringOption(parsed, 'kubeconfig');
  const context = stringOption(parsed, 'context');
  const kube = await createKubeClient({ ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) });
  const runId = stringOption(parsed, 'run-id');
  const notes: string[] = [];
  let docker: DockerGateway | false = false;
  if (!booleanOption(parsed, 'no-docker')) {
    try {
      docker = await createTestcontainersDockerGateway();
    } catch (error) {
      notes.push(`docker is not reachable, so external-target containers were not swept: ${describeError(error)}`);
    }
  }
  const result = await cleanupRuns(kube, {
    ...(runId ? { runId } : {}),
    ...(olderThan !== undefined ? { olderThan } : {}),
    docker,
  });
  result.notes.unshift(...notes);
  for (const item of result.deleted) io.stdout.write(`deleted ${item}\n`);
  for (const note of result.notes) io.stderr.write(`note: ${note}\n`);
  io.stdout.write(
    `${result.deleted.length === 0 ? 'nothing to clean up' : `${result.deleted.length} deleted`} in ${kube.contextName} (${kube.server})\n`,
  );
  return EXIT.OK;
}
