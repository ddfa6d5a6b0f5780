/**
 * `generate --from-cluster`: the fixture of a live cluster, read-only (list namespaces, pods and NetworkPolicies;
 * see rbac/netpol-e2e-snapshot.yaml). Real namespaces with their labels, one workload per distinct label set of
 * running pods (controller hashes dropped) with their declared container ports, and the cluster's policies,
 * written beside the suite (one file per namespace) so the suite names them like any other policy files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringifyAsKubectl } from '../util/yaml/index.js';
import { createKubeClient } from '../kube/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE } from '../kube/index.js';
import type { PodPort, Protocol } from '../model/index.js';
import { loadPolicyFiles } from '../suite/index.js';
import { InputError } from '../util/index.js';
import type { GeneratedText } from './generate-from-files.js';
import { policyEntries } from './generate-from-files.js';
import { suiteForFixture, type GenerateOptions } from './generate-suite.js';
import { inferExternals, isReservedNamespace, peersOf, slugOf, type InferredFixture, type InferredNamespace, type InferredWorkload } from './infer-fixture.js';
import { DEFAULT_MAX_WORKLOADS } from './infer-fixture.js';
import { isolatesFor } from '../model/index.js';
import { renderSuite } from './render-suite.js';

/** Labels controllers put on pods that differ between pods of one workload (or one rollout). */
const VOLATILE_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
]);

export interface SnapshotOptions extends GenerateOptions {
  cwd: string;
  suiteDir: string;
  outputFile: string;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Only these namespaces; empty: every namespace that is not default, kube-* or a netpol-e2e run's. */
  namespaces: string[];
  env: NodeJS.ProcessEnv;
  /** Tests pass a fake. */
  client?: KubeClient;
}

interface PodObject extends KubeObject {
  metadata: KubeObject['metadata'] & { ownerReferences?: { kind: string; name: string }[] };
  spec?: { containers?: { ports?: { containerPort: number; protocol?: string; name?: string }[] }[] };
  status?: { phase?: string };
}

function isRunObject(object: KubeObject): boolean {
  return object.metadata.labels?.[LABEL_MANAGED_BY] === LABEL_MANAGED_BY_VALUE;
}

/** The NetworkPolicy as written: server-managed metadata and status dropped. */
function cleanPolicy(object: KubeObject): Record<string, unknown> {
  const annotations = { ...(object.metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const metadata: Record<string, unknown> = { name: object.metadata.name, namespace: object.metadata.namespace };
  if (object.metadata.labels && Object.keys(object.metadata.labels).length > 0) metadata['labels'] = object.metadata.labels;
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: object['spec'] ?? {} };
}

function workloadBaseName(pod: PodObject): string {
  const owner = pod.metadata.ownerReferences?.[0];
  if (owner?.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]{5,10}$/, '');
  if (owner !== undefined) return owner.name;
  return pod.metadata.name;
}

function podPorts(pod: PodObject): PodPort[] {
  const ports: PodPort[] = [];
  for (const container of pod.spec?.containers ?? []) {
    for (const p of container.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as Protocol;
      if (ports.some((q) => (q.port === p.containerPort && q.protocol === protocol) || (p.name !== undefined && q.name === p.name))) continue;
      ports.push(p.name !== undefined ? { port: p.containerPort, protocol, name: p.name } : { port: p.containerPort, protocol });
    }
  }
  return ports;
}

export async function snapshotCluster(options: SnapshotOptions): Promise<GeneratedText> {
  const client =
    options.client ??
    (await createKubeClient({
      ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context !== undefined ? { context: options.context } : {}),
    }));
  const leftOut: string[] = [];
  const allNamespaces = await client.list<KubeObject>('v1', 'Namespace');
  for (const wanted of options.namespaces) {
    if (!allNamespaces.some((n) => n.metadata.name === wanted)) {
      throw new InputError([{ message: `--namespace ${wanted}: no such namespace in the cluster` }], { hint: 'name namespaces that exist (kubectl get namespaces)' });
    }
    if (isReservedNamespace(wanted)) throw new InputError([{ message: `--namespace ${wanted}: default and kube-* namespaces cannot be part of a suite` }]);
  }
  const chosen = allNamespaces.filter((n) =>
    options.namespaces.length > 0 ? options.namespaces.includes(n.metadata.name) : !isReservedNamespace(n.metadata.name) && !isRunObject(n),
  );
  const pods: PodObject[] = [];
  const policies: KubeObject[] = [];
  for (const ns of chosen) {
    pods.push(...(await client.list<PodObject>('v1', 'Pod', { namespace: ns.metadata.name })).filter((p) => p.status?.phase === 'Running' && !isRunObject(p)));
    policies.push(...(await client.list<KubeObject>('networking.k8s.io/v1', 'NetworkPolicy', { namespace: ns.metadata.name })).filter((p) => !isRunObject(p)));
  }

  // Workloads: one per distinct (namespace, label set) of running pods.
  const maxWorkloads = options.maxWorkloads ?? DEFAULT_MAX_WORKLOADS;
  const workloads: InferredWorkload[] = [];
  const names = new Map<string, Set<string>>();
  const byKey = new Map<string, { workload: InferredWorkload; count: number }>();
  let dropped = 0;
  for (const pod of [...pods].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))) {
    const namespace = pod.metadata.namespace ?? '';
    const labels = Object.fromEntries(Object.entries(pod.metadata.labels ?? {}).filter(([k]) => !VOLATILE_LABELS.has(k)).sort(([a], [b]) => a.localeCompare(b)));
    const key = `${namespace}\u0000${JSON.stringify(labels)}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.count += 1;
      for (const port of podPorts(pod)) {
        if (!existing.workload.ports.some((q) => (q.port === port.port && q.protocol === port.protocol) || (port.name !== undefined && q.name === port.name))) existing.workload.ports.push(port);
      }
      existing.workload.why = [`${existing.count} running pods with these labels`];
      continue;
    }
    if (workloads.length >= maxWorkloads) {
      dropped += 1;
      continue;
    }
    const taken = names.get(namespace) ?? new Set<string>();
    names.set(namespace, taken);
    let name = slugOf([workloadBaseName(pod)], 'pod');
    for (let i = 2; taken.has(name); i += 1) name = `${slugOf([workloadBaseName(pod)], 'pod')}-${i}`;
    taken.add(name);
    const workload: InferredWorkload = { namespace, name, labels, ports: podPorts(pod), why: [`running pod ${pod.metadata.name}`], outsider: false };
    workloads.push(workload);
    byKey.set(key, { workload, count: 1 });
  }
  if (dropped > 0) leftOut.push(`${dropped} running pod(s) with further label sets: over the bound of ${maxWorkloads} workloads (--max-workloads)`);
  if (workloads.length === 0) {
    throw new InputError([{ message: `no running pod in the namespaces read (${chosen.map((n) => n.metadata.name).join(', ') || 'none'})` }], {
      hint: 'snapshot namespaces where workloads run, with --namespace',
    });
  }
  const usedNamespaces = new Set(workloads.map((w) => w.namespace));
  for (const p of policies) usedNamespaces.add(p.metadata.namespace ?? '');
  const namespaces: InferredNamespace[] = chosen
    .filter((n) => usedNamespaces.has(n.metadata.name))
    .map((n) => {
      const labels = { ...(n.metadata.labels ?? {}) };
      delete labels['kubernetes.io/metadata.name'];
      return { name: n.metadata.name, labels, why: ['in the cluster'], outsider: false };
    });

  // The cluster's policies, one file per namespace beside the suite, loaded (and validated) like any others.
  const policyDir = path.join(options.suiteDir, `${path.basename(options.outputFile).replace(/\.ya?ml$/i, '')}-policies`);
  const files: string[] = [];
  if (policies.length > 0) await mkdir(policyDir, { recursive: true });
  for (const ns of namespaces) {
    const own = policies.filter((p) => p.metadata.namespace === ns.name).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    if (own.length === 0) continue;
    const file = path.join(policyDir, `${ns.name}.yaml`);
    await writeFile(file, own.map((p) => stringifyAsKubectl(cleanPolicy(p))).join('---\n'), 'utf8');
    files.push(path.relative(options.cwd, file) || file);
  }
  const loaded = files.length > 0 ? await loadPolicyFiles(files, options.cwd) : [];
  const externals = inferExternals(loaded.flatMap(peersOf), workloads.flatMap((w) => w.ports), options.maxExternals ?? 8, leftOut, options.podNetwork ?? []);
  const fixture: InferredFixture = {
    policies: loaded,
    namespaces,
    workloads,
    externals,
    ports: [],
    egress: loaded.some((p) => isolatesFor(p.policy.spec, 'Egress')),
    summary: 'one per distinct label set of running pods',
    leftOut,
  };
  if (!workloads.some((w) => w.ports.length > 0)) {
    throw new InputError([{ message: 'no running pod declares a container port, so no connection can be tested' }], {
      hint: 'declare containerPorts in the pod specs (policies with named ports need them anyway)',
    });
  }
  const suite = suiteForFixture(fixture, options);
  const entries = policyEntries(loaded, loaded, options.cwd, options.suiteDir);
  const context = options.context ?? 'the current context';
  return { suite, text: renderSuite(suite, entries, `--from-cluster (${context}; namespaces ${namespaces.map((n) => n.name).join(', ')})`) };
}
