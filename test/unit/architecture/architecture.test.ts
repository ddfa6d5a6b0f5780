/**
 * The folder map of src/ (docs/architecture.md): each folder may import only from the folders below it, and
 * only through their index.ts. A wrong-way import, or one that reaches into another folder's files, fails here.
 */
import { expect } from 'chai';
import { resolve } from 'node:path';
import { importsOf, sourceFiles, violations, type FolderRules } from './import-graph.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Bottom to top. Keep in step with docs/architecture.md. */
export const FOLDER_RULES: FolderRules = {
  shared: ['version'],
  allowed: {
    util: [],
    model: ['util'],
    results: ['util', 'model'],
    kube: ['util'],
    suite: ['util', 'model'],
    external: ['util', 'model'],
    cluster: ['util', 'kube'],
    report: ['util', 'model', 'results'],
    deploy: ['util', 'model', 'results', 'kube', 'suite', 'external'],
    probe: ['util', 'model', 'results', 'kube', 'deploy'],
    engine: ['util', 'model', 'results', 'kube', 'suite', 'external', 'report', 'deploy', 'probe'],
    lint: ['util', 'model', 'results', 'suite', 'engine'],
    coverage: ['util', 'model', 'results', 'suite', 'engine'],
    diff: ['util', 'model', 'results', 'suite', 'engine', 'report'],
    generate: ['util', 'model', 'results', 'kube', 'suite', 'engine'],
    conformance: ['util', 'model', 'results', 'kube', 'suite', 'deploy', 'probe', 'engine'],
    run: ['util', 'model', 'results', 'kube', 'suite', 'external', 'cluster', 'report', 'deploy', 'probe', 'engine', 'conformance'],
    cli: ['util', 'model', 'results', 'kube', 'suite', 'external', 'cluster', 'report', 'deploy', 'probe', 'engine', 'lint', 'coverage', 'diff', 'generate', 'conformance', 'run'],
    index: ['util', 'model', 'results', 'kube', 'suite', 'external', 'cluster', 'report', 'deploy', 'probe', 'engine', 'lint', 'coverage', 'diff', 'generate', 'conformance', 'run'],
  },
};

describe('architecture: the folder map of src/', () => {
  const edges = sourceFiles(resolve(ROOT, 'src')).flatMap((file) => importsOf(ROOT, file));

  it('reads the imports of every source file (static, type-only and dynamic)', () => {
    expect(edges.some((e) => e.from === 'src/cli/main.ts' && e.to === 'src/cli/commands/run.ts'), 'a dynamic import').to.equal(true);
    expect(edges.some((e) => e.from === 'src/probe/probe-request.ts' && e.to === 'src/results/index.ts'), 'a type-only import').to.equal(true);
  });

  it('has no wrong-way import and every cross-folder import goes through index.ts', () => {
    expect(violations(edges, FOLDER_RULES)).to.deep.equal([]);
  });

  it('the rules are a layering: no two folders may import each other, directly or round a cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      if (done.has(folder)) return;
      if (visiting.has(folder)) {
        cycles.push([...path, folder].join(' -> '));
        return;
      }
      visiting.add(folder);
      for (const next of FOLDER_RULES.allowed[folder] ?? []) visit(next, [...path, folder]);
      visiting.delete(folder);
      done.add(folder);
    };
    for (const folder of Object.keys(FOLDER_RULES.allowed)) visit(folder, []);
    expect(cycles).to.deep.equal([]);
  });

  it('the results are the bottom layer every folder above the model may import', () => {
    for (const [folder, allowed] of Object.entries(FOLDER_RULES.allowed)) {
      if (['util', 'model', 'results', 'kube', 'suite', 'external', 'cluster'].includes(folder)) continue;
      expect(allowed, folder).to.include('results');
    }
  });

  describe('the checker itself', () => {
    it('flags a wrong-way import (the model importing the engine)', () => {
      expect(violations([{ from: 'src/model/compile-model.ts', to: 'src/engine/index.ts' }], FOLDER_RULES)).to.deep.equal([
        'src/model/compile-model.ts imports src/engine/index.ts: model may not depend on engine (allowed: util)',
      ]);
    });

    it('flags an import that bypasses the folder entry', () => {
      expect(violations([{ from: 'src/engine/plan.ts', to: 'src/model/cidr.ts' }], FOLDER_RULES)).to.deep.equal([
        'src/engine/plan.ts imports src/model/cidr.ts: import another folder through its index.ts',
      ]);
    });

    it('flags a folder missing from the map, and accepts imports inside a folder and of shared modules', () => {
      expect(violations([{ from: 'src/newthing/a.ts', to: 'src/util/index.ts' }], FOLDER_RULES)).to.have.length(1);
      expect(violations([{ from: 'src/engine/plan.ts', to: 'src/engine/judge.ts' }, { from: 'src/probe/x.ts', to: 'src/version.ts' }], FOLDER_RULES)).to.deep.equal([]);
    });
  });
});
