/**
 * Checks a generated suite the way a user relies on it: it loads and verifies (exit 0 in the CLI), and every
 * matrix equals what the naive reference model computes independently (asserted cells; `?` exactly where pod
 * IPs would decide).
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { stringifyAsKubectl } from '../../src/util/yaml/index.js';
import { verifySuites } from '../../src/engine/verify.js';
import { countRun, runPassed } from '../../src/results/index.js';
import { modelStateFor, planSuite } from '../../src/engine/plan.js';
import { generateFromFiles } from '../../src/generate/index.js';
import { createNaiveModel, dependsOnPodIps } from '../../src/model/index.js';
import type { NetworkPolicy } from '../../src/model/types.js';
import { loadSuite } from '../../src/suite/index.js';
import type { Suite } from '../../src/suite/types.js';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Writes policies as one multi-document file in a fresh directory; returns the file. */
export async function writePolicies(policies: readonly NetworkPolicy[], dir?: string): Promise<string> {
  const where = dir ?? (await tempDir('netpol-gen-policies-'));
  const file = path.join(where, 'policies.yaml');
  await writeFile(file, policies.map((p) => stringifyAsKubectl(p)).join('---\n'), 'utf8');
  return file;
}

/**
 * Copies the policy files or directories `paths` into a fresh directory, generates a suite there from the copies
 * (a suite's files stay inside its root), then loads it.
 */
export async function generateAndLoad(paths: readonly string[], name = 'generated'): Promise<{ suite: Suite; text: string; file: string }> {
  const outDir = await tempDir('netpol-gen-suite-');
  const copies: string[] = [];
  for (const [i, source] of paths.entries()) {
    const copy = `input-${i}-${path.basename(source)}`;
    await cp(source, path.join(outDir, copy), { recursive: true });
    copies.push(copy);
  }
  const file = path.join(outDir, `${name}.yaml`);
  const { text } = await generateFromFiles(copies, { name, cwd: outDir, suiteDir: outDir });
  await writeFile(file, text, 'utf8');
  return { suite: await loadSuite(file), text, file };
}

/** The suite verifies, and its matrices equal the naive model's. Returns the number of asserted matrix cells. */
export function expectVerifiesAndMatchesModel(suite: Suite, text: string): number {
  const run = verifySuites([suite]);
  const failures = run.suites.flatMap((s) => s.cells).filter((c) => c.status === 'failed' || c.status === 'error');
  expect(failures.map((c) => `${c.name}: ${c.message ?? ''}`), text).to.deep.equal([]);
  expect(runPassed(run), text).to.equal(true);
  expect(countRun(run).passed, 'passed cells').to.be.greaterThan(0);
  let asserted = 0;
  for (const plan of planSuite(suite)) {
    const naive = createNaiveModel(modelStateFor(suite, plan));
    const matrices = plan.step.assertions.filter((a) => a.kind === 'matrix');
    expect(matrices.length, 'matrices').to.be.greaterThan(0);
    for (const matrix of matrices) {
      const firstColumn = suite.fixture.workloads.find((w) => w.namespace === matrix.columns[0]?.namespace && w.name === matrix.columns[0]?.name);
      const named = firstColumn?.ports.find((p) => p.name === matrix.port && p.protocol === matrix.protocol);
      const port = typeof matrix.port === 'number' ? matrix.port : (named?.port as number);
      expect(matrix.rows.length, `${matrix.id} rows = every workload`).to.equal(suite.fixture.workloads.length);
      matrix.rows.forEach((row, r) => {
        matrix.columns.forEach((column, c) => {
          const verdict = naive.evaluate({
            source: { kind: 'pod', namespace: row.namespace, name: row.name },
            destination: { kind: 'pod', namespace: column.namespace, name: column.name },
            port,
            protocol: matrix.protocol,
          });
          const symbol = matrix.expected[r]?.[c];
          const where = `${matrix.id} ${row.namespace}/${row.name} -> ${column.namespace}/${column.name}`;
          const diagonal = row.namespace === column.namespace && row.name === column.name;
          if (diagonal || dependsOnPodIps(verdict)) expect(symbol, where).to.equal('skip');
          else {
            expect(symbol, where).to.equal(verdict.allowed ? 'allow' : 'deny');
            asserted += 1;
          }
        });
      });
    }
  }
  return asserted;
}
