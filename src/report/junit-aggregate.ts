/**
 * JUnit for a matrix at scale (MatrixResult.aggregate): one testcase per matrix row, named after the matrix and
 * the source, failing with the row's mismatching cells listed (and the explanations the engine kept), skipped when
 * none of its cells could be judged. A 2,000 x 2,000 table is 2,000 testcases, not 4 million.
 */
import type { MatrixAggregate, MatrixResult, RunResult, SuiteResult } from '../results/index.js';
import { aggregateMismatches, countAggregateRow, describeMismatch, detailFor } from './aggregate-matrix.js';
import { junitCellClassname } from './junit-naming.js';
import { describeMatrix } from './matrix-grid.js';
import { xmlElement, type XmlElement } from './serialize-xml.js';

/** How many mismatching cells of one row a testcase lists; the message says how many there are. */
const ROW_LIST_LIMIT = 50;

/** A row's testcase, before format-junit-report.ts makes names unique and serialises it. */
export interface AggregateTestcase {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  timeMs: number;
  children: XmlElement[];
}

export interface AggregateTestcases {
  testcases: AggregateTestcase[];
  failures: number;
  skipped: number;
}

export function buildAggregateTestcases(run: RunResult, suite: SuiteResult, matrix: MatrixResult, aggregate: MatrixAggregate): AggregateTestcases {
  const result: AggregateTestcases = { testcases: [], failures: 0, skipped: 0 };
  const step = matrix.step.index === 0 ? '' : ` [step ${matrix.step.index}: ${matrix.step.name}]`;
  matrix.rows.forEach((source, r) => {
    const counts = countAggregateRow(matrix, aggregate, r);
    if (counts.asserted === 0) return;
    const namespace = source.slice(0, source.indexOf('/'));
    const testcase = {
      classname: junitCellClassname(suite.name, { sourceNamespace: namespace }),
      name: `${describeMatrix(matrix)}: row ${source}${step}`,
      ...(suite.file !== undefined ? { file: suite.file } : {}),
      line: aggregate.rowLines[r] ?? matrix.position.line,
      timeMs: 0,
    };
    const judged = counts.asserted - counts.unjudged;
    const unjudged = counts.unjudged === 0 ? '' : `; ${counts.unjudged} not judged`;
    if (counts.mismatches > 0) {
      result.failures += 1;
      const message = `${counts.mismatches} of ${judged} judged cells do not match${unjudged}`;
      const lines: string[] = [];
      for (const mismatch of aggregateMismatches(matrix, aggregate, ROW_LIST_LIMIT, r)) {
        lines.push(describeMismatch(matrix, mismatch, run.command));
        for (const line of detailFor(matrix, aggregate, mismatch)?.model?.explanation ?? []) lines.push(`  ${line}`);
      }
      if (counts.mismatches > ROW_LIST_LIMIT) lines.push(`… and ${counts.mismatches - ROW_LIST_LIMIT} more in this row`);
      result.testcases.push({ ...testcase, children: [xmlElement('failure', { message, type: 'WrongVerdict' }, [lines.join('\n')])] });
    } else if (judged === 0) {
      result.skipped += 1;
      const reason = `none of the ${counts.asserted} cells could be judged (undecided without pod IPs)`;
      result.testcases.push({ ...testcase, children: [xmlElement('skipped', { message: reason }, [reason])] });
    } else {
      const out = `${judged} cells as expected${unjudged}`;
      result.testcases.push({ ...testcase, children: [xmlElement('system-out', {}, [out])] });
    }
  });
  return result;
}
