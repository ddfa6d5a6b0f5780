/**
 * `policies: [{path: ..., namespace: ...}]`: the namespace for the NetworkPolicies of a file that do not say theirs,
 * as `kubectl apply -n <namespace> -f <file>` gives it. Recipes and charts often leave metadata.namespace out.
 * A policy that names another namespace is an error, as it is for kubectl ("the namespace from the provided object
 * does not match the namespace sent on the request").
 */
import { isPlainMap, type IssueList } from '../util/yaml/index.js';

/**
 * The policy object with `namespace` filled in when it has none; reports a policy that names another one. Returns
 * `value` itself when there is nothing to fill in (a value that is no policy map is left to the validation).
 */
export function withFileNamespace(value: unknown, namespace: string | undefined, issues: IssueList, display: string): unknown {
  if (namespace === undefined || !isPlainMap(value)) return value;
  const metadata = value['metadata'];
  if (!isPlainMap(metadata)) return value; // the validation reports the missing metadata
  const own = metadata['namespace'];
  if (own === undefined || own === null) return { ...value, metadata: { ...metadata, namespace } };
  if (typeof own === 'string' && own !== namespace) {
    issues.add(['metadata', 'namespace'], `policy ${own}/${String(metadata['name'])} says namespace "${own}", but the suite applies ${display} to namespace "${namespace}"; remove metadata.namespace from the policy or make the two agree (kubectl apply -n refuses the same mismatch)`);
  }
  return value;
}
