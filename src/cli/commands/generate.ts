/** `netpol-e2e generate <policy files/dirs…> [-o suite.yaml]`: a suite that records what the policies do today. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { verifySuites } from '../../engine/index.js';
import { countRun, runPassed } from '../../results/index.js';
import { generateFromFiles, type GeneratedText } from '../../generate/index.js';
import { DEFAULT_MAX_PORTS, DEFAULT_MAX_WORKLOADS } from '../../generate/index.js';
import { isValidCidr } from '../../model/index.js';
import { loadSuite } from '../../suite/index.js';
import { dns1123LabelProblem } from '../../suite/index.js';
import { InputError } from '../../util/index.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { EXIT } from '../exit-codes.js';
import type { CliIO } from '../io.js';

export const GENERATE_USAGE =
  'netpol-e2e generate <policy files or dirs…> [-o suite.yaml] [--name n] [--pod-network cidr…] | generate --from-cluster [--kubeconfig f] [--context c] [--namespace n…] -o suite.yaml';

export const GENERATE_HELP = `${GENERATE_USAGE}

Writes a suite that records what the policies do today: a fixture inferred from the policies (their namespaces
and the labels namespaceSelectors need; one workload per distinct pod selection, merged where one label set
satisfies several; an outsider workload per namespace and a namespace no policy lives in; the ports the rules
name; externals for egress ipBlock peers) and, computed by the model, one truth table per port, connect
assertions to the externals and DNS assertions when a policy isolates egress. What the generator leaves out
is listed at the top of the suite. The suite verifies as written and runs live unchanged.

  -o, --output <file>      write the suite there (policy paths relative to it); default: stdout
  --name <name>            the suite name (default: the output file's base name, or "generated")
  --pod-network <cidr>     declare fixture.podNetwork (repeatable), so ipBlock peers that contain or exclude
                           the whole pod network are decided statically
  --max-workloads <n>      bound on workloads, outsiders included (default ${DEFAULT_MAX_WORKLOADS})
  --max-ports <n>          bound on ports per workload (default ${DEFAULT_MAX_PORTS})
  --from-cluster           snapshot a live cluster instead (read-only: list namespaces, pods, NetworkPolicies;
                           the Role is in rbac/netpol-e2e-snapshot.yaml); needs -o (policies are written
                           beside the suite)
  --kubeconfig <file>      with --from-cluster (default: KUBECONFIG, then ~/.kube/config)
  --context <name>         with --from-cluster: the kubeconfig context
  --namespace <name>       with --from-cluster: only these namespaces (repeatable; default: every namespace
                           that is not default or kube-*)

Exit codes: 0 written, 2 bad input, 3 the cluster could not be read.`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  name: { type: 'string' },
  'pod-network': { type: 'string', multiple: true },
  'max-workloads': { type: 'string' },
  'max-ports': { type: 'string' },
  'from-cluster': { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(message: string): InputError {
  return new InputError([{ message: `netpol-e2e generate: ${message}` }], { hint: `usage: ${GENERATE_USAGE}` });
}

export async function generateCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('generate', GENERATE_USAGE, args, OPTIONS);
  if (parsed.values.help === true) {
    io.stdout.write(`${GENERATE_HELP}\n`);
    return EXIT.OK;
  }
  const output = stringOption(parsed, 'output');
  const outputAbsolute = output === undefined ? undefined : path.resolve(io.cwd, output);
  const suiteDir = outputAbsolute === undefined ? io.cwd : path.dirname(outputAbsolute);
  const name = stringOption(parsed, 'name') ?? (output === undefined ? 'generated' : path.basename(output).replace(/\.ya?ml$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'generated');
  const nameProblem = dns1123LabelProblem(name);
  if (nameProblem) throw usage(`--name "${name}" ${nameProblem}`);
  const podNetwork = (parsed.values['pod-network'] as string[] | undefined) ?? [];
  for (const cidr of podNetwork) if (!isValidCidr(cidr)) throw usage(`--pod-network "${cidr}" is not a CIDR (e.g. 10.244.0.0/16)`);
  const bounds = {
    maxWorkloads: integerOption(parsed, 'max-workloads', 'generate', { min: 2, max: 1000 }) ?? DEFAULT_MAX_WORKLOADS,
    maxPorts: integerOption(parsed, 'max-ports', 'generate', { min: 1, max: 64 }) ?? DEFAULT_MAX_PORTS,
  };
  const common = { name, podNetwork, ...bounds, cwd: io.cwd, suiteDir };
  let generated: GeneratedText;
  if (parsed.values['from-cluster'] === true) {
    if (parsed.positionals.length > 0) throw usage('--from-cluster reads the policies from the cluster; give no policy files');
    if (outputAbsolute === undefined) throw usage('--from-cluster needs -o <suite.yaml>: the cluster\'s policies are written beside it');
    const { snapshotCluster } = await import('../../generate/index.js');
    generated = await snapshotCluster({
      ...common,
      outputFile: outputAbsolute,
      kubeconfig: stringOption(parsed, 'kubeconfig'),
      context: stringOption(parsed, 'context'),
      namespaces: (parsed.values.namespace as string[] | undefined) ?? [],
      env: io.env,
    });
  } else {
    for (const option of ['kubeconfig', 'context', 'namespace'] as const) {
      if (parsed.values[option] !== undefined) throw usage(`--${option} goes with --from-cluster`);
    }
    if (parsed.positionals.length === 0) throw usage('missing policy files or directories (or --from-cluster)');
    generated = await generateFromFiles(parsed.positionals, common);
  }
  if (outputAbsolute === undefined) {
    io.stdout.write(generated.text);
  } else {
    await mkdir(path.dirname(outputAbsolute), { recursive: true });
    await writeFile(outputAbsolute, generated.text, 'utf8');
  }
  const { suite } = generated;
  const cells = suite.matrices.reduce((n, m) => n + m.rows.length * m.columns.length, 0);
  io.stderr.write(
    `${output === undefined ? 'generated' : `wrote ${output}`}: ${suite.policies.length} policies, ${suite.fixture.namespaces.length} namespaces, ${suite.fixture.workloads.length} workloads, ` +
      `${suite.matrices.length} matri${suite.matrices.length === 1 ? 'x' : 'ces'} (${cells} cells), ${suite.connects.length} external and ${suite.dns.length} DNS assertions\n`,
  );
  if (suite.fixture.leftOut.length > 0) io.stderr.write(`left out (listed at the top of the suite): ${suite.fixture.leftOut.length}\n`);
  if (outputAbsolute !== undefined) {
    // The suite must verify as written: load it like a user would and check it against the model.
    const run = verifySuites([await loadSuite(outputAbsolute)]);
    const counts = countRun(run);
    if (!runPassed(run)) throw new Error(`the generated suite ${output} does not verify (${counts.failed} failed, ${counts.errors} errors)`);
    io.stderr.write(`verified: ${counts.passed} passed, ${counts.skipped} not judged statically\n`);
  }
  return EXIT.OK;
}
