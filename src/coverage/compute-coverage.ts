/**
 * Rule coverage: for each policy, rule, peer and port of a suite, is it exercised by at least one asserted cell?
 * - a rule, peer or port: some asserted cell was allowed by exactly that rule, peer and port (the model's
 *   `allowedBy`: the first rule, in policy order, that admits the connection);
 * - a policy: one of its rules admitted an asserted cell, or an asserted cell was denied on a side this policy
 *   isolates (it selects the destination for ingress, or the source for egress).
 * Cells the model cannot decide statically (pod IPs) exercise nothing. Peers and ports are counted only where a
 * rule lists them (a rule without `from`/`to` or `ports` is covered as a rule).
 */
import { trafficsFor } from '../engine/index.js';
import { modelStateFor, planSuite } from '../engine/index.js';
import { compileModel, dependsOnPodIps } from '../model/index.js';
import type { DirectionVerdict, NetworkPolicy, PolicyType } from '../model/index.js';
import type { Suite } from '../suite/index.js';
import type { SourcePosition } from '../util/index.js';

import { COVERAGE_KINDS, type CoverageCounts, type CoverageItem, type CoverageKind, type CoverageReport, type SuiteCoverage } from '../results/index.js';

function directionWord(direction: PolicyType): string {
  return direction === 'Ingress' ? 'ingress' : 'egress';
}

function ruleName(policy: string, direction: PolicyType, rule: number): string {
  return `${policy} ${directionWord(direction)} rule ${rule + 1}`;
}

/** Items of one policy, in order: the policy, then per rule the rule, its peers and its ports. */
function itemsOf(policy: NetworkPolicy, position: SourcePosition): CoverageItem[] {
  const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
  const items: CoverageItem[] = [{ kind: 'policy', name: key, covered: false, position }];
  const rules: [PolicyType, { peers: unknown[] | undefined; ports: unknown[] | undefined }[]][] = [
    ['Ingress', (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))],
    ['Egress', (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))],
  ];
  for (const [direction, list] of rules) {
    list.forEach((rule, r) => {
      const name = ruleName(key, direction, r);
      items.push({ kind: 'rule', name, covered: false, position });
      (rule.peers ?? []).forEach((_, p) => items.push({ kind: 'peer', name: `${name} peer ${p + 1}`, covered: false, position }));
      (rule.ports ?? []).forEach((_, p) => items.push({ kind: 'port', name: `${name} port ${p + 1}`, covered: false, position }));
    });
  }
  return items;
}

function countItems(items: readonly CoverageItem[]): CoverageCounts {
  const byKind = Object.fromEntries(COVERAGE_KINDS.map((k) => [k, { total: 0, covered: 0 }])) as CoverageCounts['byKind'];
  for (const item of items) {
    byKind[item.kind].total += 1;
    if (item.covered) byKind[item.kind].covered += 1;
  }
  const total = items.length;
  const covered = items.filter((i) => i.covered).length;
  return { total, covered, percent: total === 0 ? 100 : Math.round((covered / total) * 1000) / 10, byKind };
}

export function suiteCoverage(suite: Suite): SuiteCoverage {
  const items = new Map<string, CoverageItem>();
  const add = (item: CoverageItem): void => {
    if (!items.has(`${item.kind}|${item.name}`)) items.set(`${item.kind}|${item.name}`, item);
  };
  const mark = (kind: CoverageKind, name: string): void => {
    const item = items.get(`${kind}|${name}`);
    if (item) item.covered = true;
  };
  const markSide = (side: DirectionVerdict): void => {
    if (!side.isolated) return;
    if (side.allowed && side.allowedBy) {
      const ref = side.allowedBy;
      const name = ruleName(ref.policy, ref.direction, ref.ruleIndex);
      mark('policy', ref.policy);
      mark('rule', name);
      if (ref.peerIndex !== undefined) mark('peer', `${name} peer ${ref.peerIndex + 1}`);
      if (ref.portIndex !== undefined) mark('port', `${name} port ${ref.portIndex + 1}`);
    } else if (!side.allowed) {
      for (const policy of side.selectedBy) mark('policy', policy);
    }
  };
  for (const plan of planSuite(suite)) {
    for (const step of [plan.step]) for (const loaded of step.apply) for (const item of itemsOf(loaded.policy, loaded.source.position)) add(item);
    const model = compileModel(modelStateFor(suite, plan));
    for (const cell of plan.cells) {
      for (const { traffic } of trafficsFor(cell)) {
        const verdict = model.evaluate(traffic);
        if (dependsOnPodIps(verdict)) continue;
        markSide(verdict.egress);
        markSide(verdict.ingress);
      }
    }
  }
  const list = [...items.values()];
  return { suite: suite.name, file: suite.displayFile, counts: countItems(list), items: list };
}

export function computeCoverage(suites: readonly Suite[]): CoverageReport {
  const perSuite = suites.map(suiteCoverage);
  return { suites: perSuite, total: countItems(perSuite.flatMap((s) => s.items)) };
}
