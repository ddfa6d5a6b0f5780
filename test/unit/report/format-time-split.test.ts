import { expect } from 'chai';
import { formatTimeSplit } from '../../../src/report/format-time-split.js';
import type { RunResult, SuiteResult } from '../../../src/results/index.js';

const suite = (name: string, phases?: SuiteResult['phases']): SuiteResult => ({
  name,
  file: `${name}.yaml`,
  cells: [],
  matrices: [],
  errors: [],
  durationMs: 12_345,
  timings: [],
  ...(phases ? { phases } : {}),
});

const run = (suites: SuiteResult[]): RunResult => ({
  tool: { name: 'netpol-e2e', version: '0' },
  command: 'run',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 20_000,
  suites,
  errors: [],
  timings: [],
  environment: {},
});

describe('formatTimeSplit', () => {
  it('one aligned row per live suite with each phase in seconds, its rounds and its total', () => {
    const lines = formatTimeSplit(
      run([
        suite('default-deny', { deployMs: 210, readyMs: 1_850, canaryMs: 3_100, controlMs: 400, settleMs: 4_900, probeMs: 2_200, teardownMs: 90, rounds: 12 }),
        suite('a-much-longer-suite-name', { deployMs: 0, readyMs: 0, canaryMs: 0, controlMs: 0, settleMs: 0, probeMs: 0, teardownMs: 0, rounds: 0 }),
      ]),
    );
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal('time per suite (s)          deploy  ready  canary  control  settle  probe  teardown  rounds  total');
    expect(lines[1]).to.equal('  default-deny                 0.2    1.9     3.1      0.4     4.9    2.2       0.1      12   12.3');
    expect(new Set(lines.map((l) => l.length)).size).to.equal(1);
  });

  it('nothing for a run without time splits (static verify)', () => {
    expect(formatTimeSplit(run([suite('static')]))).to.deep.equal([]);
  });
});
