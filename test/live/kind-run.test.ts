/**
 * `--cluster kind` for real: the CLI creates a 3-node kind cluster from the node image built here (test/kind),
 * installs kube-router as its CNI, runs every example suite and deletes the cluster; a kept cluster is reused,
 * with external sources (clients beside the cluster reaching pods through the node containers); and Ctrl-C while the cluster
 * is created, while probing and while it is deleted leaves no kind cluster, node container, docker network or
 * external container behind.
 *
 * Needs NETPOL_E2E_KIND_NODE_IMAGE and NETPOL_E2E_KIND_KUBE_ROUTER_IMAGE (printed by `npm run kind:images`) and
 * `kind` on PATH (on this machine with test/kind/docker-shim before docker: see test/kind/README.md). Without them
 * the tests are skipped, unless NETPOL_E2E_REQUIRE_KIND=1 (.ci/run), where they fail.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunResult } from '../../src/results/index.js';
import { dockerObjectsOfRun, PROBE_IMAGE, problemsOf, runCli, type CliResult } from './run-live-helpers.js';

const NODE_IMAGE = process.env.NETPOL_E2E_KIND_NODE_IMAGE;
const KUBE_ROUTER_IMAGE = process.env.NETPOL_E2E_KIND_KUBE_ROUTER_IMAGE;
const run = promisify(execFile);
/** Clients outside the cluster against ingress ipBlock peers, to pods and through NodePorts (also run on the local cluster: external-sources.test.ts). */
const EXTERNAL_SOURCES = ['test/fixtures/suites/external-sources/external-sources.yaml', 'test/fixtures/suites/external-sources/nodeport.yaml'];

async function lines(command: string, args: string[]): Promise<string[]> {
  const { stdout } = await run(command, args);
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Everything a kind run can leave on this machine, by cluster name and run id. */
async function leftovers(cluster: string, runId: string, networkBefore: boolean): Promise<string[]> {
  const found: string[] = [];
  if ((await lines('kind', ['get', 'clusters'])).includes(cluster)) found.push(`kind cluster ${cluster}`);
  for (const c of await lines('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}'])) found.push(`node container ${c}`);
  if (!networkBefore && (await lines('docker', ['network', 'ls', '--filter', 'name=^kind$', '--format', '{{.Name}}'])).length > 0) found.push('docker network kind');
  found.push(...(await dockerObjectsOfRun(runId)));
  return found;
}

async function kindNetworkExists(): Promise<boolean> {
  return (await lines('docker', ['network', 'ls', '--filter', 'name=^kind$', '--format', '{{.Name}}'])).length > 0;
}

function kindFlags(cluster: string, runId: string, artifacts: string): string[] {
  return [
    '--cluster', 'kind', '--cluster-name', cluster, '--node-image', NODE_IMAGE as string,
    '--cni', 'kube-router', '--kube-router-image', KUBE_ROUTER_IMAGE as string,
    '--run-id', runId, '--probe-image', PROBE_IMAGE, '--image-pull-policy', 'Never', '--artifacts', artifacts,
  ];
}

function show(cli: CliResult): string {
  return `exit ${cli.code}\nstdout:\n${cli.stdout}\nstderr:\n${cli.stderr}`;
}

describe('live: --cluster kind (3 nodes, kube-router, node image built here)', function () {
  this.timeout(20 * 60_000);
  let dir: string;

  before(async function () {
    if (!NODE_IMAGE || !KUBE_ROUTER_IMAGE) {
      if (process.env.NETPOL_E2E_REQUIRE_KIND === '1') throw new Error('NETPOL_E2E_REQUIRE_KIND=1 but NETPOL_E2E_KIND_NODE_IMAGE / NETPOL_E2E_KIND_KUBE_ROUTER_IMAGE are not set: run npm run kind:images');
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'npe2e-kind-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs every example suite on a fresh cluster: all cells pass, some cross nodes, externals work, nothing is left', async () => {
    const cluster = `npe2e-${Date.now().toString(36)}`;
    const runId = `k${Date.now().toString(36)}`;
    const networkBefore = await kindNetworkExists();
    const json = join(dir, 'run.json');
    const cli = await runCli(['run', 'suites/', ...kindFlags(cluster, runId, join(dir, 'artifacts')), '--json', json, '--markdown', join(dir, 'summary.md')], { kubeconfig: '', timeoutMs: 18 * 60_000 });
    const result = JSON.parse(await readFile(json, 'utf8')) as RunResult;
    // the figures of the run, in the CI log
    console.log(`      kind run: ${(result.durationMs / 1000).toFixed(0)} s; ${result.timings.filter((t) => t.name.startsWith('cluster: ')).map((t) => `${t.name.slice(9)} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}`);
    expect(problemsOf(result), show(cli)).to.deep.equal([]);
    expect(cli.code, show(cli)).to.equal(0);
    expect(result.environment).to.deep.include({ provider: 'kind', cni: 'kube-router', nodes: '3', kubeRouterImage: KUBE_ROUTER_IMAGE });
    const cells = result.suites.flatMap((s) => s.cells);
    const crossed = cells.filter((c) => c.observed !== undefined && c.sourceNode !== undefined && c.targetNode !== undefined && c.sourceNode !== c.targetNode);
    expect(crossed.length, 'cells whose source and target pods ran on different nodes').to.be.greaterThan(0);
    expect(cli.stderr + cli.stdout).to.match(/\d+ of \d+ pod-to-pod cells crossed nodes \(\d nodes\)/);
    // the external targets of egress-guardrails ran on kind's docker network and were probed for real
    const externals = cells.filter((c) => c.target.startsWith('external '));
    expect(externals.length).to.be.greaterThan(0);
    expect(externals.every((c) => c.status === 'passed'), JSON.stringify(externals.map((c) => [c.name, c.status, c.message]))).to.equal(true);
    expect(await leftovers(cluster, runId, networkBefore)).to.deep.equal([]);
  });

  it('--keep keeps the cluster; --reuse runs on it (external sources too) without installing the CNI again and leaves it', async () => {
    const cluster = `npe2e-${Date.now().toString(36)}`;
    const runId = `r${Date.now().toString(36)}`;
    const networkBefore = await kindNetworkExists();
    try {
      const kept = await runCli(['run', 'suites/three-tier.yaml', ...kindFlags(cluster, runId, join(dir, 'artifacts-keep')), '--keep'], { kubeconfig: '', timeoutMs: 12 * 60_000 });
      expect(kept.code, show(kept)).to.equal(0);
      expect(kept.stderr).to.contain(`kept kind cluster ${cluster} (--keep)`);
      expect(await lines('kind', ['get', 'clusters'])).to.include(cluster);
      const reuseFlags = kindFlags(cluster, `${runId}b`, join(dir, 'artifacts-reuse')).filter((_f, i, all) => !['--cluster-name', '--node-image'].includes(all[i] as string) && !['--cluster-name', '--node-image'].includes(all[i - 1] as string));
      const reusedJson = join(dir, 'reused.json');
      const reused = await runCli(['run', 'suites/rollout.yaml', ...EXTERNAL_SOURCES, ...reuseFlags, '--reuse', cluster, '--json', reusedJson], { kubeconfig: '', timeoutMs: 8 * 60_000 });
      expect(reused.code, show(reused)).to.equal(0);
      // external sources on kind: the clients reach the pods through the node containers on their network, with
      // their own addresses (the ipBlock except blocks the scanner only)
      const fromExternals = (JSON.parse(await readFile(reusedJson, 'utf8')) as RunResult).suites.flatMap((s) => s.cells).filter((c) => c.sourceNamespace === 'external');
      expect(fromExternals.map((c) => `${c.assertionId} ${c.status} ${c.observed?.outcome}`)).to.deep.equal([
        'partner-to-web passed connected',
        'scanner-to-web passed timeout',
        'partner-to-admin passed timeout',
        'scanner-to-web-after passed connected',
        'partner-to-web-nodeport passed connected',
        'scanner-to-web-nodeport passed timeout',
        'partner-to-admin-nodeport passed timeout',
        'scanner-to-web-nodeport-after passed connected',
      ]);
      expect(reused.stderr).to.contain('install CNI: skipped: already installed');
      expect(reused.stderr).to.contain(`left kind cluster ${cluster} as it was (--reuse)`);
      expect(await lines('kind', ['get', 'clusters'])).to.include(cluster);
    } finally {
      await run('kind', ['delete', 'cluster', '--name', cluster]);
      if (!networkBefore && (await kindNetworkExists())) await run('docker', ['network', 'rm', 'kind']).catch(() => undefined);
    }
    expect(await leftovers(cluster, runId, networkBefore)).to.deep.equal([]);
    expect(await dockerObjectsOfRun(`${runId}b`)).to.deep.equal([]);
  });

  describe('Ctrl-C leaves nothing behind', () => {
    /** Runs the CLI and sends SIGINT once `when` holds (looked at every half second). */
    async function interrupted(args: string[], when: (output: string, cluster: string, runId: string) => Promise<boolean>): Promise<{ cli: CliResult; left: string[]; signalled: boolean }> {
      const cluster = `npe2e-${Date.now().toString(36)}`;
      const runId = `i${Date.now().toString(36)}`;
      const networkBefore = await kindNetworkExists();
      let signalled = false;
      let output = '';
      let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
      let looking = false;
      const timer = setInterval(() => {
        if (!child || signalled || looking) return;
        looking = true;
        void when(output, cluster, runId)
          .then((yes) => {
            if (yes && !signalled) {
              signalled = true;
              child?.kill('SIGINT');
            }
          })
          .catch(() => undefined)
          .finally(() => (looking = false));
      }, 500);
      try {
        const cli = await runCli([...args, ...kindFlags(cluster, runId, join(dir, `artifacts-${runId}`))], {
          kubeconfig: '',
          timeoutMs: 15 * 60_000,
          onOutput: (text, c) => {
            output += text;
            child = c;
          },
        });
        return { cli, left: await leftovers(cluster, runId, networkBefore), signalled };
      } finally {
        clearInterval(timer);
      }
    }

    it('while the cluster is being created (a node container exists, kind create still runs): exit 130', async () => {
      const { cli, left, signalled } = await interrupted(['run', 'suites/three-tier.yaml'], async (_text, cluster) =>
        !_text.includes('✓ create cluster') && (await lines('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}'])).length > 0);
      expect(signalled, show(cli)).to.equal(true);
      expect(cli.code, show(cli)).to.equal(130);
      expect(left).to.deep.equal([]);
    });

    it('while probing (the external target of egress-guardrails runs): exit 130', async () => {
      const { cli, left, signalled } = await interrupted(['run', 'suites/egress-guardrails.yaml'], async (text, _cluster, runId) =>
        text.includes('✓ wait for CNI') && (await lines('docker', ['ps', '--filter', `label=netpol-e2e.io/run-id=${runId}`, '--format', '{{.Names}}'])).length > 0);
      expect(signalled, show(cli)).to.equal(true);
      expect(cli.code, show(cli)).to.equal(130);
      expect(left).to.deep.equal([]);
    });

    it('while the cluster is being deleted: the deletion completes', async () => {
      const { cli, left, signalled } = await interrupted(['run', 'suites/three-tier.yaml'], async (_text, cluster) => {
        // `kind delete cluster` of this cluster is running
        const procs = await lines('ps', ['-eo', 'args']);
        return procs.some((p) => p.includes(`kind delete cluster --name ${cluster}`));
      });
      expect(signalled, show(cli)).to.equal(true);
      expect(cli.code, show(cli)).to.be.oneOf([0, 130]);
      expect(left).to.deep.equal([]);
    });
  });
});
