/**
 * The report paths of a command (--junit, --json, --markdown), checked before anything runs: a bad output path is
 * a usage error (exit 2), found before a suite is loaded or a cluster touched. Missing directories are created
 * one level at a time (Node's recursive mkdir never returns for a path under /proc), and a report file left by an
 * earlier run is removed (not $GITHUB_STEP_SUMMARY), so a run that ends early never leaves a stale (passing)
 * report for CI to publish.
 */
import { constants } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { escapeControlCharacters, InputError, type InputIssue } from '../util/index.js';
import type { Parsed } from './args.js';

export const REPORT_FLAGS = ['junit', 'json', 'markdown'] as const;

export interface ReportPath {
  flag: (typeof REPORT_FLAGS)[number];
  file: string;
}

export function reportPathsOf(parsed: Parsed): ReportPath[] {
  const paths: ReportPath[] = [];
  for (const flag of REPORT_FLAGS) {
    const value = parsed.values[flag];
    if (typeof value === 'string') paths.push({ flag, file: value });
  }
  return paths;
}

/**
 * Checks every report path, creates missing parent directories and removes reports of earlier runs. Throws one
 * InputError naming each bad path: empty, named by two flags, a directory, or not creatable/writable.
 */
export async function prepareReportPaths(parsed: Parsed, command: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const issues: InputIssue[] = [];
  const byFile = new Map<string, ReportPath>();
  const paths = reportPathsOf(parsed);
  for (const report of paths) {
    const shown = escapeControlCharacters(report.file);
    if (report.file.trim() === '') {
      issues.push({ message: `netpol-e2e ${command}: --${report.flag} needs a file path, got an empty string` });
      continue;
    }
    const absolute = path.resolve(report.file);
    const other = byFile.get(absolute);
    if (other) {
      issues.push({ message: `netpol-e2e ${command}: --${other.flag} and --${report.flag} both write ${shown}; one report would overwrite the other: give each its own file` });
      continue;
    }
    byFile.set(absolute, report);
    const problem = await reportPathProblem(absolute);
    if (problem) issues.push({ message: `netpol-e2e ${command}: --${report.flag} ${shown}: ${problem}` });
  }
  if (issues.length > 0) {
    throw new InputError(issues, { hint: 'pass a writable file path for each report (missing directories are created); nothing was run' });
  }
  // GitHub's job summary file holds what earlier steps wrote: it is never removed.
  const summary = env.GITHUB_STEP_SUMMARY ? path.resolve(env.GITHUB_STEP_SUMMARY) : undefined;
  for (const absolute of byFile.keys()) if (absolute !== summary) await rm(absolute, { force: true });
}

/** Why a report cannot be written to `absolute`, or undefined once its directory exists. */
async function reportPathProblem(absolute: string): Promise<string | undefined> {
  const existing = await statOrUndefined(absolute);
  if (existing?.isDirectory()) return 'is a directory; name a file in it';
  if (existing && !existing.isFile()) return 'exists and is not a regular file';
  const problem = await ensureDirectory(path.dirname(absolute));
  if (problem) return problem;
  try {
    await access(existing ? absolute : path.dirname(absolute), constants.W_OK);
  } catch (error) {
    return `cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return undefined;
}

/** Creates `dir` and its missing parents, one level at a time; a problem text when it cannot. */
async function ensureDirectory(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const info = await statOrUndefined(current);
    if (info) {
      if (!info.isDirectory()) return `its parent ${escapeControlCharacters(current)} is a file, not a directory`;
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      return `its directory ${escapeControlCharacters(level)} cannot be created (${code ?? String(error)})`;
    }
  }
  return undefined;
}

async function statOrUndefined(file: string) {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
