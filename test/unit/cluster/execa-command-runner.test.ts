import { expect } from 'chai';
import { createExecaRunner } from '../../../src/cluster/execa-command-runner.js';
import { describeCommand, requireSuccess } from '../../../src/cluster/command-runner.js';
import { CommandError } from '../../../src/util/errors.js';

describe('the execa command runner', () => {
  const runner = createExecaRunner();
  const node = process.execPath;

  it('returns output and a non-zero exit code as data', async () => {
    const result = await runner.run(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect(result).to.deep.include({ exitCode: 3, stdout: 'out', stderr: 'err' });
    expect(result.interrupted).to.equal(undefined);
  });

  it('passes arguments verbatim (no shell)', async () => {
    const result = await runner.run(node, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', 'a b', '$HOME', ';rm -rf /']);
    expect(JSON.parse(result.stdout)).to.deep.equal(['a b', '$HOME', ';rm -rf /']);
  });

  it('reports a missing binary, a timeout and an abort', async () => {
    expect(await runner.run('netpol-e2e-no-such-binary', ['x'])).to.deep.include({ exitCode: undefined, interrupted: 'not-found' });
    expect(await runner.run(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 100 })).to.deep.include({ exitCode: undefined, interrupted: 'timed-out' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await runner.run(node, ['-e', 'setTimeout(() => {}, 10000)'], { signal: controller.signal })).to.deep.include({ interrupted: 'aborted' });
  });

  it('feeds input to stdin', async () => {
    const result = await runner.run(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello' });
    expect(result.stdout).to.equal('hello');
  });
});

describe('requireSuccess', () => {
  it('a failure names the command line, why, and the last output lines', () => {
    const result = { command: 'kind', args: ['create', 'cluster', '--name', 'x y'], exitCode: 1, stdout: '', stderr: 'Creating cluster...\nERROR: failed to create cluster: node(s) already exist' };
    expect(() => requireSuccess(result, 'creating kind cluster x y', 'delete it')).to.throw(
      CommandError,
      'creating kind cluster x y failed: `kind create cluster --name "x y"` exited with code 1:\n    Creating cluster...\n    ERROR: failed to create cluster: node(s) already exist',
    );
    expect(requireSuccess({ ...result, exitCode: 0 }, 'x', 'y')).to.deep.include({ exitCode: 0 });
    expect(describeCommand('kind', ['load', 'docker-image', 'a@sha256:1'])).to.equal('kind load docker-image a@sha256:1');
  });
});
