/**
 * Paths in reports that CI reads (JUnit `file`, `::error file=`, the job summary, the HTML report): relative to
 * the repository root, with forward slashes and no `./`, whatever the user typed (`./suites/x.yaml`, an absolute
 * path, a path relative to a subdirectory). GitHub attaches annotations only to repository-relative paths.
 * The root is the git top level (the nearest directory upwards with a `.git` entry: a directory, or a file in a
 * worktree or submodule), else the working directory. Nothing here runs git.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { RunResult, SuiteResult } from '../results/index.js';

export interface ReportPaths {
  /** The directory relative suite paths were given from (the process' working directory). */
  cwd: string;
  /** The repository root report paths are relative to. */
  root: string;
}

/** The git top level above `cwd` (where a `.git` directory or file is), else `cwd` itself. */
export function findRepositoryRoot(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}

/** Where reports of a process started in `cwd` put their paths. */
export function reportPathsFor(cwd: string): ReportPaths {
  return { cwd: resolve(cwd), root: findRepositoryRoot(cwd) };
}

function toSlashes(path: string): string {
  return path.replace(/\\/g, '/');
}

/**
 * `file` as CI consumers want it: relative to the repository root, forward slashes, no `./`. A file outside
 * the repository keeps its absolute path (no annotation can point there anyway). Without `paths`, only the
 * spelling is normalised.
 */
export function toReportPath(file: string, paths?: ReportPaths): string {
  if (paths === undefined) return toSlashes(file).replace(/^(\.\/)+/, '').replace(/\/\.\//g, '/');
  const absolute = isAbsolute(file) ? resolve(file) : resolve(paths.cwd, file);
  const inRoot = relative(paths.root, absolute);
  if (inRoot === '' || inRoot.startsWith('..') || isAbsolute(inRoot)) return toSlashes(absolute);
  return toSlashes(inRoot);
}

function relocateSuite(suite: SuiteResult, paths?: ReportPaths): SuiteResult {
  const file = toReportPath(suite.file, paths);
  return {
    ...suite,
    file,
    cells: suite.cells.map((cell) => ({ ...cell, position: { ...cell.position, file: toReportPath(cell.position.file, paths) } })),
    matrices: suite.matrices.map((matrix) => ({ ...matrix, position: { ...matrix.position, file: toReportPath(matrix.position.file, paths) } })),
  };
}

/** A copy of the run with every suite, cell and matrix path rewritten by toReportPath. */
export function relocateRun(run: RunResult, paths?: ReportPaths): RunResult {
  const relocated: RunResult = { ...run, suites: run.suites.map((suite) => relocateSuite(suite, paths)) };
  if (run.plannedSuites) relocated.plannedSuites = run.plannedSuites.map((s) => ({ ...s, file: toReportPath(s.file, paths) }));
  return relocated;
}
