/**
 * The labels in force at a step: complete label sets of every fixture namespace and workload, as the fixture
 * declares them and as each step's `labels` changes them (the changes are complete sets, see read-steps.ts).
 * One derivation, used by the suite reader (validating removals), the planner (the model's state of a step)
 * and the live run (the labels applied in the cluster).
 */
import type { LabelChanges } from './types.js';

export interface LabelsInForce {
  namespaceLabels: Map<string, Record<string, string>>;
  /** Keyed by `<namespace>/<workload>`. */
  workloadLabels: Map<string, Record<string, string>>;
}

/** The labels before any step changes them. */
export function fixtureLabels(
  namespaces: Iterable<{ name: string; labels: Record<string, string> }>,
  workloads: Iterable<{ namespace: string; name: string; labels: Record<string, string> }>,
): LabelsInForce {
  return {
    namespaceLabels: new Map([...namespaces].map((n) => [n.name, { ...n.labels }])),
    workloadLabels: new Map([...workloads].map((w) => [`${w.namespace}/${w.name}`, { ...w.labels }])),
  };
}

/** The labels after a step's changes (a new value; `previous` is not changed). */
export function labelsAfter(previous: LabelsInForce, changes: LabelChanges): LabelsInForce {
  const next: LabelsInForce = { namespaceLabels: new Map(previous.namespaceLabels), workloadLabels: new Map(previous.workloadLabels) };
  for (const [name, labels] of Object.entries(changes.namespaces)) next.namespaceLabels.set(name, { ...labels });
  for (const [key, labels] of Object.entries(changes.workloads)) next.workloadLabels.set(key, { ...labels });
  return next;
}
