/**
 * Kubernetes label selectors (metav1.LabelSelector): matchLabels AND every matchExpressions requirement.
 * An empty selector (`{}`) selects everything. `NotIn` and `DoesNotExist` match when the key is absent.
 */
import type { LabelSelector, LabelSelectorRequirement, Labels } from './types.js';

function hasLabel(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

function requirementMatches(requirement: LabelSelectorRequirement, labels: Labels): boolean {
  const present = hasLabel(labels, requirement.key);
  switch (requirement.operator) {
    case 'In':
      return present && (requirement.values ?? []).includes(labels[requirement.key] as string);
    case 'NotIn':
      return !present || !(requirement.values ?? []).includes(labels[requirement.key] as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

/** True when `labels` satisfy `selector`. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!hasLabel(labels, key) || labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!requirementMatches(requirement, labels)) return false;
  }
  return true;
}

/** True when the selector selects every label set (`{}`, or only empty matchLabels/matchExpressions). */
export function selectsEverything(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** A stable key of a selector's meaning, for caching what it selects. */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const expressions = (selector.matchExpressions ?? []).map((r) => [r.key, r.operator, [...(r.values ?? [])].sort()]);
  return JSON.stringify([labels, expressions]);
}

/** Renders a selector the way kubectl does: `pod=a,tier in (web,api),!legacy`; `{}` renders as `(all)`. */
export function formatSelector(selector: LabelSelector): string {
  const parts: string[] = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    const values = (r.values ?? []).join(',');
    switch (r.operator) {
      case 'In':
        parts.push(`${r.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${r.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(r.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${r.key}`);
        break;
    }
  }
  return parts.length === 0 ? '(all)' : parts.join(',');
}
