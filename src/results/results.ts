/**
 * The results of a run: the one data model between the engines (static verify, conformance, live run) and the
 * reporters. Everything here is plain data (JSON-serialisable), so the JSON report is this structure as is.
 */
import type { SourcePosition } from '../util/index.js';
import type { IpFamily, Protocol } from '../model/index.js';
import type { CoverageReport } from './coverage-types.js';

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
  /**
   * A cell of a dual-stack pair (no family named): the verdict of each family's connection, IPv4 first. A live
   * run compares each family's probe with its own verdict. Absent when the cell is one connection.
   */
  families?: { family: IpFamily; verdict: ModelVerdict }[];
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
  /** The address family probed, when the cell names one or its pair is probed once per family. */
  family?: IpFamily;
}

/** One family's part of a cell probed once per address family (a dual-stack pair that names no family). */
export interface FamilyResult {
  family: IpFamily;
  status: CellStatus;
  observed: Observation;
  /** What the spec says of this family's connection. */
  model?: ModelVerdict;
  /** For failed / error / flaky: what went wrong. */
  message?: string;
}

/** What a cell checks: a connection, a DNS lookup, or one connection of a matrix. */
export type CellKind = 'connect' | 'dns' | 'matrix';

export interface CellResult {
  /** Id of the assertion this cell belongs to. */
  assertionId: string;
  /** Unique within the suite: the assertion id, plus `[row->column]` for matrix cells and `@step` after step 0. */
  cellId: string;
  /** A name a human reads, e.g. `prod/frontend -> prod/api:8080/TCP should be allowed`. */
  name: string;
  kind: CellKind;
  step: { index: number; name: string };
  /** The assertion (for matrix cells: the row line) in the suite file. */
  position: SourcePosition;
  /** `<namespace>/<workload>` of the source. */
  source: string;
  sourceNamespace: string;
  /** e.g. `prod/api`, `service prod/api`, `external partner (203.0.113.10)`, `dns example.com`. */
  target: string;
  /** Live pod-to-pod cells: the nodes of the source pod and of the target pod (they differ for a cross-node path). */
  sourceNode?: string;
  targetNode?: string;
  port?: number | string;
  protocol?: Protocol;
  expected: CellExpectation;
  /** The address family the assertion names (the cell is that one connection). */
  family?: IpFamily;
  model?: ModelResult;
  /** Live: what the probe saw; for a cell probed once per family, the family that decided the status. */
  observed?: Observation;
  /** Live, a dual-stack pair that names no family: each family's probe and status (the cell's is the worst). */
  families?: FamilyResult[];
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
  /**
   * Set for a matrix too big to report cell by cell (see AGGREGATE_CELLS): its cells are then NOT in the suite's
   * `cells`; `expected` and `observed` are empty and the aggregate holds the table compactly, the counts of all
   * its cells and the first cells that did not pass.
   */
  aggregate?: MatrixAggregate;
}

/** A matrix with more asserted cells than this is reported as an aggregate (one byte per cell, counts, details). */
export const AGGREGATE_CELLS = 10_000;

/** MatrixSymbol <-> one character, for compact tables (MatrixAggregate, the JSON report's table rows). */
export const SYMBOL_CHARS: Readonly<Record<MatrixSymbol, string>> = { allow: '.', deny: 'X', skip: '?', error: 'E', flaky: '~' };
export const SYMBOL_CODES: readonly MatrixSymbol[] = ['skip', 'allow', 'deny', 'error', 'flaky'];
export const SYMBOL_CODE: Readonly<Record<MatrixSymbol, number>> = { skip: 0, allow: 1, deny: 2, error: 3, flaky: 4 };

export interface MatrixAggregate {
  /** SYMBOL_CODE per cell, row-major (rows.length x columns.length). */
  expected: Uint8Array;
  observed: Uint8Array;
  /** Every asserted cell of the matrix (diagonal and `?` cells are not cells). */
  counts: Counts;
  /** The first cells that did not pass (failed and errored first, then skipped), with explanations: at most DETAIL_CELLS. */
  details: CellResult[];
  /** The line of each row of the table in the suite file (row order). */
  rowLines: number[];
}

/** How many cells that did not pass an aggregate matrix keeps with explanations (the counts say how many there are). */
export const DETAIL_CELLS = 200;

/** One row of an aggregate table as characters (SYMBOL_CHARS), e.g. `..X?.`. */
export function aggregateRow(table: Uint8Array, width: number, row: number): string {
  let text = '';
  for (let c = 0; c < width; c += 1) text += SYMBOL_CHARS[SYMBOL_CODES[table[row * width + c] as number] ?? 'skip'];
  return text;
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

/**
 * Where a live suite's wall time went, in milliseconds. Suites of a run may overlap in time (--parallel), so
 * the suites' durations add up to more than the run's.
 */
export interface SuitePhases {
  /** Namespaces, probe pods, Services and external targets applied. */
  deployMs: number;
  /** Probe pods Ready. */
  readyMs: number;
  /** Waiting for the run's enforcement canary (the suites that were ready before it finished). */
  canaryMs: number;
  /** The positive control. */
  controlMs: number;
  /** Every step: from its change until its results settled (the rounds until then included). */
  settleMs: number;
  /** Every step: the confirmation rounds after settling. */
  probeMs: number;
  /** Issuing the deletion of the suite's namespaces; the deletion itself is awaited once, at the end of the run. */
  teardownMs: number;
  /** Probe rounds of the suite (positive control, settling and confirmation). */
  rounds: number;
}

export interface SuiteResult {
  name: string;
  /** The suite file as the user named it (relative when given relative), for annotations. */
  file: string;
  /**
   * Line of the suite's `fixture:` key (a corpus case: its first line): where errors that stopped the suite
   * (fixture not Ready, teardown failed) are reported.
   */
  fixtureLine?: number;
  cells: CellResult[];
  matrices: MatrixResult[];
  errors: RunError[];
  durationMs: number;
  timings: Timing[];
  /** Live runs: the time split of the suite. */
  phases?: SuitePhases;
}

/** A suite a run was given: its name, file (as the user named it) and `fixture:` line. */
export interface PlannedSuite {
  name: string;
  file: string;
  fixtureLine?: number;
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
  /**
   * Every suite the run was given, in order, also those that never started (the run stopped before them):
   * where reports place errors that stopped the whole run.
   */
  plannedSuites?: PlannedSuite[];
  errors: RunError[];
  timings: Timing[];
  /** Free-form facts about the environment (cluster, CNI, Kubernetes version, images). */
  environment: Record<string, string>;
  /** Rule coverage of the suites' policies by their asserted cells, when asked for (--coverage, --min-coverage). */
  coverage?: CoverageReport;
}

/** A run that has not produced anything yet: its suites, errors and timings are filled in as it goes. */
export function startRunResult(fields: Pick<RunResult, 'tool' | 'command' | 'startedAt'> & Partial<Pick<RunResult, 'runId' | 'timings' | 'environment'>>): RunResult {
  const { runId, ...rest } = fields;
  return { ...rest, ...(runId !== undefined ? { runId } : {}), durationMs: 0, suites: [], errors: [], timings: fields.timings ?? [], environment: fields.environment ?? {} };
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

/** The counts of a suite: its cells and the cells of its aggregate matrices. */
export function countSuite(suite: SuiteResult): Counts {
  const counts = countCells(suite.cells);
  for (const matrix of suite.matrices) if (matrix.aggregate) addCounts(counts, matrix.aggregate.counts);
  return counts;
}

export function addCounts(target: Counts, more: Counts): Counts {
  target.total += more.total;
  target.passed += more.passed;
  target.failed += more.failed;
  target.errors += more.errors;
  target.flaky += more.flaky;
  target.skipped += more.skipped;
  return target;
}

export function countRun(run: RunResult): Counts {
  const counts: Counts = { total: 0, passed: 0, failed: 0, errors: 0, flaky: 0, skipped: 0 };
  for (const suite of run.suites) addCounts(counts, countSuite(suite));
  return counts;
}

/** A run passes only when every cell passed (or was deliberately skipped) and nothing errored. */
export function runPassed(run: RunResult): boolean {
  const c = countRun(run);
  const suiteErrors = run.suites.some((s) => s.errors.length > 0);
  return c.failed === 0 && c.errors === 0 && c.flaky === 0 && run.errors.length === 0 && !suiteErrors;
}
