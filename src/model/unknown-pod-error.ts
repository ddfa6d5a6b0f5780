import { InputError } from '../util/index.js';

/** A connection or truth table names a pod the evaluated state does not have. */
export function unknownPodError(key: string, podCount: number): InputError {
  return new InputError([{ message: `pod ${key} is not in the evaluated cluster state (it has ${podCount} pods)` }], {
    hint: 'name pods as <namespace>/<name> exactly as they appear in the state',
  });
}
