import { expect } from 'chai';
import { exitCodeFromStatus, formatArgv } from '../../../src/kube/exec-status.js';
import { ExecError } from '../../../src/util/errors.js';

const target = { namespace: 'np-1', pod: 'client' };
const argv = ['curl', '-sS', '--max-time', '2', 'http://server:80/'];

describe('exitCodeFromStatus', () => {
  it('Success is exit code 0', () => {
    expect(exitCodeFromStatus({ metadata: {}, status: 'Success' } as never, target, argv)).to.equal(0);
  });

  it('NonZeroExitCode carries the code in the ExitCode cause', () => {
    const status = {
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [curl ...], exit code 28',
      details: { causes: [{ reason: 'ExitCode', message: '28' }] },
    };
    expect(exitCodeFromStatus(status, target, argv)).to.equal(28);
    expect(exitCodeFromStatus({ ...status, details: { causes: [{ reason: 'ExitCode', message: '3' }] } }, target, argv)).to.equal(3);
  });

  it('NonZeroExitCode without a readable code is an ExecError, never a guessed code', () => {
    expect(() => exitCodeFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [] } }, target, argv)).to.throw(
      ExecError,
      'without a readable exit code',
    );
    expect(() =>
      exitCodeFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'x' }] } }, target, argv),
    ).to.throw(ExecError);
  });

  it('any other Failure is an ExecError naming the pod and argv, with the server message', () => {
    const status = {
      status: 'Failure',
      reason: 'InternalError',
      message: 'Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec: "curl": executable file not found in $PATH',
    };
    let error: unknown;
    try {
      exitCodeFromStatus(status, { ...target, container: 'probe' }, argv);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ExecError);
    const exec = error as ExecError;
    expect(exec.message).to.equal(
      `exec of curl -sS --max-time 2 http://server:80/ in pod np-1/client container probe failed before the command returned an exit code: ${status.message}`,
    );
    expect(exec.hint).to.contain('not in the container image');
  });
});

describe('formatArgv', () => {
  it('quotes only arguments that need it', () => {
    expect(formatArgv(['sh', '-c', 'echo hi; exit 3', ''])).to.equal('sh -c "echo hi; exit 3" ""');
  });
});
