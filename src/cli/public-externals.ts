/**
 * `run` refuses external targets with public addresses unless `--allow-public-externals` is given (a suite arrives
 * in a pull request: only the person running it may decide to impersonate a real address on this machine). With
 * the flag, each one is a warning on stderr; with --no-externals nothing is impersonated, so nothing is asked.
 */
import { publicExternalProblem, publicExternals } from '../suite/index.js';
import type { Suite } from '../suite/index.js';
import { InputError } from '../util/index.js';
import type { CliIO } from './io.js';

export const PUBLIC_EXTERNALS_OPTION = { 'allow-public-externals': { type: 'boolean' } } as const;

export const PUBLIC_EXTERNALS_HELP =
  '  --allow-public-externals  let external targets have public addresses (impersonated beside the cluster during the\n' +
  '                            run); without it such suites are refused (exit 2). Documentation/private ranges are fine';

export function checkPublicExternals(suites: readonly Suite[], options: { allow: boolean; externalsEnabled: boolean }, io: CliIO): void {
  if (!options.externalsEnabled) return;
  const found = publicExternals(suites);
  if (found.length === 0) return;
  if (options.allow) {
    for (const { suite, external } of found) {
      const p = external.position;
      io.stderr.write(`warning: ${p.file}:${p.line}:${p.column}: suite ${suite.name}: ${publicExternalProblem(external)} (allowed by --allow-public-externals)\n`);
    }
    return;
  }
  throw new InputError(
    found.map(({ suite, external }) => ({
      position: external.position,
      field: `fixture.externals[${suite.fixture.externals.indexOf(external)}].ip`,
      message: publicExternalProblem(external),
    })),
    {
      hint:
        'use an address of a documentation range (e.g. 203.0.113.10) unless the policy names this exact address; to impersonate it ' +
        'on purpose pass --allow-public-externals, or --no-externals to skip the external cells; nothing was sent to a cluster',
    },
  );
}
