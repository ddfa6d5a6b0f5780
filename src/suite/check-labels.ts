/**
 * Label syntax checks shared by fixtures, label changes and policies: keys are qualified names (optional DNS
 * subdomain prefix and `/`, name of at most 63 characters), values are at most 63 characters of the label charset.
 */
import type { FieldPath, IssueList } from '../util/yaml/index.js';
import { labelValueProblem, qualifiedNameProblem } from './k8s-names.js';

export function checkLabelKey(issues: IssueList, path: FieldPath, key: string): boolean {
  const problem = qualifiedNameProblem(key);
  if (problem) issues.add(path, `label key "${key}" ${problem}`, 'key');
  return problem === undefined;
}

export function checkLabelValue(issues: IssueList, path: FieldPath, key: string, value: string): boolean {
  const problem = labelValueProblem(value);
  if (problem) issues.add(path, `value "${value}" of label "${key}" ${problem}`);
  return problem === undefined;
}

/** Checks every key and value of a label map; returns true when all are valid. */
export function checkLabels(issues: IssueList, path: FieldPath, labels: Record<string, string>): boolean {
  let ok = true;
  for (const [key, value] of Object.entries(labels)) {
    ok = checkLabelKey(issues, [...path, key], key) && ok;
    ok = checkLabelValue(issues, [...path, key], key, value) && ok;
  }
  return ok;
}
