/**
 * What `--cluster kind` needs on this machine, checked before anything is created: a reachable Docker daemon and
 * a kind binary (and its version). kubectl is not needed. Each failure says what to install or start.
 */
import type { CommandOptions, CommandRunner } from '../command-runner.js';
import { describeCommand, outputTail } from '../command-runner.js';
import { PreflightError } from '../../util/index.js';
import { KIND_VERSION } from '../versions.js';

export const KIND_INSTALL_DOCS = 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation';
export const DOCKER_INSTALL_DOCS = 'https://docs.docker.com/engine/install/';

/** Returns the Docker server version. */
export async function checkDocker(runner: CommandRunner, options: CommandOptions): Promise<string> {
  const args = ['version', '--format', '{{.Server.Version}}'];
  const result = await runner.run('docker', args, options);
  if (result.interrupted === 'not-found') {
    throw new PreflightError('docker was not found on PATH; kind runs each Kubernetes node as a Docker container', {
      hint: `install Docker (${DOCKER_INSTALL_DOCS}), or run against an existing cluster with --cluster existing --kubeconfig <file>`,
    });
  }
  const version = result.stdout.trim();
  if (result.exitCode !== 0 || version === '') {
    const why = result.interrupted === 'timed-out' ? 'it did not answer in time' : outputTail(result, 3) || `exit code ${result.exitCode}`;
    throw new PreflightError(`the Docker daemon is not reachable (\`${describeCommand('docker', args)}\`): ${why}`, {
      hint: 'start Docker (e.g. `sudo systemctl start docker`); if it runs, give this user access to its socket (the docker group) or set DOCKER_HOST',
    });
  }
  return version;
}

/** Returns kind's version, e.g. `v0.33.0`. */
export async function checkKind(runner: CommandRunner, options: CommandOptions): Promise<string> {
  const result = await runner.run('kind', ['version'], options);
  if (result.interrupted === 'not-found') {
    throw new PreflightError('kind was not found on PATH; --cluster kind (the default of `netpol-e2e run`) creates the cluster with it', {
      hint: `install kind ${KIND_VERSION} (${KIND_INSTALL_DOCS}), or run against an existing cluster with --cluster existing --kubeconfig <file>`,
    });
  }
  const match = /\bv(\d+)\.(\d+)\.(\d+)\S*/.exec(result.stdout);
  if (result.exitCode !== 0 || !match) {
    throw new PreflightError(`\`kind version\` did not report a version: ${outputTail(result, 3) || `exit code ${result.exitCode}`}`, {
      hint: `reinstall kind ${KIND_VERSION} (${KIND_INSTALL_DOCS})`,
    });
  }
  return match[0];
}

/** Names of the kind clusters that exist. */
export async function listKindClusters(runner: CommandRunner, options: CommandOptions): Promise<string[]> {
  const result = await runner.run('kind', ['get', 'clusters'], options);
  if (result.exitCode !== 0) {
    throw new PreflightError(`\`kind get clusters\` failed: ${outputTail(result, 3) || `exit code ${result.exitCode}`}`, {
      hint: 'check that Docker is running and kind can talk to it',
    });
  }
  // kind prints "No kind clusters found." on stderr when there are none; stdout lists one name per line.
  return result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Compares two `vX.Y.Z` versions; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
