/** `netpol-e2e lint <suites…>`: findings about the suites' policies (see src/lint/lint-suite.ts). */
import { writeFile } from 'node:fs/promises';
import { lintSuite, LINT_RULES } from '../../lint/index.js';
import type { LintFinding, LintRule } from '../../lint/index.js';
import { loadSuites } from '../../suite/index.js';
import { InputError } from '../../util/index.js';
import { parseCommandArgs, requirePositionals, stringOption } from '../args.js';
import { EXIT, exitCodeForFindings } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { checkInterrupted } from '../interruption.js';
import { prepareReportPaths } from '../report-paths.js';
import { INPUT_HELP, INPUT_OPTIONS, suiteInputOptionsOf } from '../input-options.js';

export const LINT_USAGE = 'netpol-e2e lint <suite files or dirs…> [--disable rule,rule] [--json f]';

export const LINT_HELP = `${LINT_USAGE}

Findings about the policies under test:
  namespace-wildcard   a peer with namespaceSelector {} (every namespace, also future ones)
  ipblock-any          an ipBlock of 0.0.0.0/0 or ::/0
  selects-nothing      a policy whose podSelector selects no workload of the fixture
  dns-egress-denied    default-deny egress without a DNS allowance, for workloads with DNS assertions
  unexercised          a policy that no assertion exercises

  --disable <rules>    comma-separated rules to skip
  --json <file>        write the findings as JSON

${INPUT_HELP}

Exit codes: 0 no findings, 1 findings, 2 bad input.`;

const OPTIONS = {
  disable: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...INPUT_OPTIONS,
} as const;

export async function lintCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('lint', LINT_USAGE, args, OPTIONS);
  if (parsed.values.help === true) {
    io.stdout.write(`${LINT_HELP}\n`);
    return EXIT.OK;
  }
  const disabled = parseDisabled(stringOption(parsed, 'disable'));
  const paths = requirePositionals(parsed, 'lint', LINT_USAGE, 'suite files or directories');
  const input = suiteInputOptionsOf(parsed, 'lint');
  await prepareReportPaths(parsed, 'lint', io.env);
  const suites = await loadSuites(paths, input);
  await checkInterrupted(io);
  const findings = suites.flatMap((suite) => lintSuite(suite)).filter((f) => !disabled.has(f.rule));
  for (const finding of findings) io.stdout.write(`${formatFinding(finding)}\n`);
  io.stdout.write(
    findings.length === 0
      ? `no findings in ${suites.length} suite${suites.length === 1 ? '' : 's'}\n`
      : `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${suites.length} suite${suites.length === 1 ? '' : 's'}\n`,
  );
  const json = stringOption(parsed, 'json');
  if (json !== undefined) {
    await writeFile(json, `${JSON.stringify({ schemaVersion: 1, findings }, null, 2)}\n`);
  }
  return exitCodeForFindings(findings.length);
}

export function formatFinding(finding: LintFinding): string {
  const p = finding.position;
  return `${p.file}:${p.line}:${p.column}: ${finding.severity} [${finding.rule}] ${finding.message}`;
}

function parseDisabled(raw: string | undefined): Set<LintRule> {
  const rules = new Set<LintRule>();
  if (raw === undefined) return rules;
  for (const name of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(LINT_RULES as readonly string[]).includes(name)) {
      throw new InputError([{ message: `netpol-e2e lint: --disable ${name}: unknown rule; rules: ${LINT_RULES.join(', ')}` }]);
    }
    rules.add(name as LintRule);
  }
  return rules;
}
