/** A diff for people: console text, Markdown for a PR comment, and JSON (the DiffResult as is). */
import { escapeMarkdown } from '../report/index.js';
import { breakingChanges, type CellChange, type DiffResult } from './diff-suites.js';

const GROUPS: { kind: CellChange['kind']; title: string }[] = [
  { kind: 'newly-allowed', title: 'Newly allowed' },
  { kind: 'newly-denied', title: 'Newly denied' },
  { kind: 'changed', title: 'Changed' },
];

function connection(change: CellChange): string {
  const port = change.port !== undefined ? `:${change.port}${change.protocol ? `/${change.protocol}` : ''}` : '';
  const step = change.step.index > 0 ? ` (step ${change.step.index}, ${change.step.name})` : '';
  return `${change.source} -> ${change.target}${port}${step}`;
}

function assertionText(change: CellChange): string {
  if (change.assertions.length === 0) return 'not asserted';
  return change.assertions.map((a) => `${a.id} expects ${a.expected}: ${a.holds ? 'still holds' : 'BREAKS'}`).join('; ');
}

export function diffTotals(result: DiffResult): { allowed: number; denied: number; changed: number; breaking: number; compared: number } {
  const all = result.suites.flatMap((s) => s.changes);
  return {
    allowed: all.filter((c) => c.kind === 'newly-allowed').length,
    denied: all.filter((c) => c.kind === 'newly-denied').length,
    changed: all.filter((c) => c.kind === 'changed').length,
    breaking: breakingChanges(result).length,
    compared: result.suites.reduce((n, s) => n + s.compared, 0),
  };
}

function summary(result: DiffResult): string {
  const t = diffTotals(result);
  if (t.allowed + t.denied + t.changed === 0) return `no verdict changes against ${result.base} (${t.compared} cells compared)`;
  return `${t.allowed} newly allowed, ${t.denied} newly denied${t.changed > 0 ? `, ${t.changed} changed` : ''} against ${result.base} (${t.compared} cells compared); ${t.breaking} ${t.breaking === 1 ? 'breaks' : 'break'} an assertion`;
}

export function formatDiffConsole(result: DiffResult): string {
  const lines: string[] = [];
  for (const suite of result.suites) {
    lines.push(`${suite.name} (${suite.file}): ${suite.changes.length === 0 ? 'no changes' : `${suite.changes.length} changed cell(s)`}`);
    for (const group of GROUPS) {
      const changes = suite.changes.filter((c) => c.kind === group.kind);
      if (changes.length === 0) continue;
      lines.push(`  ${group.title} (${changes.length}):`);
      for (const change of changes) {
        lines.push(`    ${connection(change)}: ${change.before.verdict} -> ${change.after.verdict} [${assertionText(change)}]`);
        lines.push(`      before: ${change.before.explanation.join('\n              ')}`);
        lines.push(`      after:  ${change.after.explanation.join('\n              ')}`);
      }
    }
  }
  lines.push(summary(result));
  return `${lines.join('\n')}\n`;
}

export function formatDiffMarkdown(result: DiffResult): string {
  const out: string[] = [`## NetworkPolicy change impact`, '', summary(result), ''];
  for (const suite of result.suites) {
    if (suite.changes.length === 0) continue;
    out.push(`### ${escapeMarkdown(suite.name)} (\`${suite.file}\`)`, '');
    for (const group of GROUPS) {
      const changes = suite.changes.filter((c) => c.kind === group.kind);
      if (changes.length === 0) continue;
      out.push(`**${group.title} (${changes.length})**`, '');
      out.push('| Connection | Before | After | Assertions |', '|---|---|---|---|');
      for (const c of changes) {
        const cell = (side: CellChange['before']): string => `${escapeMarkdown(side.verdict)}<br>${side.explanation.map(escapeMarkdown).join('<br>')}`;
        out.push(`| \`${connection(c)}\` | ${cell(c.before)} | ${cell(c.after)} | ${escapeMarkdown(assertionText(c))} |`);
      }
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

export function formatDiffJson(result: DiffResult): string {
  return `${JSON.stringify({ ...result, totals: diffTotals(result) }, null, 2)}\n`;
}
