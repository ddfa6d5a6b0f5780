import { expect } from 'chai';
import type { Writable } from 'node:stream';
import { explainUpgradeFailure, runExec, type ExecSocket, type ExecTransport } from '../../../src/kube/run-exec.js';
import type { ExecStatus } from '../../../src/kube/exec-status.js';
import { ExecError } from '../../../src/util/errors.js';

type Script = (io: { stdout: Writable; stderr: Writable; status: (s: ExecStatus) => void; close: () => void; error: (e: unknown) => void }) => void;

/** A transport that opens immediately and then plays `script` on the next tick, like a real socket would. */
function scripted(script: Script): ExecTransport & { closedByClient: () => boolean } {
  let closedByClient = false;
  return {
    closedByClient: () => closedByClient,
    async open(_target, _argv, stdout, stderr, onStatus): Promise<ExecSocket> {
      const closeListeners: (() => void)[] = [];
      const errorListeners: ((e: unknown) => void)[] = [];
      setImmediate(() =>
        script({
          stdout,
          stderr,
          status: onStatus,
          close: () => closeListeners.forEach((l) => l()),
          error: (e) => errorListeners.forEach((l) => l(e)),
        }),
      );
      return {
        onClose: (l) => closeListeners.push(l),
        onError: (l) => errorListeners.push(l),
        close: () => {
          closedByClient = true;
        },
      };
    },
  };
}

const target = { namespace: 'np-1', pod: 'client' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('runExec', () => {
  it('collects stdout and stderr and reads exit code 0 from Success', async () => {
    const transport = scripted(({ stdout, stderr, status, close }) => {
      stdout.write('hello ');
      stdout.write(Buffer.from('world'));
      stderr.write('warn');
      status({ status: 'Success' });
      close();
    });
    expect(await runExec(transport, target, ['echo'], { timeoutMs: 1000 })).to.deep.equal({ exitCode: 0, stdout: 'hello world', stderr: 'warn' });
  });

  it('returns a non-zero exit code as a result', async () => {
    const transport = scripted(({ stderr, status, close }) => {
      stderr.write('curl: (7) Failed to connect');
      status({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
      close();
    });
    const result = await runExec(transport, target, ['curl', 'x'], { timeoutMs: 1000 });
    expect(result.exitCode).to.equal(7);
    expect(result.stderr).to.equal('curl: (7) Failed to connect');
  });

  it('a connection that closes without a status is an ExecError, with the pod diagnosis', async () => {
    const transport = scripted(({ close }) => close());
    const error = await rejection(
      runExec(transport, target, ['curl', 'x'], { timeoutMs: 1000, diagnose: async () => 'pod np-1/client is Pending, container probe is waiting (ContainerCreating)' }),
    );
    expect(error).to.be.instanceOf(ExecError);
    expect((error as ExecError).message).to.equal(
      'exec of curl x in pod np-1/client failed: the connection closed without an exit status (the API server or kubelet dropped it); pod np-1/client is Pending, container probe is waiting (ContainerCreating)',
    );
  });

  it('a failure to connect is an ExecError carrying the websocket error as cause', async () => {
    const wsError = { type: 'error', message: 'Unexpected server response: 404' };
    const transport: ExecTransport = { open: () => Promise.reject(wsError) };
    const error = await rejection(runExec(transport, target, ['true'], { timeoutMs: 1000, diagnose: async () => 'pod np-1/client does not exist' }));
    expect(error).to.be.instanceOf(ExecError);
    expect((error as ExecError).message).to.equal(
      'exec of true in pod np-1/client failed: could not open the exec connection: Unexpected server response: 404; pod np-1/client does not exist',
    );
    expect((error as ExecError).cause).to.equal(wsError);
  });

  it('an error after opening is an ExecError even if a status came first', async () => {
    const transport = scripted(({ error }) => error(new Error('socket hang up')));
    const error = await rejection(runExec(transport, target, ['true'], { timeoutMs: 1000 }));
    expect((error as ExecError).message).to.equal('exec of true in pod np-1/client failed: the connection failed: socket hang up');
  });

  it('times out with an ExecError and closes the socket', async () => {
    const transport = scripted(() => undefined);
    const error = await rejection(runExec(transport, target, ['sleep', '60'], { timeoutMs: 30 }));
    expect(error).to.be.instanceOf(ExecError);
    expect((error as ExecError).message).to.equal('exec of sleep 60 in pod np-1/client failed: it did not finish within 30 ms (no exit status arrived)');
    expect(transport.closedByClient()).to.equal(true);
  });

  it('a diagnosis that fails itself becomes part of the message', async () => {
    const transport: ExecTransport = { open: () => Promise.reject(new Error('ECONNREFUSED')) };
    const error = await rejection(
      runExec(transport, target, ['true'], {
        timeoutMs: 1000,
        diagnose: async () => {
          throw new Error('forbidden');
        },
      }),
    );
    expect((error as ExecError).message).to.contain('(the pod could not be inspected: forbidden)');
  });

  it('an InternalError status (binary missing) is an ExecError, not an exit code', async () => {
    const transport = scripted(({ status, close }) => {
      status({ status: 'Failure', reason: 'InternalError', message: 'exec: "nslookup": executable file not found in $PATH' });
      close();
    });
    const error = await rejection(runExec(transport, target, ['nslookup', 'x'], { timeoutMs: 1000 }));
    expect(error).to.be.instanceOf(ExecError);
    expect((error as ExecError).message).to.contain('executable file not found');
  });
});

describe('explainUpgradeFailure', () => {
  it('says what a refused upgrade status usually means', () => {
    expect(explainUpgradeFailure('Unexpected server response: 403')).to.contain('grant create and get on pods/exec');
    expect(explainUpgradeFailure('Unexpected server response: 400')).to.contain('container name');
    expect(explainUpgradeFailure('Unexpected server response: 404')).to.equal('');
    expect(explainUpgradeFailure('socket hang up')).to.equal('');
  });
});
