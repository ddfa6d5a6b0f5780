import { expect } from 'chai';
import { EXIT, exitCodeFor, exitCodeForError, runFailureOf } from '../../../src/cli/exit-codes.js';
import type { CellResult, RunError, RunResult, SuiteResult } from '../../../src/results/index.js';
import { ClusterError, InputError } from '../../../src/util/index.js';

function run(errors: RunError[] = [], suites: SuiteResult[] = []): RunResult {
  return { tool: { name: 'netpol-e2e', version: '0' }, command: 'run', startedAt: '', durationMs: 0, suites, errors, timings: [], environment: {} };
}

function suite(name: string, statuses: CellResult['status'][], errors: RunError[] = []): SuiteResult {
  const cells = statuses.map((status, i) => ({ status, cellId: `c${i}` }) as CellResult);
  return { name, file: `${name}.yaml`, cells, matrices: [], errors, durationMs: 0, timings: [] };
}

describe('exitCodeFor: the one mapping from a result to an exit code', () => {
  it('0 when every cell passed or was skipped, 1 when one failed, was flaky or could not be judged', () => {
    expect(exitCodeFor(run([], [suite('a', ['passed', 'skipped'])]))).to.equal(EXIT.OK);
    for (const status of ['failed', 'flaky', 'error'] as const) expect(exitCodeFor(run([], [suite('a', ['passed', status])])), status).to.equal(EXIT.ASSERTIONS_FAILED);
  });

  it('an infrastructure error of a suite or of the run is 3, whatever the cells say', () => {
    expect(exitCodeFor(run([], [suite('a', ['passed'], [{ code: 'NOT_ENFORCING', message: 'x' }])]))).to.equal(EXIT.INFRASTRUCTURE);
    expect(exitCodeFor(run([{ code: 'CLUSTER', message: 'kind failed' }]))).to.equal(EXIT.INFRASTRUCTURE);
    expect(exitCodeFor(run([{ code: 'KUBE_API', message: 'cleanup of namespaces a: gone' }], [suite('a', ['failed'])]))).to.equal(EXIT.INFRASTRUCTURE);
  });

  it('an interrupt is 130 and a bug 70, bad input 2', () => {
    expect(exitCodeFor(run([{ code: 'KUBE_API', message: 'x' }, { code: 'INTERRUPTED', message: 'SIGINT' }]))).to.equal(EXIT.INTERRUPTED);
    expect(exitCodeFor(run([], [suite('a', [], [{ code: 'INTERNAL', message: 'undefined is not a function' }])]))).to.equal(EXIT.INTERNAL);
    expect(exitCodeFor(run([{ code: 'INPUT', message: 'bad' }]))).to.equal(EXIT.BAD_INPUT);
  });

  it('a report that could not be written is 3 unless an error decided already', () => {
    expect(exitCodeFor(run([], [suite('a', ['passed'])]), { reportsWritten: false })).to.equal(EXIT.INFRASTRUCTURE);
    expect(exitCodeFor(run([{ code: 'INTERRUPTED', message: 'SIGINT' }]), { reportsWritten: false })).to.equal(EXIT.INTERRUPTED);
  });

  it('the failure of a run: the suite error that stopped it, before cleanup errors and NOT_RUN', () => {
    const stopped = suite('a', [], [{ code: 'TIMEOUT', message: 'pods not Ready' }]);
    const result = run([{ code: 'KUBE_API', message: 'cleanup of namespaces a: forbidden' }, { code: 'NOT_RUN', message: 'not run: b' }], [stopped]);
    expect(runFailureOf(result)?.message).to.equal('pods not Ready');
    expect(runFailureOf(run([{ code: 'NOT_RUN', message: 'x' }]))).to.equal(undefined);
    expect(runFailureOf(run())).to.equal(undefined);
  });

  it('errors thrown before a run: bad input 2, infrastructure 3, anything else a bug (70)', () => {
    expect(exitCodeForError(new InputError([{ message: 'bad' }]))).to.equal(EXIT.BAD_INPUT);
    expect(exitCodeForError(new ClusterError('x'))).to.equal(EXIT.INFRASTRUCTURE);
    expect(exitCodeForError(new TypeError('x'))).to.equal(EXIT.INTERNAL);
  });
});
