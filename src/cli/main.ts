#!/usr/bin/env node
/**
 * netpol-e2e command line. argv -> command -> library call. This is the only place that prints errors and
 * decides exit codes (through exit-codes.ts); the library returns results (failures in them as data) and throws
 * only for bad input, before anything is created.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError, describeError } from '../util/index.js';
import { TOOL } from '../version.js';
import { EXIT, exitCodeForError } from './exit-codes.js';
import type { CliIO } from './io.js';
import { printError } from './print-error.js';
import { installSignalHandlers } from './signals.js';
import { pipeSafeStream } from './std-streams.js';

type Command = (args: string[], io: CliIO) => Promise<number>;

/** Commands load lazily: `verify` should not pay for the Kubernetes client and testcontainers. */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  run: {
    load: async () => (await import('./commands/run.js')).runCommand,
    summary: 'deploy the suites to a cluster (kind + Calico, or --kubeconfig) and probe for real',
  },
  verify: {
    load: async () => (await import('./commands/verify.js')).verifyCommand,
    summary: 'check every assertion against the NetworkPolicy model; no cluster',
  },
  explain: {
    load: async () => (await import('./commands/explain.js')).explainCommand,
    summary: 'the verdict for one connection, and which policy and rule decide it',
  },
  conformance: {
    load: async () => (await import('./commands/conformance.js')).conformanceCommand,
    summary: 'run a NetworkPolicy conformance corpus (model, or --live)',
  },
  lint: {
    load: async () => (await import('./commands/lint.js')).lintCommand,
    summary: 'findings in the policies of the suites (wildcards, unused policies, DNS)',
  },
  generate: {
    load: async () => (await import('./commands/generate.js')).generateCommand,
    summary: 'write a suite that records what policies do today (from files, or --from-cluster)',
  },
  diff: {
    load: async () => (await import('./commands/diff.js')).diffCommand,
    summary: 'what a policy change opens and closes: every cell whose verdict changes against a git ref',
  },
  cleanup: {
    load: async () => (await import('./commands/cleanup.js')).cleanupCommand,
    summary: 'delete what earlier runs left in a cluster, by run label',
  },
};

export const MAIN_HELP = `netpol-e2e ${TOOL.version}: prove that Kubernetes NetworkPolicies do what their authors intend

Usage: netpol-e2e <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

Run 'netpol-e2e <command> --help' for a command's options.
Exit codes: 0 pass, 1 assertions failed, 2 bad input, 3 infrastructure, 130 interrupted.`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${MAIN_HELP}\n`);
    return name === undefined ? EXIT.BAD_INPUT : EXIT.OK;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`${TOOL.version}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new InputError([{ message: `unknown command '${name}'` }], {
        hint: `commands: ${Object.keys(COMMANDS).join(', ')}; run 'netpol-e2e --help'`,
      });
    }
    const run = await command.load();
    return await run(args, io);
  } catch (error) {
    printError(error, io);
    if (error instanceof InputError && io.env.GITHUB_ACTIONS === 'true') {
      const { inputErrorAnnotations } = await import('./input-error-annotations.js');
      for (const line of inputErrorAnnotations(error)) io.stdout.write(`${line}\n`);
    }
    return exitCodeForError(error);
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false; // argv[1] is not a file we can resolve: not invoked as this script
  }
}

if (isEntryPoint()) {
  const signals = installSignalHandlers(process);
  const io: CliIO = { stdout: pipeSafeStream(process.stdout), stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: signals.signal };
  main(process.argv.slice(2), io).then(
    (code) => {
      signals.dispose();
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${describeError(error)}\n`);
      process.exitCode = EXIT.INTERNAL;
    },
  );
}
