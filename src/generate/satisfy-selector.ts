/**
 * A label set that a label selector selects: the smallest one the generator can give a workload or a namespace so
 * that a policy's selector picks it. matchLabels are copied; `In` takes a value no `NotIn` of the same key
 * forbids; `Exists` sets the key to `set`; `NotIn` and `DoesNotExist` are met by leaving the key out.
 */
import { selectorMatches } from '../model/index.js';
import type { LabelSelector } from '../model/index.js';

/** The value `Exists` requirements get when nothing else fixes one. */
export const EXISTS_VALUE = 'set';

/** A label set `selector` selects, or undefined when none exists (e.g. `a=1` and `a notin (1)`). */
export function labelsSatisfying(selector: LabelSelector): Record<string, string> | undefined {
  const labels: Record<string, string> = { ...(selector.matchLabels ?? {}) };
  const forbidden = new Map<string, Set<string>>();
  for (const requirement of selector.matchExpressions ?? []) {
    if (requirement.operator !== 'NotIn') continue;
    const set = forbidden.get(requirement.key) ?? new Set<string>();
    for (const value of requirement.values ?? []) set.add(value);
    forbidden.set(requirement.key, set);
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (Object.prototype.hasOwnProperty.call(labels, requirement.key)) continue;
    if (requirement.operator === 'In') {
      const value = (requirement.values ?? []).find((v) => !(forbidden.get(requirement.key)?.has(v) ?? false));
      if (value !== undefined) labels[requirement.key] = value;
    } else if (requirement.operator === 'Exists') {
      labels[requirement.key] = [EXISTS_VALUE, `${EXISTS_VALUE}-2`].find((v) => !(forbidden.get(requirement.key)?.has(v) ?? false)) ?? EXISTS_VALUE;
    }
  }
  return selectorMatches(selector, labels) ? labels : undefined;
}

/** How specific a selector is: the number of its requirements (matchLabels entries and expressions). */
export function selectorSpecificity(selector: LabelSelector): number {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length;
}
