/**
 * Lint: findings about the policies of a suite that users ask for, beyond what the assertions check.
 *
 * - namespace-wildcard: a peer with `namespaceSelector: {}` admits every namespace of the cluster, including
 *   ones created after the review;
 * - ipblock-any: an ipBlock of 0.0.0.0/0 or ::/0 admits every address (pods included, on most CNIs);
 * - selects-nothing: a policy whose podSelector selects no workload of the fixture (a typo in a label, or a
 *   policy for another fixture);
 * - dns-egress-denied: a workload with DNS assertions expecting an answer is isolated for egress and no rule
 *   allows DNS to the cluster DNS;
 * - unexercised: a policy that selects neither the source (egress) nor the destination (ingress) of any
 *   assertion: nothing proves it does what it is meant to;
 * - public-external: an external target with a real public address, which a live run would impersonate beside
 *   the cluster (`run` refuses it without --allow-public-externals).
 */
import { compileModel } from '../model/index.js';
import { cidrWithin, isValidCidr } from '../model/index.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../model/index.js';
import { selectorMatches, selectsEverything } from '../model/index.js';
import { trafficsFor } from '../engine/index.js';
import { modelStateFor, planSuite, sourceLabel } from '../engine/index.js';
import { formatFieldPath, type FieldPath, type LoadedPolicy, type Suite } from '../suite/index.js';
import type { SourcePosition } from '../util/index.js';
import { externalAddressScope, publicExternalProblem } from '../suite/index.js';

export type LintRule = 'namespace-wildcard' | 'ipblock-any' | 'selects-nothing' | 'dns-egress-denied' | 'unexercised' | 'public-external';

export const LINT_RULES: readonly LintRule[] = [
  'namespace-wildcard',
  'ipblock-any',
  'selects-nothing',
  'dns-egress-denied',
  'unexercised',
  'public-external',
];

export interface LintFinding {
  rule: LintRule;
  severity: 'warning';
  suite: string;
  /** `<namespace>/<name>` of the policy concerned, when it concerns one. */
  policy?: string;
  /** Dotted path inside the policy, e.g. `spec.ingress[0].from[1].namespaceSelector`. */
  field?: string;
  message: string;
  position: SourcePosition;
}

/** A selector that is present and empty (`{}`): it selects everything. */
function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return selector !== undefined && selectsEverything(selector);
}

function policyKey(policy: NetworkPolicy): string {
  return `${policy.metadata.namespace}/${policy.metadata.name}`;
}

/** Where a field of a loaded policy is written (the policy's start when its source has no positions). */
function fieldPosition(loaded: LoadedPolicy, path: FieldPath): SourcePosition {
  return loaded.source.fieldPositions?.[formatFieldPath(path)] ?? loaded.source.position;
}

function peerFindings(suite: Suite, loaded: LoadedPolicy): LintFinding[] {
  const findings: LintFinding[] = [];
  const policy = loaded.policy;
  const visit = (peers: NetworkPolicyPeer[] | undefined, path: FieldPath): void => {
    (peers ?? []).forEach((peer, index) => {
      const field = formatFieldPath([...path, index]);
      if (isEmptySelector(peer.namespaceSelector)) {
        const scope = isEmptySelector(peer.podSelector) || peer.podSelector === undefined ? 'every pod' : 'the selected pods';
        findings.push({
          rule: 'namespace-wildcard',
          severity: 'warning',
          suite: suite.name,
          policy: policyKey(policy),
          field: `${field}.namespaceSelector`,
          message: `${policyKey(policy)} ${field}: namespaceSelector {} matches ${scope} in every namespace of the cluster, including namespaces created later; select namespaces by label (e.g. kubernetes.io/metadata.name)`,
          position: fieldPosition(loaded, [...path, index, 'namespaceSelector']),
        });
      }
      const cidr = peer.ipBlock?.cidr;
      if (cidr !== undefined && /^(0\.0\.0\.0|::)\/0$/.test(cidr.trim())) {
        const except = peer.ipBlock?.except ?? [];
        // The excepts keep every pod out when they cover the declared pod network (of this block's family).
        if (exceptsCoverPodNetwork(cidr.trim(), except, suite.fixture.podNetwork)) return;
        findings.push({
          rule: 'ipblock-any',
          severity: 'warning',
          suite: suite.name,
          policy: policyKey(policy),
          field: `${field}.ipBlock`,
          message: `${policyKey(policy)} ${field}: ipBlock ${cidr}${except.length ? ` (except ${except.join(', ')})` : ''} admits every address, which on most CNIs includes pod and node IPs; narrow it to the ranges you mean, or declare fixture.podNetwork when its excepts keep the pods out`,
          position: fieldPosition(loaded, [...path, index, 'ipBlock', 'cidr']),
        });
      }
    });
  };
  (policy.spec.ingress ?? []).forEach((rule, i) => visit(rule.from, ['spec', 'ingress', i, 'from']));
  (policy.spec.egress ?? []).forEach((rule, i) => visit(rule.to, ['spec', 'egress', i, 'to']));
  return findings;
}

/**
 * True when the suite declares its pod network and each of its CIDRs of the block's family lies inside an except
 * of the block: then `0.0.0.0/0 except …` admits no pod, only what lies outside the cluster.
 */
function exceptsCoverPodNetwork(cidr: string, except: readonly string[], podNetwork: readonly string[] | undefined): boolean {
  if (podNetwork === undefined) return false;
  const family = cidr.includes(':') ? 6 : 4;
  const ofFamily = podNetwork.filter((network) => (network.includes(':') ? 6 : 4) === family);
  if (ofFamily.length === 0) return false;
  return ofFamily.every((network) => except.some((excepted) => isValidCidr(excepted) && cidrWithin(excepted, network)));
}

export function lintSuite(suite: Suite): LintFinding[] {
  const findings: LintFinding[] = [];
  const seenPolicies = new Map<string, LoadedPolicy>();
  const exercised = new Set<string>();
  const reportedSelectsNothing = new Set<string>();
  const reportedDns = new Set<string>();
  for (const plan of planSuite(suite)) {
    const state = modelStateFor(suite, plan);
    const model = compileModel(state);
    for (const loaded of plan.step.apply) {
      const key = policyKey(loaded.policy);
      seenPolicies.set(key, loaded);
      findings.push(...peerFindings(suite, loaded));
    }
    for (const loaded of plan.state.policies.values()) {
      const key = policyKey(loaded.policy);
      const selected = state.pods.some(
        (pod) => pod.namespace === loaded.policy.metadata.namespace && selectorMatches(loaded.policy.spec.podSelector, pod.labels),
      );
      if (!selected && !reportedSelectsNothing.has(key)) {
        reportedSelectsNothing.add(key);
        findings.push({
          rule: 'selects-nothing',
          severity: 'warning',
          suite: suite.name,
          policy: key,
          field: 'spec.podSelector',
          message: `${key} selects no workload of the fixture in namespace ${loaded.policy.metadata.namespace} (step ${plan.step.index}, ${plan.step.name}); check its podSelector labels against the workloads`,
          position: fieldPosition(loaded, ['spec', 'podSelector']),
        });
      }
    }
    for (const cell of plan.cells) {
      for (const verdict of trafficsFor(cell).flatMap(({ traffic }) => model.evaluateFamilies(traffic))) {
        for (const p of verdict.egress.selectedBy) exercised.add(p);
        for (const p of verdict.ingress.selectedBy) exercised.add(p);
        if (cell.kind === 'dns' && cell.expected !== 'blocked' && !verdict.egress.allowed) {
          const source = sourceLabel(cell.source);
          if (!reportedDns.has(source)) {
            reportedDns.add(source);
            findings.push({
              rule: 'dns-egress-denied',
              severity: 'warning',
              suite: suite.name,
              message: `${source} is isolated for egress by ${verdict.egress.selectedBy.join(', ')} and no rule allows DNS (53/UDP and 53/TCP to kube-system pods labelled k8s-app=kube-dns); its lookups will fail. Add a DNS egress rule`,
              position: cell.position,
            });
          }
        }
      }
    }
  }
  for (const [key, loaded] of seenPolicies) {
    if (exercised.has(key) || reportedSelectsNothing.has(key)) continue;
    findings.push({
      rule: 'unexercised',
      severity: 'warning',
      suite: suite.name,
      policy: key,
      message: `no assertion exercises ${key}: it selects neither the source (egress) nor the destination (ingress) of any assertion; add an assertion that proves what it allows or denies`,
      position: loaded.source.position,
    });
  }
  for (const external of suite.fixture.externals) {
    if (externalAddressScope(external.ip) !== 'public') continue;
    findings.push({
      rule: 'public-external',
      severity: 'warning',
      suite: suite.name,
      message: `${publicExternalProblem(external)}; use a documentation address (e.g. 203.0.113.10) unless the policy names this exact one (run needs --allow-public-externals)`,
      position: external.position,
    });
  }
  return findings;
}
