/**
 * The results of a run: the one data model between the engines (static verify, conformance, live run) and the
 * reporters. Everything here is plain data (JSON-serialisable), so the JSON report is this structure as is.
 */
import type { SourcePosition } from '../util/errors.js';
import type { Protocol } from '../model/types.js';
import type { CoverageReport } from '../coverage/types.js';

/** What an assertion cell expects. */
export type Expectation = 'allow' | 'deny' | 'resolves' | 'nxdomain' | 'blocked';

/**
 * What a testcase expects: one connection or lookup (an Expectation), or a whole truth table ('table': one
 * conformance testcase per case step and probe, whose cells are in the MatrixResult of the same assertionId).
 */
export type CellExpectation = Expectation | 'table';

/**
 * What a probe observed. Never collapsed: each is a different fact about the network.
 * - connected: the exchange completed (TCP connect + HTTP answer, UDP/SCTP echo answered)
 * - refused: actively rejected (TCP RST, ICMP unreachable)
 * - timeout: no answer within the connect timeout (how most NetworkPolicy denies look)
 * - resolved / dns-nxdomain: the DNS server answered, with records / with NXDOMAIN
 * - dns-unreachable: no DNS server answered (how a DNS egress deny looks)
 * - dns-error: the lookup failed in another way (SERVFAIL, malformed)
 * - exec-error: the probe could not run (exec transport failed, binary missing, unknown exit code)
 */
export type Outcome =
  | 'connected'
  | 'refused'
  | 'timeout'
  | 'resolved'
  | 'dns-nxdomain'
  | 'dns-unreachable'
  | 'dns-error'
  | 'exec-error';

/** What the model (the spec) says. `mixed`: a Service whose backends get different verdicts. */
export type ModelVerdict = 'allow' | 'deny' | 'mixed';

export type CellStatus = 'passed' | 'failed' | 'error' | 'flaky' | 'skipped';

export interface ModelResult {
  verdict: ModelVerdict;
  /**
   * DNS cells whose DNS traffic the spec allows: the answer the model knows for in-cluster names (a Service of
   * the fixture or the API Service resolves; another name under the cluster domain does not exist). Absent for
   * names outside the cluster, whose existence the model cannot know.
   */
  dnsAnswer?: 'resolves' | 'nxdomain';
  /** Human sentences: which policies selected each side, which rule and peer admitted it, or that none did. */
  explanation: string[];
  /**
   * Set when the verdict depends on an IP the model was not given: a denial that an ipBlock peer could lift
   * with the pod's real IP (static verify knows no pod IPs). Says why; the cell cannot be judged statically.
   */
  undecided?: string;
}

export interface Observation {
  outcome: Outcome;
  /** The outcome read as the expectation's vocabulary; `undefined` when it cannot be judged (exec-error). */
  verdict: Expectation | undefined;
  /** The raw evidence: exit code, stderr excerpt, HTTP code, answering host. */
  detail: string;
  /** How many times this cell was probed after the state settled (or after the settle deadline passed). */
  attempts: number;
  /** Outcomes of every attempt, when they differed (flaky). */
  history?: Outcome[];
  /**
   * The step's results had not all met their expectations when the settle deadline passed: the attempts are
   * from after the deadline, not from a settled state (a difference means the CNI was still changing).
   */
  afterDeadline?: true;
  durationMs: number;
}

export interface CellResult {
  /** Id of the assertion this cell belongs to. */
  assertionId: string;
  /** Unique within the suite: the assertion id, plus `[row->column]` for matrix cells and `@step` after step 0. */
  cellId: string;
  /** A name a human reads, e.g. `prod/frontend -> prod/api:8080/TCP should be allowed`. */
  name: string;
  kind: 'connect' | 'dns' | 'matrix';
  step: { index: number; name: string };
  /** The assertion (for matrix cells: the row line) in the suite file. */
  position: SourcePosition;
  /** `<namespace>/<workload>` of the source. */
  source: string;
  sourceNamespace: string;
  /** e.g. `prod/api`, `service prod/api`, `external partner (203.0.113.10)`, `dns example.com`. */
  target: string;
  port?: number | string;
  protocol?: Protocol;
  expected: CellExpectation;
  model?: ModelResult;
  observed?: Observation;
  status: CellStatus;
  /** For failed / error / flaky / skipped: what went wrong and what to do. */
  message?: string;
}

export type MatrixSymbol = 'allow' | 'deny' | 'skip' | 'error' | 'flaky';

export interface MatrixResult {
  assertionId: string;
  step: { index: number; name: string };
  position: SourcePosition;
  port: number | string;
  protocol: Protocol;
  rows: string[];
  columns: string[];
  expected: MatrixSymbol[][];
  /** Observed (live) or model (static) verdict per cell. */
  observed: MatrixSymbol[][];
}

/** An error that stopped part or all of a run: reported, never hidden behind a pass. */
export interface RunError {
  code: string;
  message: string;
  hint?: string;
  /** The suite it concerns, when it concerns one. */
  suite?: string;
}

export interface Timing {
  name: string;
  ms: number;
}

export interface SuiteResult {
  name: string;
  /** The suite file as the user named it (relative when given relative), for annotations. */
  file: string;
  cells: CellResult[];
  matrices: MatrixResult[];
  errors: RunError[];
  durationMs: number;
  timings: Timing[];
}

export type RunCommand = 'verify' | 'run' | 'conformance';

export interface RunResult {
  tool: { name: string; version: string };
  command: RunCommand;
  /** Live runs: the run id every created object is labelled with. */
  runId?: string;
  startedAt: string;
  durationMs: number;
  suites: SuiteResult[];
  errors: RunError[];
  timings: Timing[];
  /** Free-form facts about the environment (cluster, CNI, Kubernetes version, images). */
  environment: Record<string, string>;
  /** Rule coverage of the suites' policies by their asserted cells, when asked for (--coverage, --min-coverage). */
  coverage?: CoverageReport;
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  flaky: number;
  skipped: number;
}

export function countCells(cells: readonly CellResult[]): Counts {
  const counts: Counts = { total: 0, passed: 0, failed: 0, errors: 0, flaky: 0, skipped: 0 };
  for (const cell of cells) {
    counts.total += 1;
    switch (cell.status) {
      case 'passed':
        counts.passed += 1;
        break;
      case 'failed':
        counts.failed += 1;
        break;
      case 'error':
        counts.errors += 1;
        break;
      case 'flaky':
        counts.flaky += 1;
        break;
      case 'skipped':
        counts.skipped += 1;
        break;
    }
  }
  return counts;
}

export function countRun(run: RunResult): Counts {
  return countCells(run.suites.flatMap((s) => s.cells));
}

/** A run passes only when every cell passed (or was deliberately skipped) and nothing errored. */
export function runPassed(run: RunResult): boolean {
  const c = countRun(run);
  const suiteErrors = run.suites.some((s) => s.errors.length > 0);
  return c.failed === 0 && c.errors === 0 && c.flaky === 0 && run.errors.length === 0 && !suiteErrors;
}
