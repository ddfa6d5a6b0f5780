/**
 * The CLI on generated suites: `netpol-e2e verify` (built, from dist/) on the benchmark state written as a suite
 * (generate-suite.ts), with wall time, CPU time and peak RSS; beside it the library figures for the same state
 * (compile + bulk tables, and verify's path: bulk tables plus explanations for the cells that did not pass) and the
 * naive reference in the same run. Figures only: nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CELL, cellOf, compileModel, evaluateFamiliesNaively, type ClusterState, type Endpoint } from '../src/model/index.js';
import { createRandom } from '../test/support/seeded-random.js';
import { BENCH_PORTS, generateState } from './generate-state.js';
import { writeGeneratedSuite } from './generate-suite.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const USAGE_HOOK = path.join(ROOT, 'bench', 'report-usage.mjs');

export interface CliFigures {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  exitCode: number | null;
  summary: string;
}

/** Runs `verify` on one suite file in a child process; the JSON report goes to a temp file (as CI would write it). */
export function runVerify(suiteFile: string, jsonFile: string, extraArgs: readonly string[]): CliFigures {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', USAGE_HOOK, CLI, 'verify', suiteFile, '--json', jsonFile, ...extraArgs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const usageLine = child.stderr.split('\n').find((line) => line.startsWith('NETPOL_E2E_USAGE '));
  if (usageLine === undefined) throw new Error(`verify of ${suiteFile} printed no usage (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
  const usage = JSON.parse(usageLine.slice('NETPOL_E2E_USAGE '.length)) as { maxRssKb: number; userMs: number; systemMs: number };
  const summary = child.stdout.trim().split('\n').at(-1) ?? '';
  return { wallMs, cpuMs: usage.userMs + usage.systemMs, maxRssMb: usage.maxRssKb / 1024, exitCode: child.status, summary };
}

/** The options this build's verify takes for a suite file bigger than the default size limit, if it has one. */
function sizeLimitArgs(): string[] {
  const help = spawnSync(process.execPath, [CLI, 'verify', '--help'], { encoding: 'utf8' }).stdout;
  return help.includes('--max-file-size') ? ['--max-file-size', '64MiB'] : [];
}

function time<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

/** The library on the same state: compile + bulk tables; + explanations of the cells that are not as expected. */
function libraryFigures(state: ClusterState): { bulkMs: number; explainedMs: number; cells: number } {
  const bulk = time(() => {
    const model = compileModel(state);
    return { model, tables: BENCH_PORTS.map((q) => model.evaluateMatrix(q)) };
  });
  // verify's path: the bulk tables, then full verdicts only for cells that are not plainly allowed or denied
  const explained = time(() => {
    let explainedCells = 0;
    for (const table of bulk.value.tables) {
      for (let i = 0; i < table.cells.length && explainedCells < 400; i += 1) {
        const code = table.cells[i];
        if (code === CELL.ALLOW || code === CELL.DENY) continue;
        table.verdicts(Math.floor(i / table.destinations.length), i % table.destinations.length);
        explainedCells += 1;
      }
    }
  });
  return { bulkMs: bulk.ms, explainedMs: bulk.ms + explained.ms, cells: state.pods.length * state.pods.length * BENCH_PORTS.length };
}

/** The naive reference's rate on a seeded sample of the same state (verdicts per second). */
function naiveRate(state: ClusterState, seed: number, samples = 3000): number {
  const random = createRandom(seed);
  const endpoints: Endpoint[] = state.pods.map((p) => ({ kind: 'pod', namespace: p.namespace, name: p.name }));
  const { ms } = time(() => {
    for (let i = 0; i < samples; i += 1) {
      const q = BENCH_PORTS[Math.floor(random() * BENCH_PORTS.length)] as (typeof BENCH_PORTS)[number];
      cellOf(evaluateFamiliesNaively(state, { source: endpoints[Math.floor(random() * endpoints.length)] as Endpoint, destination: endpoints[Math.floor(random() * endpoints.length)] as Endpoint, ...q }));
    }
  });
  return samples / (ms / 1000);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** Prints the CLI section of the benchmark. Returns false when the CLI is not built or a verify crashed. */
export function benchCli(out: (line?: string) => void, seed: number): boolean {
  if (!existsSync(CLI)) {
    out(`CLI benchmark skipped: ${path.relative(ROOT, CLI)} is missing; run npm run build first`);
    return false;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'netpol-e2e-bench-'));
  const extra = sizeLimitArgs();
  let ok = true;
  try {
    out(`CLI: netpol-e2e verify on generated suites (full matrices on ${BENCH_PORTS.map((p) => `${p.port}/${p.protocol}`).join(' and ')}, a few cells flipped; --json to a file${extra.length > 0 ? `; ${extra.join(' ')}` : ''})`);
    out('  suite         file      cells       wall      cpu       peak RSS   exit  | library: compile+bulk  +explain  | naive (extrapolated)  CLI wall vs naive');
    for (const [pods, policies] of [
      [500, 200],
      [2000, 500],
    ] as const) {
      const suite = writeGeneratedSuite(dir, { pods, policies, seed });
      const cli = runVerify(suite.suiteFile, path.join(dir, `report-${pods}.json`), extra);
      if (cli.exitCode !== 0 && cli.exitCode !== 1) ok = false;
      const state = generateState(seed, pods, policies);
      const library = libraryFigures(state);
      const naiveMs = (library.cells / naiveRate(state, seed + pods)) * 1000;
      out(
        `  ${`${pods}/${policies}`.padEnd(10)}  ${`${(suite.bytes / 1e6).toFixed(1)} MB`.padStart(8)}  ${suite.cells.toLocaleString('en-US').padStart(9)}  ${seconds(cli.wallMs).padStart(8)}  ${seconds(cli.cpuMs).padStart(8)}  ${`${cli.maxRssMb.toFixed(0)} MB`.padStart(8)}  ${String(cli.exitCode).padStart(4)}  |  ${seconds(library.bulkMs).padStart(10)}  ${seconds(library.explainedMs).padStart(9)}  |  ${seconds(naiveMs).padStart(10)}  ${`${(naiveMs / cli.wallMs).toFixed(1)}x`.padStart(8)}`,
      );
      out(`      ${cli.summary}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ok;
}
