/**
 * The labels every object of a live run carries (namespaces, pods, Services, policies, docker containers and
 * networks of external targets). Cleanup selects by them and never touches anything without them.
 */
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_RUN_ID } from '../kube/index.js';

export function runLabels(runId: string): Record<string, string> {
  return { [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE, [LABEL_RUN_ID]: runId };
}

/** Label selector of one run's objects, or of every run's when no run id is given. */
export function runSelector(runId?: string): string {
  const managed = `${LABEL_MANAGED_BY}=${LABEL_MANAGED_BY_VALUE}`;
  return runId === undefined ? `${managed},${LABEL_RUN_ID}` : `${managed},${LABEL_RUN_ID}=${runId}`;
}

/** Does an object carry the labels of this run (or, without a run id, of any run)? */
export function isRunObject(labels: Record<string, string> | undefined, runId?: string): boolean {
  if (!labels || labels[LABEL_MANAGED_BY] !== LABEL_MANAGED_BY_VALUE) return false;
  const id = labels[LABEL_RUN_ID];
  if (id === undefined) return false;
  return runId === undefined || id === runId;
}

/** The suite a namespace was created for (an annotation, for humans and diagnostics). */
export const ANNOTATION_SUITE = 'netpol-e2e.io/suite';
