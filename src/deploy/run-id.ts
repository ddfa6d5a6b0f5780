/**
 * Run ids: lowercase and DNS-safe, because they end up in label values and in namespace names
 * (`netpol-e2e-canary-<run id>`, `x-<run id>`).
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../util/index.js';

export const MAX_RUN_ID_LENGTH = 24;
const RUN_ID = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** e.g. `r20240611-k3x9q2`: the UTC date, then a short random suffix. */
export function generateRunId(now: Date = new Date(), random: () => Buffer = () => randomBytes(6)): string {
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...random()].map((b) => alphabet[b % alphabet.length]).join('').slice(0, 6).padEnd(6, '0');
  return `r${date}-${suffix}`;
}

export function validateRunId(runId: string): string {
  if (runId.length > MAX_RUN_ID_LENGTH || !RUN_ID.test(runId)) {
    throw new InputError([
      {
        field: 'runId',
        message: `run id ${JSON.stringify(runId)} is not usable: expected at most ${MAX_RUN_ID_LENGTH} lowercase letters, digits and '-', starting and ending with a letter or digit`,
      },
    ]);
  }
  return runId;
}
