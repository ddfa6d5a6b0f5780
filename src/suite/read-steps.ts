/**
 * Reads the stages of a suite: stage 0 (top-level `policies` and `assertions`) and each entry of `steps`, tracking
 * the policies that exist and the labels in force, so that deletes name existing policies, label removals name
 * existing labels and each step's label changes become complete label sets.
 */
import type { NetworkPolicy } from '../model/index.js';
import type { LabelChanges, LoadedPolicy, SuiteStep } from './types.js';
import { checkLabelKey, checkLabelValue } from './check-labels.js';
import { fixtureLabels } from './labels-in-force.js';
import { describeValue, isPlainMap, MapReader, type FieldPath, type IssueList } from '../util/yaml/index.js';
import type { FixtureIndex } from './fixture-index.js';
import { loadPolicyPatterns, reportDuplicatePolicies, specFieldPositions, type PolicyFileContext, type PolicyPattern } from './load-policy-files.js';
import { readAssertionList, type ReadAssertion } from './read-assertion.js';
import { CLUSTER_DNS_NAMESPACE, INITIAL_STEP_NAME, NAMESPACE_NAME_LABEL, SUITE_FIELDS } from './suite-fields.js';
import { readPolicyObject } from './validate-policy.js';

export interface StagesInput {
  root: MapReader;
  fixture: FixtureIndex;
  policyFiles: PolicyFileContext;
  displayFile: string;
  /** The value at a path as kubectl would read the suite's YAML: inline policies are decoded like policy files. */
  kubectlValue?: (path: FieldPath) => unknown;
}

export interface ReadStages {
  steps: SuiteStep[];
  /** Every assertion of every step, in order, for id assignment. */
  assertions: ReadAssertion[];
}

interface StageState {
  policies: Map<string, LoadedPolicy>;
  namespaceLabels: Map<string, Record<string, string>>;
  workloadLabels: Map<string, Record<string, string>>;
}

export async function readStages(input: StagesInput): Promise<ReadStages> {
  const { root, fixture } = input;
  const issues = root.issues;
  const state: StageState = { policies: new Map(), ...fixtureLabels(fixture.namespaces.values(), fixture.workloads.values()) };
  const assertions: ReadAssertion[] = [];

  const initialApply = await readPolicyList(input, ['policies'], root.get('policies'), INITIAL_STEP_NAME);
  const initialAssertions = readAssertionList(issues, ['assertions'], root.get('assertions'), fixture);
  for (const item of initialAssertions) assertions.push(item);
  const steps: SuiteStep[] = [{
    index: 0,
    name: INITIAL_STEP_NAME,
    apply: initialApply,
    delete: [],
    labels: { namespaces: {}, workloads: {} },
    assertions: initialAssertions.map((a) => a.assertion),
    position: issues.position([]),
  }];
  applyPolicies(state, initialApply);

  const stepItems = root.list('steps', 'the steps') ?? [];
  const names = new Map<string, FieldPath>();
  for (let i = 0; i < stepItems.length; i += 1) {
    const path: FieldPath = ['steps', i];
    const reader = MapReader.open(issues, path, stepItems[i], 'a step', SUITE_FIELDS.step);
    if (!reader) continue;
    const name = reader.string('name', 'the step name', { required: true });
    if (name === INITIAL_STEP_NAME) {
      reader.report('name', `step name "${INITIAL_STEP_NAME}" is reserved for the top-level policies and assertions; pick another name`);
    } else if (name !== undefined && names.has(name)) {
      reader.report('name', `step name "${name}" is used twice; step names must be unique`);
    } else if (name !== undefined) {
      names.set(name, path);
    }
    const stepName = name ?? `#${i + 1}`;
    if (!['apply', 'delete', 'labels', 'assertions'].some((key) => reader.has(key))) {
      issues.add(path, `step "${stepName}" does nothing; give it apply, delete, labels or assertions`);
    }
    const apply = await readPolicyList(input, [...path, 'apply'], reader.get('apply'), stepName);
    const deletes = readDeletes(reader, state, apply);
    const labels = readLabelChanges(reader, state, fixture);
    const stepAssertions = readAssertionList(issues, [...path, 'assertions'], reader.get('assertions'), fixture);
    for (const item of stepAssertions) assertions.push(item);
    for (const removed of deletes) state.policies.delete(`${removed.namespace}/${removed.name}`);
    applyPolicies(state, apply);
    steps.push({
      index: steps.length,
      name: stepName,
      apply,
      delete: deletes,
      labels,
      assertions: stepAssertions.map((a) => a.assertion),
      position: issues.position(path),
    });
  }
  return { steps, assertions };
}

function applyPolicies(state: StageState, loaded: readonly LoadedPolicy[]): void {
  for (const item of loaded) state.policies.set(policyKey(item.policy), item);
}

function policyKey(policy: NetworkPolicy): string {
  return `${policy.metadata.namespace}/${policy.metadata.name}`;
}

/** A policy list: file paths / globs and inline NetworkPolicy objects, in order. */
async function readPolicyList(input: StagesInput, path: FieldPath, value: unknown, stepName: string): Promise<LoadedPolicy[]> {
  const issues = input.root.issues;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list of policy file paths, globs, {path, namespace} entries or inline NetworkPolicies, found ${describeValue(value)}`);
    return [];
  }
  const loaded: LoadedPolicy[] = [];
  const fromFile = new Set<LoadedPolicy['source']['position']>();
  for (let i = 0; i < value.length; i += 1) {
    const item: unknown = value[i];
    if (typeof item === 'string') {
      // A file matched by two patterns of one list is applied once.
      for (const policy of await loadPolicyPatterns([{ pattern: item, path: [...path, i] }], input.policyFiles, issues)) {
        if (fromFile.has(policy.source.position)) continue;
        fromFile.add(policy.source.position);
        loaded.push(policy);
      }
    } else if (isPolicyFileEntry(item)) {
      const entry = readPolicyFileEntry(issues, [...path, i], item, input.fixture);
      if (!entry) continue;
      // the same file under another namespace is another set of policies
      for (const policy of await loadPolicyPatterns([{ ...entry, path: [...path, i, 'path'] }], input.policyFiles, issues)) {
        const same = (l: LoadedPolicy) => l.source.position === policy.source.position && l.policy.metadata.namespace === policy.policy.metadata.namespace;
        if (loaded.some(same)) continue;
        fromFile.add(policy.source.position);
        loaded.push(policy);
      }
    } else if (isPlainMap(item)) {
      const itemIssues = issues.within([...path, i]);
      const asKubectl = input.kubectlValue?.([...path, i]);
      const policyValue = isPlainMap(asKubectl) ? asKubectl : item;
      const policy = readPolicyObject(itemIssues, policyValue);
      input.policyFiles.check?.(policyValue, itemIssues);
      if (!policy) continue;
      loaded.push({ policy, source: { file: input.displayFile, document: 0, position: itemIssues.position([]), fieldPositions: specFieldPositions(item, itemIssues) } });
    } else {
      issues.add([...path, i], `expected a policy file path or glob (a string), a {path, namespace} entry or an inline NetworkPolicy (a map), found ${describeValue(item)}`);
    }
  }
  reportDuplicatePolicies(loaded, issues, `are applied in step "${stepName}"`);
  return loaded;
}

/** A `{path: ..., namespace: ...}` entry of a policy list (an inline NetworkPolicy has apiVersion and kind instead). */
function isPolicyFileEntry(item: unknown): item is Record<string, unknown> {
  return isPlainMap(item) && 'path' in item && !('apiVersion' in item) && !('kind' in item);
}

/** Reads `{path, namespace}`: the namespace must be a fixture namespace (the policies' namespace rules). */
function readPolicyFileEntry(issues: IssueList, path: FieldPath, item: unknown, fixture: FixtureIndex): PolicyPattern | undefined {
  const reader = MapReader.open(issues, path, item, 'a policy file entry', SUITE_FIELDS.policyFile);
  if (!reader) return undefined;
  const pattern = reader.string('path', 'the policy file path or glob, relative to the suite', { required: true });
  const namespace = reader.string('namespace', 'the namespace of the policies that do not say theirs');
  if (namespace !== undefined) {
    if (namespace === CLUSTER_DNS_NAMESPACE) {
      reader.report('namespace', `suites may not put policies in ${CLUSTER_DNS_NAMESPACE}: the harness never touches namespaces it did not create`);
      return undefined;
    }
    if (!fixture.namespaces.has(namespace)) {
      reader.report('namespace', `namespace "${namespace}" is not a fixture namespace (declared: ${[...fixture.namespaces.keys()].join(', ') || 'none'}); add it to fixture.namespaces`);
      return undefined;
    }
  }
  if (pattern === undefined) return undefined;
  return namespace === undefined ? { pattern, path } : { pattern, path, namespace };
}

/** The namespace rules for policies in a suite: a fixture namespace, never kube-system. */
export function policyNamespaceCheck(fixture: FixtureIndex): (value: unknown, issues: IssueList) => void {
  return (value, issues) => {
    const metadata = isPlainMap(value) ? value['metadata'] : undefined;
    const namespace = isPlainMap(metadata) ? metadata['namespace'] : undefined;
    const name = isPlainMap(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '(unnamed)';
    if (typeof namespace !== 'string') return; // reported by the policy validation
    const key = `${namespace}/${name}`;
    if (namespace === CLUSTER_DNS_NAMESPACE) {
      issues.add(['metadata', 'namespace'], `policy ${key} is in ${CLUSTER_DNS_NAMESPACE}; suites may not put policies there: the harness never touches namespaces it did not create`);
    } else if (!fixture.namespaces.has(namespace)) {
      const declared = [...fixture.namespaces.keys()].join(', ') || 'none';
      issues.add(['metadata', 'namespace'], `namespace "${namespace}" of policy ${key} is not a fixture namespace (declared: ${declared}); add it to fixture.namespaces`);
    }
  };
}

function readDeletes(reader: MapReader, state: StageState, apply: readonly LoadedPolicy[]): SuiteStep['delete'] {
  const items = reader.list('delete', 'the policies to delete ("<namespace>/<policy>")') ?? [];
  const result: SuiteStep['delete'] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const path = reader.at('delete', i);
    if (typeof item !== 'string' || item.split('/').length !== 2 || item.split('/').some((part) => part === '')) {
      reader.issues.add(path, `expected a policy to delete as "<namespace>/<policy>", found ${describeValue(item)}`);
      return;
    }
    const [namespace = '', name = ''] = item.split('/');
    if (seen.has(item)) {
      reader.issues.add(path, `policy ${item} is deleted twice in this step`);
      return;
    }
    seen.add(item);
    if (!state.policies.has(item)) {
      const existing = [...state.policies.keys()].join(', ') || 'none';
      reader.issues.add(path, `policy ${item} does not exist at this step, so it cannot be deleted (existing policies: ${existing})`);
      return;
    }
    if (apply.some((a) => policyKey(a.policy) === item)) {
      reader.issues.add(path, `policy ${item} is both applied and deleted in this step; do one per step`);
      return;
    }
    result.push({ namespace, name, position: reader.issues.position(path) });
  });
  return result;
}

function readLabelChanges(reader: MapReader, state: StageState, fixture: FixtureIndex): LabelChanges {
  const changes: LabelChanges = { namespaces: {}, workloads: {} };
  const labels = reader.map('labels', 'the label changes', SUITE_FIELDS.labelChanges);
  if (!labels) return changes;
  const namespaces = labels.get('namespaces');
  if (namespaces !== undefined) {
    forEachEntry(labels, 'namespaces', namespaces, 'namespace label changes', (name, value, path) => {
      const current = state.namespaceLabels.get(name);
      if (!current) {
        labels.issues.add(path, `namespace "${name}" is not a fixture namespace (declared: ${[...fixture.namespaces.keys()].join(', ')})`, 'key');
        return;
      }
      if (fixture.namespaces.get(name)?.existing) {
        labels.issues.add(path, `namespace "${name}" is an existing namespace (existing: true); the harness never changes a namespace it did not create, so its labels cannot change in a step`, 'key');
        return;
      }
      const merged = mergeLabels(labels.issues, path, current, value, `namespace ${name}`, true);
      if (merged) {
        changes.namespaces[name] = merged;
        state.namespaceLabels.set(name, merged);
      }
    });
  }
  const workloads = labels.get('workloads');
  if (workloads !== undefined) {
    forEachEntry(labels, 'workloads', workloads, 'workload label changes', (key, value, path) => {
      const current = state.workloadLabels.get(key);
      if (!current) {
        labels.issues.add(path, `"${key}" is not a fixture workload; use "<namespace>/<workload>" (workloads: ${[...fixture.workloads.keys()].join(', ')})`, 'key');
        return;
      }
      const merged = mergeLabels(labels.issues, path, current, value, `workload ${key}`, false);
      if (merged) {
        changes.workloads[key] = merged;
        state.workloadLabels.set(key, merged);
      }
    });
  }
  return changes;
}

function forEachEntry(
  reader: MapReader,
  key: string,
  value: unknown,
  what: string,
  visit: (name: string, value: unknown, path: FieldPath) => void,
): void {
  if (!isPlainMap(value)) {
    reader.report(key, `expected the ${what} (a map), found ${describeValue(value)}`);
    return;
  }
  for (const [name, item] of Object.entries(value)) visit(name, item, reader.at(key, name));
}

/** Merges a change (value null removes the key) into the current labels; returns the complete set, or undefined. */
function mergeLabels(
  issues: IssueList,
  path: FieldPath,
  current: Record<string, string>,
  change: unknown,
  subject: string,
  isNamespace: boolean,
): Record<string, string> | undefined {
  if (!isPlainMap(change)) {
    issues.add(path, `expected the label changes of ${subject} (a map of label: value, null to remove), found ${describeValue(change)}`);
    return undefined;
  }
  const merged = { ...current };
  let ok = true;
  for (const [key, value] of Object.entries(change)) {
    const at = [...path, key];
    if (isNamespace && key === NAMESPACE_NAME_LABEL) {
      issues.add(at, `label ${NAMESPACE_NAME_LABEL} is set by Kubernetes to the namespace name and cannot be changed`, 'key');
      ok = false;
      continue;
    }
    ok = checkLabelKey(issues, at, key) && ok;
    if (value === null) {
      if (!(key in merged)) {
        const present = Object.keys(merged).join(', ') || 'none';
        issues.add(at, `cannot remove label "${key}" from ${subject}: it is not set at this step (labels: ${present})`);
        ok = false;
      }
      delete merged[key];
    } else if (typeof value === 'string') {
      ok = checkLabelValue(issues, at, key, value) && ok;
      merged[key] = value;
    } else {
      const hint = typeof value === 'number' || typeof value === 'boolean' ? `; quote it: "${String(value)}"` : '';
      issues.add(at, `expected the new value of label "${key}" (a string, or null to remove it), found ${describeValue(value)}${hint}`);
      ok = false;
    }
  }
  return ok ? merged : undefined;
}
