/**
 * Suite loading benchmark: loading, validation and id assignment must grow linearly with the suite. It writes
 * suites of 1k, 10k and 100k assertions (without ids, all with the same derived id: the worst case for id
 * assignment) and policy files of 200 and 2,000 policies, loads each with loadSuite, and prints the time per
 * assertion (per policy) at each size and its ratio to the smallest size measured in the same run. Flat ratios
 * (about 1) mean linear; a quadratic step would show ratios near 10 and 100.
 *
 *   node --import tsx bench/load-bench.ts [--runs 3] [--sizes 1000,10000,100000]
 *
 * Prints figures only and asserts nothing about time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSuite } from '../src/suite/index.js';

const HEAD = `apiVersion: netpol-e2e/v1
kind: Suite
name: load-bench
fixture:
  namespaces: [{name: prod, labels: {env: prod}}]
  workloads:
    - {name: web, namespace: prod, labels: {app: web}, ports: [{port: 80, name: http}]}
    - {name: api, namespace: prod, labels: {app: api}, ports: [{port: 8080, name: http}]}
`;

function suiteText(assertions: number): string {
  const lines = [HEAD, 'assertions:\n'];
  for (let i = 0; i < assertions; i += 1) {
    lines.push(i % 2 === 0 ? '  - {from: prod/web, to: prod/api, port: http, expect: allow}\n' : '  - {from: prod/api, to: prod/web, port: 80, expect: deny}\n');
  }
  return lines.join('');
}

function policyFileText(policies: number): string {
  const documents: string[] = [];
  for (let i = 0; i < policies; i += 1) {
    documents.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p${i}, namespace: prod}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 8080}]
`);
  }
  return documents.join('---\n');
}

async function bestOf(runs: number, load: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await load();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

interface Row {
  label: string;
  count: number;
  ms: number;
  perItemUs: number;
}

function printTable(title: string, unit: string, units: string, rows: Row[]): void {
  const base = rows[0]?.perItemUs ?? 1;
  console.log(`\n${title}`);
  console.log(`| size | file | load (best) | per ${unit} | ratio to ${rows[0]?.label ?? 'first'} |`);
  console.log('|---|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.count.toLocaleString('en-US')} ${units} | ${row.label} | ${row.ms.toFixed(0)} ms | ${row.perItemUs.toFixed(1)} µs | ${(row.perItemUs / base).toFixed(2)}× |`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, sizes: { type: 'string' } } });
  const runs = Number(values.runs ?? 3);
  const sizes = (values.sizes ?? '1000,10000,100000').split(',').map(Number);
  const dir = await mkdtemp(path.join(tmpdir(), 'netpol-load-bench-'));
  try {
    const assertionRows: Row[] = [];
    for (const size of sizes) {
      const text = suiteText(size);
      const file = path.join(dir, `suite-${size}.yaml`);
      await writeFile(file, text);
      // The largest size once per run is enough to see the trend, and keeps the benchmark short on 2 cores.
      const ms = await bestOf(size >= 100_000 ? Math.min(runs, 2) : runs, () => loadSuite(file));
      assertionRows.push({ label: `${(text.length / 1024 / 1024).toFixed(1)} MiB`, count: size, ms, perItemUs: (ms * 1000) / size });
    }
    printTable('Suite load (read, parse, validate, assign ids), assertions without ids', 'assertion', 'assertions', assertionRows);

    const policyRows: Row[] = [];
    for (const count of [200, 2000]) {
      await writeFile(path.join(dir, `policies-${count}.yaml`), policyFileText(count));
      const file = path.join(dir, `policy-suite-${count}.yaml`);
      await writeFile(file, `${HEAD}policies: [policies-${count}.yaml]\nassertions:\n  - {from: prod/web, to: prod/api, port: http, expect: allow}\n`);
      const ms = await bestOf(runs, () => loadSuite(file));
      policyRows.push({ label: `${count} documents`, count, ms, perItemUs: (ms * 1000) / count });
    }
    printTable('Policy file load (one multi-document file)', 'policy', 'policies', policyRows);
    console.log(`\nNode ${process.version}, best of ${runs} runs per size (100k: best of ${Math.min(runs, 2)}).`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
