/**
 * Diagnostics of a failed run, written to the artifacts directory (`<dir>/<run id>/`): for each of the run's
 * namespaces its pods (as YAML, with status), events and NetworkPolicies, and the probe pods' logs; the CNI's
 * logs (calico-node pods in kube-system); the enforcer's log file on the local test cluster
 * (NETPOL_E2E_ENFORCER_LOG); and the external targets' container logs. Each item that cannot be collected is
 * listed in `problems.txt` instead of aborting the rest.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DockerGateway, DockerObject } from '../external/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { describeError } from '../util/index.js';

export interface DiagnosticsInput {
  kube: KubeClient;
  artifactsDir: string;
  runId: string;
  namespaces: readonly string[];
  /** Label selector of the run's objects. */
  labelSelector: string;
  enforcerLog?: string;
  docker?: DockerGateway;
  externalContainers?: readonly DockerObject[];
}

const LOG_TAIL_LINES = 300;
const ENFORCER_LOG_BYTES = 512 * 1024;

/** Writes what can be collected; returns the directory written to and what could not be collected. */
export async function collectDiagnostics(input: DiagnosticsInput): Promise<{ dir: string; problems: string[] }> {
  const dir = join(input.artifactsDir, input.runId);
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      problems.push(`${what}: ${describeError(error)}`);
    }
  };
  await mkdir(dir, { recursive: true });
  for (const namespace of input.namespaces) {
    const nsDir = join(dir, 'namespaces', namespace);
    await mkdir(nsDir, { recursive: true });
    let pods: KubeObject[] = [];
    await attempt(`pods of ${namespace}`, async () => {
      pods = await input.kube.list<KubeObject>('v1', 'Pod', { namespace, labelSelector: input.labelSelector });
      await writeFile(join(nsDir, 'pods.yaml'), stringify(pods.map(withoutManagedFields)));
    });
    await attempt(`events of ${namespace}`, async () => {
      const events = await input.kube.list<KubeObject>('v1', 'Event', { namespace });
      await writeFile(join(nsDir, 'events.yaml'), stringify(events.map(summarizeEvent)));
    });
    await attempt(`NetworkPolicies of ${namespace}`, async () => {
      const policies = await input.kube.list<KubeObject>('networking.k8s.io/v1', 'NetworkPolicy', { namespace });
      await writeFile(join(nsDir, 'networkpolicies.yaml'), stringify(policies.map(withoutManagedFields)));
    });
    for (const pod of pods) {
      const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
      for (const container of containers) {
        await attempt(`logs of ${namespace}/${pod.metadata.name} (${container})`, async () => {
          const logs = await input.kube.logs(namespace, pod.metadata.name, { container, tailLines: LOG_TAIL_LINES });
          await writeFile(join(nsDir, `${pod.metadata.name}.${container}.log`), logs);
        });
      }
    }
  }
  await attempt('CNI logs (calico-node pods in kube-system)', async () => {
    const calico = await input.kube.list<KubeObject>('v1', 'Pod', { namespace: 'kube-system', labelSelector: 'k8s-app=calico-node' });
    if (calico.length === 0) return;
    const cniDir = join(dir, 'cni');
    await mkdir(cniDir, { recursive: true });
    for (const pod of calico) {
      const logs = await input.kube.logs('kube-system', pod.metadata.name, { container: 'calico-node', tailLines: 2000 });
      await writeFile(join(cniDir, `${pod.metadata.name}.log`), logs);
    }
  });
  const enforcerLog = input.enforcerLog;
  if (enforcerLog) {
    await attempt(`enforcer log ${enforcerLog}`, async () => {
      await writeFile(join(dir, 'enforcer.log'), await readTail(enforcerLog, ENFORCER_LOG_BYTES));
    });
  }
  const docker = input.docker;
  for (const container of input.externalContainers ?? []) {
    if (!docker) break;
    await attempt(`logs of external target container ${container.name}`, async () => {
      await writeFile(join(dir, `external.${container.name}.log`), await docker.containerLogs(container.id, LOG_TAIL_LINES));
    });
  }
  if (problems.length > 0) await writeFile(join(dir, 'problems.txt'), `${problems.join('\n')}\n`);
  return { dir, problems };
}

function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _managed, ...metadata } = object.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...object, metadata };
}

function summarizeEvent(event: KubeObject): Record<string, unknown> {
  const e = event as KubeObject & Record<string, unknown>;
  return {
    lastTimestamp: e.lastTimestamp ?? e.eventTime,
    type: e.type,
    reason: e.reason,
    object: e.involvedObject,
    message: e.message,
    count: e.count,
  };
}

async function readTail(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
