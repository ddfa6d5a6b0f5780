/**
 * Helpers of the live run tests: the cluster's client, the local probe image, what a run left behind (namespaces
 * and Docker objects carrying its run id), and the CLI run from source (tsx) so the tests need no build.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createKubeClient } from '../../src/kube/kube-client.js';
import type { KubeClient, KubeObject } from '../../src/kube/types.js';
import { LABEL_RUN_ID } from '../../src/kube/types.js';
import type { RunResult, SuiteResult } from '../../src/results/results.js';

export const PROBE_IMAGE = process.env.NETPOL_E2E_PROBE_IMAGE ?? 'localhost/netpol-e2e/probe:k8s-v1.32.13';
export const PULL_POLICY = (process.env.NETPOL_E2E_PULL_POLICY ?? 'IfNotPresent') as 'IfNotPresent' | 'Never' | 'Always';
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ENFORCER_SCRIPT = fileURLToPath(new URL('../cluster/enforcer.sh', import.meta.url));

export function kubeFor(kubeconfig: string): Promise<KubeClient> {
  return createKubeClient({ kubeconfig });
}

/** Namespaces still carrying the run id (Terminating ones included: they are not gone yet). */
export async function namespacesOfRun(kube: KubeClient, runId: string): Promise<string[]> {
  const namespaces = await kube.list<KubeObject>('v1', 'Namespace', { labelSelector: `${LABEL_RUN_ID}=${runId}` });
  return namespaces.map((n) => n.metadata.name);
}

/** Docker containers and networks carrying the run id (empty when there is no Docker). */
export async function dockerObjectsOfRun(runId: string): Promise<string[]> {
  const run = promisify(execFile);
  const found: string[] = [];
  for (const kind of ['container', 'network'] as const) {
    const args = kind === 'container' ? ['ps', '-a', '--filter', `label=${LABEL_RUN_ID}=${runId}`, '--format', '{{.Names}}'] : ['network', 'ls', '--filter', `label=${LABEL_RUN_ID}=${runId}`, '--format', '{{.Name}}'];
    try {
      const { stdout } = await run('docker', args);
      found.push(...stdout.split('\n').filter(Boolean).map((n) => `${kind} ${n}`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
  return found;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `netpol-e2e <args>` from source. `onStdout` sees output as it comes (e.g. to send SIGINT at the right
 * moment); it gets the child to signal it.
 */
export function runCli(
  args: string[],
  options: { kubeconfig: string; timeoutMs: number; onOutput?: (text: string, child: { kill(signal: NodeJS.Signals): boolean }) => void },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, KUBECONFIG: options.kubeconfig, NO_COLOR: '1', GITHUB_ACTIONS: '', CI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const seen = (text: string): void => options.onOutput?.(text, child);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      seen(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      seen(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`netpol-e2e ${args.join(' ')} did not finish within ${options.timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The flags every CLI run of these tests needs to use the local cluster and image. */
export function liveFlags(runId: string, artifacts: string): string[] {
  return ['--run-id', runId, '--probe-image', PROBE_IMAGE, '--image-pull-policy', PULL_POLICY, '--artifacts', artifacts];
}

/** Every cell that is neither passed nor skipped, as `<suite>: <cell>: <status>\n<message>`. */
export function problemsOf(result: RunResult): string[] {
  return result.suites.flatMap((s) =>
    s.cells.filter((c) => c.status !== 'passed' && c.status !== 'skipped').map((c) => `${s.name}: ${c.name}: ${c.status}\n${c.message}`),
  );
}

/**
 * Suites whose only trouble is a flaky cell (no failed or unjudgeable one). The local dataplane has been seen to
 * drop an allowed path for a few seconds, rarely: the live tests run such suites once more, alone, and require
 * them to pass, printing the flake so it is seen. A failed or errored cell is never retried.
 */
export function flakyOnlySuites(result: RunResult): SuiteResult[] {
  return result.suites.filter(
    (s) => s.cells.some((c) => c.status === 'flaky') && s.cells.every((c) => c.status === 'passed' || c.status === 'skipped' || c.status === 'flaky'),
  );
}

export function reportFlakes(result: RunResult, where: string): void {
  for (const line of problemsOf(result)) console.log(`      flaky on the first run, run again (${where}): ${line.replace(/\n/g, ' | ')}`);
}
