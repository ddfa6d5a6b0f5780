/**
 * Fixture namespaces that exist already (`{name: default, existing: true}`). The run never creates, changes or
 * deletes such a namespace or anything in it that it did not create: it adds its own pods, Services and policies
 * (labelled with the run id) and removes exactly those. Before anything is created it checks that the namespace
 * is there with the labels the suite expects, that no name the run needs is taken, and that no policy of the
 * suite would select a pod the run did not create; it returns the namespace's real labels and the policies already
 * in it, which the model then includes (so they never change a verdict silently) and the report lists.
 */
import type { KubeClient, KubeObject } from '../kube/index.js';
import { selectorMatches, type NetworkPolicy } from '../model/index.js';
import type { SuiteFixture } from '../suite/index.js';
import { ClusterError, pollDone, pollPending, pollWithStats, type Clock } from '../util/index.js';
import { isRunObject, runSelector } from './run-labels.js';

export interface ExistingNamespace {
  name: string;
  /** The labels it really has (without kubernetes.io/metadata.name). */
  labels: Record<string, string>;
  /** NetworkPolicies in it that this run did not create: in force during the run. */
  policies: NetworkPolicy[];
}

const NAME_LABEL = 'kubernetes.io/metadata.name';
const NETWORK_POLICY = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' } as const;

/** The run's own objects in an existing namespace, deleted one by one (pods last, as Services select them). */
const RUN_OBJECT_KINDS = [NETWORK_POLICY, { apiVersion: 'v1', kind: 'Service' }, { apiVersion: 'v1', kind: 'Pod' }] as const;

type PodObject = KubeObject & { metadata: { labels?: Record<string, string> } };

/**
 * Checks the fixture's existing namespaces before anything is created (ClusterError naming the namespace, what
 * was expected and what is there) and returns what is in them. `policies` are every policy the suite applies.
 */
export async function inspectExistingNamespaces(
  kube: KubeClient,
  fixture: SuiteFixture,
  policies: readonly NetworkPolicy[],
  runId: string,
): Promise<ExistingNamespace[]> {
  const result: ExistingNamespace[] = [];
  for (const declared of fixture.namespaces.filter((n) => n.existing)) {
    const name = declared.name;
    const live = await kube.get<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', name });
    if (!live) {
      throw new ClusterError(`namespace ${name} is declared existing (existing: true) but the cluster has no namespace ${name}`, {
        hint: `create it yourself (kubectl create namespace ${name}), or drop existing: true so that the run creates it; netpol-e2e never creates a namespace declared existing`,
      });
    }
    const { [NAME_LABEL]: _name, ...labels } = live.metadata.labels ?? {};
    const missing = Object.entries(declared.labels).filter(([key, value]) => labels[key] !== value);
    if (missing.length > 0) {
      throw new ClusterError(
        `existing namespace ${name} does not carry the labels the suite declares: expected ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}, ` +
          `found ${missing.map(([k]) => (labels[k] === undefined ? `no ${k}` : `${k}=${labels[k]}`)).join(', ')}`,
        { hint: 'the run never changes a namespace it did not create: label the namespace yourself, or declare the labels it has' },
      );
    }
    await checkNamesFree(kube, fixture, name, runId);
    const foreignPods = (await kube.list<PodObject>('v1', 'Pod', { namespace: name })).filter((p) => !isRunObject(p.metadata.labels, runId));
    const ownPolicies = policies.filter((p) => p.metadata.namespace === name);
    for (const policy of ownPolicies) {
      const selected = foreignPods.filter((pod) => selectorMatches(policy.spec.podSelector, pod.metadata.labels ?? {}));
      if (selected.length > 0) {
        throw new ClusterError(
          `policy ${name}/${policy.metadata.name} of the suite would select pods the run did not create in existing namespace ${name} ` +
            `(${selected.slice(0, 5).map((p) => p.metadata.name).join(', ')}${selected.length > 5 ? `, and ${selected.length - 5} more` : ''}) and change their traffic`,
          { hint: `run the suite where ${name} holds no such pods (a kind or test cluster), or narrow the policy's podSelector to the suite's workloads` },
        );
      }
    }
    const livePolicies = await kube.list<KubeObject>(NETWORK_POLICY.apiVersion, NETWORK_POLICY.kind, { namespace: name });
    const foreign = livePolicies.filter((p) => !isRunObject(p.metadata.labels, runId));
    const clash = foreign.find((p) => ownPolicies.some((own) => own.metadata.name === p.metadata.name));
    if (clash) {
      throw new ClusterError(`policy ${name}/${clash.metadata.name} of the suite has the name of a NetworkPolicy that already exists there and was not created by this run; applying it would replace that policy`, {
        hint: 'rename the suite\'s policy, or run where the namespace holds no policy of that name',
      });
    }
    result.push({ name, labels, policies: foreign.map(asPolicy) });
  }
  return result;
}

/** A pod or Service the run needs in an existing namespace must not exist already (unless this run made it). */
async function checkNamesFree(kube: KubeClient, fixture: SuiteFixture, namespace: string, runId: string): Promise<void> {
  const wanted = [
    ...fixture.workloads.filter((w) => w.namespace === namespace).map((w) => ({ kind: 'Pod', name: w.name })),
    ...fixture.services.filter((s) => s.namespace === namespace).map((s) => ({ kind: 'Service', name: s.name })),
  ];
  for (const { kind, name } of wanted) {
    const live = await kube.get<KubeObject>({ apiVersion: 'v1', kind, name, namespace });
    if (live && !isRunObject(live.metadata.labels, runId)) {
      throw new ClusterError(`the suite needs a ${kind} named ${name} in existing namespace ${namespace}, but one exists there that this run did not create`, {
        hint: `rename the workload or Service in the suite; the run never changes or deletes what it did not create`,
      });
    }
  }
}

function asPolicy(object: KubeObject): NetworkPolicy {
  const spec = (object as KubeObject & { spec?: NetworkPolicy['spec'] }).spec ?? { podSelector: {} };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace ?? '' },
    spec: { ...spec, podSelector: spec.podSelector ?? {} },
  };
}

/** `default/allow-dns, default/deny-all`: for the report. */
export function describeExistingPolicies(existing: readonly ExistingNamespace[]): string | undefined {
  const names = existing.flatMap((n) => n.policies.map((p) => `${n.name}/${p.metadata.name}`));
  return names.length === 0 ? undefined : `${names.join(', ')} (not created by the run; in force during it and included in the model's verdicts)`;
}

/**
 * Deletes the run's own pods, Services and NetworkPolicies in existing namespaces (by the run's labels, each
 * checked again) and waits until its pods are gone. Nothing else there is touched.
 */
export async function deleteRunObjectsIn(
  kube: KubeClient,
  namespaces: readonly string[],
  runId: string,
  options: { timeoutMs: number; intervalMs: number; clock: Clock },
): Promise<void> {
  for (const namespace of namespaces) {
    for (const { apiVersion, kind } of RUN_OBJECT_KINDS) {
      const objects = await kube.list<KubeObject>(apiVersion, kind, { namespace, labelSelector: runSelector(runId) });
      for (const object of objects.filter((o) => isRunObject(o.metadata.labels, runId))) {
        await kube.delete({ apiVersion, kind, name: object.metadata.name, namespace });
      }
    }
  }
  if (namespaces.length === 0) return;
  await pollWithStats(
    async () => {
      const remaining: string[] = [];
      for (const namespace of namespaces) {
        const pods = await kube.list<KubeObject>('v1', 'Pod', { namespace, labelSelector: runSelector(runId) });
        remaining.push(...pods.map((p) => `${namespace}/${p.metadata.name}`));
      }
      return remaining.length === 0 ? pollDone(true) : pollPending(`still there: ${remaining.join(', ')}`);
    },
    {
      ...options,
      describe: `the run's pods in existing namespaces ${namespaces.join(', ')} to be deleted`,
      hint: "'netpol-e2e cleanup' removes them later, by the run's labels",
    },
  );
}
