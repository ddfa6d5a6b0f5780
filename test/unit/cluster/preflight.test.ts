import { expect } from 'chai';
import { checkDocker, checkKind, compareVersions, listKindClusters } from '../../../src/cluster/kind/preflight.js';
import { PreflightError } from '../../../src/util/errors.js';
import { RecordingRunner, type CommandReply } from './fakes.js';

const options = { timeoutMs: 1000 };

async function preflightError(promise: Promise<unknown>): Promise<PreflightError> {
  const error = await promise.then(
    () => expect.fail('expected a PreflightError'),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(PreflightError);
  return error as PreflightError;
}

const replying = (reply: CommandReply) => new RecordingRunner(() => reply);

describe('kind preflight', () => {
  it('checkDocker asks the daemon for its version (argv, not a shell string)', async () => {
    const runner = replying({ stdout: '28.2.2\n' });
    expect(await checkDocker(runner, options)).to.equal('28.2.2');
    expect(runner.calls).to.deep.equal([{ command: 'docker', args: ['version', '--format', '{{.Server.Version}}'], options }]);
  });

  it('docker missing: says kind needs it and how to get it or avoid it', async () => {
    const error = await preflightError(checkDocker(replying({ exitCode: undefined, interrupted: 'not-found' }), options));
    expect(error.message).to.equal('docker was not found on PATH; kind runs each Kubernetes node as a Docker container');
    expect(error.hint).to.contain('https://docs.docker.com/engine/install/');
    expect(error.hint).to.contain('--cluster existing');
    expect(error.code).to.equal('PREFLIGHT');
  });

  it('daemon down: quotes docker and says how to start it or get access', async () => {
    const error = await preflightError(
      checkDocker(replying({ exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }), options),
    );
    expect(error.message).to.equal(
      'the Docker daemon is not reachable (`docker version --format {{.Server.Version}}`): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    );
    expect(error.hint).to.contain('docker group');
  });

  it('checkKind reads the version; missing kind points at the install docs and the pinned version', async () => {
    expect(await checkKind(replying({ stdout: 'kind v0.33.0 go1.24.6 linux/amd64' }), options)).to.equal('v0.33.0');
    const error = await preflightError(checkKind(replying({ exitCode: undefined, interrupted: 'not-found' }), options));
    expect(error.message).to.contain('kind was not found on PATH');
    expect(error.hint).to.contain('install kind v0.33.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)');
    const garbled = await preflightError(checkKind(replying({ stdout: 'hello' }), options));
    expect(garbled.message).to.contain('did not report a version');
  });

  it('listKindClusters reads one name per line', async () => {
    expect(await listKindClusters(replying({ stdout: 'a\nnetpol-e2e\n' }), options)).to.deep.equal(['a', 'netpol-e2e']);
    expect(await listKindClusters(replying({ stdout: '', stderr: 'No kind clusters found.' }), options)).to.deep.equal([]);
  });

  it('compareVersions orders releases', () => {
    expect(compareVersions('v0.33.0', 'v0.33.0')).to.equal(0);
    expect(compareVersions('v0.30.0', 'v0.33.0')).to.be.lessThan(0);
    expect(compareVersions('v1.0.0', 'v0.33.0')).to.be.greaterThan(0);
  });
});
