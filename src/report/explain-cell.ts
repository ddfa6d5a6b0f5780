/**
 * The detail lines every report gives for a cell that did not pass, in one order: the verdicts (expected vs
 * observed vs model), the diagnosis (who disagrees), the engine's message, the attempts, the raw evidence, then
 * the model's explanation. Each line has a kind so a reporter can style it.
 */
import type { CellResult } from '../results/index.js';
import { describeAttempts, describeVerdicts } from './describe-cell.js';
import { diagnoseCell } from './diagnose-cell.js';

export type CellDetailKind = 'verdicts' | 'diagnosis' | 'message' | 'attempts' | 'detail' | 'spec';

export interface CellDetail {
  kind: CellDetailKind;
  text: string;
}

export function explainCell(cell: CellResult): CellDetail[] {
  const details: CellDetail[] = [];
  // A conformance 'table' cell has its verdicts in its matrix; its own line would only say "expected table".
  if (cell.expected !== 'table' || cell.model || cell.observed) details.push({ kind: 'verdicts', text: describeVerdicts(cell) });
  const diagnosis = diagnoseCell(cell);
  if (diagnosis !== undefined) details.push({ kind: 'diagnosis', text: diagnosis });
  if (cell.message !== undefined && cell.message !== '') details.push({ kind: 'message', text: cell.message });
  if (cell.observed) {
    // A flaky cell's verdicts line already lists every attempt.
    const attempts = cell.status === 'flaky' ? undefined : describeAttempts(cell.observed);
    if (attempts !== undefined) details.push({ kind: 'attempts', text: attempts });
    if (cell.observed.detail !== '') details.push({ kind: 'detail', text: `detail: ${cell.observed.detail}` });
  }
  for (const sentence of cell.model?.explanation ?? []) details.push({ kind: 'spec', text: `spec: ${sentence}` });
  return details;
}
