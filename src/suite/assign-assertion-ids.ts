/**
 * Gives every assertion its id: the user's, which must be unique in the suite, or one derived from its content
 * (`prod-frontend-to-prod-api-8080-tcp`), made unique with `-2`, `-3`, … where needed. Linear in the number of
 * assertions: the next suffix to try is remembered per derived id, so 10,000 assertions with the same derived id
 * do not each count up from 2 again.
 */
import type { IssueList } from '../util/yaml/index.js';
import type { ReadAssertion } from './read-assertion.js';

export function assignAssertionIds(assertions: readonly ReadAssertion[], issues: IssueList): void {
  const explicit = new Map<string, ReadAssertion>();
  for (const item of assertions) {
    if (item.explicitId === undefined) continue;
    const first = explicit.get(item.explicitId);
    if (first) {
      const at = first.assertion.position;
      issues.add([...item.path, 'id'], `assertion id "${item.explicitId}" is used twice (first at ${at.file}:${at.line}:${at.column}); ids must be unique in the suite`);
    } else {
      explicit.set(item.explicitId, item);
      item.assertion.id = item.explicitId;
    }
  }
  const taken = new Set(explicit.keys());
  const nextSuffix = new Map<string, number>();
  for (const item of assertions) {
    if (item.explicitId !== undefined) continue;
    let id = item.derivedId;
    let n = nextSuffix.get(item.derivedId) ?? 2;
    while (taken.has(id)) {
      id = `${item.derivedId}-${n}`;
      n += 1;
    }
    nextSuffix.set(item.derivedId, n);
    taken.add(id);
    item.assertion.id = id;
  }
}
