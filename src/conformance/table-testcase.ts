/**
 * The testcase of one case step and probe of a matrix case (kind `matrix`, expected `table`), as both the static
 * and the live conformance runs report it, so their reports line up testcase by testcase.
 */
import type { CellResult, CellStatus } from '../results/index.js';
import type { CaseProbe, MatrixCase } from './corpus-types.js';

/** The id of the table testcase of a probe (also the MatrixResult's assertionId). */
export function probeAssertionId(probe: Pick<CaseProbe, 'index' | 'port' | 'protocol'>): string {
  return `probe${probe.index + 1}-${probe.port}-${probe.protocol.toLowerCase()}`;
}

export interface TableOutcome {
  status: CellStatus;
  /** How many cells were scored; left out of the name when the table was not judged (skipped). */
  scoredCells?: number;
  message?: string;
}

export function tableTestcase(testCase: MatrixCase, step: number, probe: CaseProbe, outcome: TableOutcome): CellResult {
  const assertionId = probeAssertionId(probe);
  const count = outcome.scoredCells === undefined ? '' : ` (${outcome.scoredCells} cells)`;
  const cell: CellResult = {
    assertionId,
    cellId: `${assertionId}@step${step}`,
    // The step is not in the name: reports add it from `step` (describeCell), so it is said once.
    name: `${testCase.name}: ${probe.port}/${probe.protocol} truth table${count}`,
    kind: 'matrix',
    step: { index: step, name: `step ${step}` },
    position: probe.position,
    source: `${probe.rows.length} pods`,
    sourceNamespace: 'matrix',
    target: `${probe.columns.length} pods`,
    port: probe.port,
    protocol: probe.protocol,
    expected: 'table',
    status: outcome.status,
  };
  if (outcome.message !== undefined) cell.message = outcome.message;
  return cell;
}
