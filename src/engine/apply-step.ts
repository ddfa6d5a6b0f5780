/** Applies a step to a deployed fixture: label changes, then policy deletions, then policies (server-side apply). */
import { policyManifest, relabelNamespace, relabelWorkload, type DeployedFixture } from '../deploy/index.js';
import type { KubeClient } from '../kube/index.js';
import type { Suite } from '../suite/index.js';
import { refKey, type StepPlan } from './plan.js';

export async function applyStepChanges(kube: KubeClient, suite: Suite, plan: StepPlan, deployed: DeployedFixture): Promise<void> {
  for (const [name, labels] of plan.state.namespaceLabels) {
    if (!sameLabels(deployed.namespaceLabels.get(name), labels)) await relabelNamespace(kube, deployed, name, labels);
  }
  for (const workload of suite.fixture.workloads) {
    const labels = plan.state.workloadLabels.get(refKey(workload));
    if (labels && !sameLabels(deployed.workloadLabels.get(refKey(workload)), labels)) await relabelWorkload(kube, deployed, workload, labels);
  }
  for (const removed of plan.step.delete) {
    await kube.delete({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: removed.name, namespace: removed.namespace });
  }
  for (const loaded of plan.step.apply) await kube.apply(policyManifest(loaded.policy, deployed.context));
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
