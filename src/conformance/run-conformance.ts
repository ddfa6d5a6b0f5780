/**
 * Static conformance: judges every case of a corpus with the model and compares with the corpus' expectations.
 *
 * - Matrix cases: one testcase per case step and probe (kind `matrix`, expected `table`), failed when any scored
 *   cell disagrees, plus a MatrixResult with both tables. Self-connections (the diagonal) and `?` cells are not
 *   scored: upstream never compares them (see the corpus README, "Self-connections").
 * - Traffic-check cases: one testcase per check (kind `connect`).
 */
import { compileModel } from '../model/index.js';
import type { PolicyModel } from '../model/index.js';
import type { ClusterState, Verdict } from '../model/index.js';
import { explainVerdict, explainVerdicts } from '../model/index.js';
import type { CellResult, MatrixResult, MatrixSymbol, RunResult, SuiteResult } from '../results/index.js';
import { InputError } from '../util/index.js';
import type { Corpus, CorpusCase, MatrixCase, TrafficCheckCase } from './corpus-types.js';
import { probeAssertionId, tableTestcase, type TableOutcome } from './table-testcase.js';
import { checkConnection } from './traffic-check-state.js';

export interface ConformanceOptions {
  /** Reported as RunResult.tool. */
  tool?: { name: string; version: string };
  /** Run only the cases with these names. */
  cases?: readonly string[];
  /** The evaluator to judge with (default: the compiled model; tests also run the naive reference). */
  createModel?: (state: ClusterState) => PolicyModel;
  /** Milliseconds clock for durations (default performance.now). */
  now?: () => number;
  /** Start time of the run (default: now). */
  startedAt?: Date;
}

const DEFAULT_TOOL = { name: 'netpol-e2e', version: 'unknown' };

function word(allowed: boolean): 'allow' | 'deny' {
  return allowed ? 'allow' : 'deny';
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `    ${line}`);
}

function runMatrixCase(testCase: MatrixCase, createModel: (state: ClusterState) => PolicyModel): Pick<SuiteResult, 'cells' | 'matrices'> {
  const cells: CellResult[] = [];
  const matrices: MatrixResult[] = [];
  for (const step of testCase.steps) {
    const model = createModel(step.state);
    const stepRef = { index: step.step, name: `step ${step.step}` };
    for (const probe of step.probes) {
      const assertionId = probeAssertionId(probe);
      const result = model.evaluateMatrix({ sources: probe.rows, destinations: probe.columns, port: probe.port, protocol: probe.protocol });
      const expectedSymbols: MatrixSymbol[][] = [];
      const modelSymbols: MatrixSymbol[][] = [];
      const mismatches: string[] = [];
      let scored = 0;
      let failedCells = 0;
      probe.rows.forEach((from, i) => {
        expectedSymbols.push([]);
        modelSymbols.push([]);
        probe.columns.forEach((to, j) => {
          const allowed = result.allowed(i, j);
          const written = probe.expected[i]?.[j] ?? 'skip';
          const expected: MatrixSymbol = from === to ? 'skip' : written;
          expectedSymbols[i]?.push(expected);
          modelSymbols[i]?.push(word(allowed));
          if (expected === 'skip') return;
          scored += 1;
          if (expected !== word(allowed)) {
            failedCells += 1;
            mismatches.push(`${from} -> ${to}: expected ${expected}, the model says ${word(allowed)}`, ...indent(explainVerdicts(result.verdicts(i, j))));
          }
        });
      });
      const outcome: TableOutcome = { status: failedCells === 0 ? 'passed' : 'failed', scoredCells: scored };
      if (failedCells > 0) {
        outcome.message = [`${failedCells} of ${scored} cells disagree with the expected table (self-connections and ? cells not scored):`, ...mismatches].join('\n');
      }
      const cell = tableTestcase(testCase, step.step, probe, outcome);
      cells.push(cell);
      matrices.push({
        assertionId,
        step: stepRef,
        position: probe.position,
        port: probe.port,
        protocol: probe.protocol,
        rows: [...probe.rows],
        columns: [...probe.columns],
        expected: expectedSymbols,
        observed: modelSymbols,
      });
    }
  }
  return { cells, matrices };
}

function runTrafficCheckCase(testCase: TrafficCheckCase, createModel: (state: ClusterState) => PolicyModel): Pick<SuiteResult, 'cells' | 'matrices'> {
  const cells = testCase.checks.map((check): CellResult => {
    const connection = checkConnection(testCase.policies, check);
    const verdict: Verdict = createModel(connection.state).evaluate(connection.traffic);
    const expected = check.expected === 'allowed' ? 'allow' : 'deny';
    const portText = check.port === null ? `${check.portName ?? ''}/${check.protocol}` : `${check.port}/${check.protocol}`;
    const explanation = explainVerdict(verdict);
    const cell: CellResult = {
      assertionId: `check${check.index + 1}`,
      cellId: `check${check.index + 1}`,
      name: `${check.it}: ${connection.sourceText} -> ${connection.destinationText}:${portText} should be ${check.expected}`,
      kind: 'connect',
      step: { index: 0, name: 'checks' },
      position: check.position,
      source: connection.sourceText,
      sourceNamespace: check.source.kind === 'pod' ? check.source.namespace : 'external',
      target: connection.destinationText,
      port: check.port ?? check.portName ?? connection.traffic.port,
      protocol: check.protocol,
      expected,
      model: { verdict: word(verdict.allowed), explanation },
      status: word(verdict.allowed) === expected ? 'passed' : 'failed',
    };
    if (cell.status === 'failed') {
      cell.message = [`expected ${check.expected}, the model says ${verdict.allowed ? 'allowed' : 'blocked'}:`, ...indent(explanation)].join('\n');
    }
    return cell;
  });
  return { cells, matrices: [] };
}

/** The cases named by `names` (all when undefined), in corpus order; an unknown name is an InputError. */
export function selectCases(corpus: Corpus, names: readonly string[] | undefined): CorpusCase[] {
  if (names === undefined) return corpus.cases;
  const unknown = names.filter((n) => !corpus.cases.some((c) => c.name === n));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((n) => ({ message: `case ${n} is not in the corpus ${corpus.dir} (it has ${corpus.cases.length} cases)` })),
      { hint: `choose among: ${corpus.cases.map((c) => c.name).join(', ')}` },
    );
  }
  return corpus.cases.filter((c) => names.includes(c.name));
}

/** Judges the corpus with the model; a disagreement is a failed testcase, never an exception. */
export function runConformance(corpus: Corpus, options: ConformanceOptions = {}): RunResult {
  const now = options.now ?? (() => performance.now());
  const createModel = options.createModel ?? compileModel;
  const startedAt = options.startedAt ?? new Date();
  const start = now();
  const suites = selectCases(corpus, options.cases).map((testCase): SuiteResult => {
    const caseStart = now();
    const { cells, matrices } = testCase.kind === 'matrix' ? runMatrixCase(testCase, createModel) : runTrafficCheckCase(testCase, createModel);
    const ms = now() - caseStart;
    return {
      name: testCase.name,
      file: testCase.file,
      fixtureLine: testCase.position.line,
      cells,
      matrices,
      errors: [],
      durationMs: ms,
      timings: [{ name: 'evaluate', ms }],
    };
  });
  const durationMs = now() - start;
  return {
    tool: options.tool ?? DEFAULT_TOOL,
    command: 'conformance',
    startedAt: startedAt.toISOString(),
    durationMs,
    suites,
    errors: [],
    timings: [{ name: 'conformance', ms: durationMs }],
    environment: { mode: 'static (model only, no cluster)', corpus: corpus.dir, 'corpus model': corpus.model.name, cases: String(suites.length) },
  };
}
