/** How many pod-to-pod cells crossed nodes: counted from the cells' recorded nodes, shown by console and Markdown. */
import { expect } from 'chai';
import type { RunResult } from '../../../src/results/index.js';
import { describeCrossNode } from '../../../src/report/describe-counts.js';
import { formatConsoleReport } from '../../../src/report/format-console-report.js';
import { formatMarkdownReport } from '../../../src/report/format-markdown-report.js';
import { liveRun } from './fixtures.js';

/** The live fixture with nodes on its observed cells: every third on one node, the rest across two. */
function withNodes(run: RunResult): RunResult {
  const copy = structuredClone(run);
  let i = 0;
  for (const suite of copy.suites) {
    for (const cell of suite.cells) {
      if (cell.observed === undefined) continue;
      cell.sourceNode = 'kind-worker';
      cell.targetNode = i++ % 3 === 0 ? 'kind-worker' : 'kind-worker2';
    }
  }
  return copy;
}

describe('cross-node cells', () => {
  it('counts the observed cells whose source and target nodes differ, of those with both known', () => {
    const run = withNodes(liveRun());
    const observed = run.suites.flatMap((s) => s.cells).filter((c) => c.observed !== undefined).length;
    expect(observed).to.be.greaterThan(1);
    const crossed = observed - Math.ceil(observed / 3);
    expect(describeCrossNode(run)).to.equal(`${crossed} of ${observed} pod-to-pod cells crossed nodes (2 nodes)`);
  });

  it('says nothing when no cell records nodes (static runs, single-node or Service-only runs)', () => {
    expect(describeCrossNode(liveRun())).to.equal(undefined);
    expect(formatConsoleReport(liveRun(), { color: false, verbose: false, quiet: false })).to.not.contain('crossed nodes');
  });

  it('is a line of the console summary and a fact of the Markdown summary', () => {
    const run = withNodes(liveRun());
    const line = describeCrossNode(run) as string;
    expect(formatConsoleReport(run, { color: false, verbose: false, quiet: false }).split('\n')).to.include(line);
    expect(formatMarkdownReport(run).split('\n')[2]).to.contain(` · ${line}`);
  });
});
