/**
 * Testcase identity in the JUnit report: classname and name. CI consumers key testcases by (classname, name):
 * GitLab keeps one of two equal keys, EnricoMi's publisher counts the second as a re-run, mikepenz's retry
 * merge drops one. So every name is unique within its classname: it carries the assertion id (the same
 * connection asserted twice in one step differs only there), and anything still equal gets ` #2`, ` #3`, ...
 * Kept apart from the XML layout so other report shapes (one testcase per matrix row, per mismatching cell)
 * name their testcases the same way.
 */
import type { CellResult } from '../results/index.js';
import { describeCell } from './describe-cell.js';

/** The tool-level <testsuites> name, and the testsuite that holds errors that stopped the whole run. */
export const JUNIT_ROOT_NAME = 'netpol-e2e';

/** Classname of a cell: `netpol-e2e.<suite>.<source namespace>` (Jenkins: package `netpol-e2e.<suite>`). */
export function junitCellClassname(suiteName: string, cell: Pick<CellResult, 'sourceNamespace'>): string {
  return `${JUNIT_ROOT_NAME}.${suiteName}.${cell.sourceNamespace}`;
}

/** Classname of the errors that stopped a suite: in the suite's group, next to its cells. */
export function junitSetupClassname(suiteName: string): string {
  return `${JUNIT_ROOT_NAME}.${suiteName}.setup`;
}

/** Classname of the errors that stopped the whole run. */
export const JUNIT_RUN_SETUP_CLASSNAME = `${JUNIT_ROOT_NAME}.run.setup`;

/** `prod/a -> prod/b:8080/TCP should be allowed [step 1: tighten] (a-to-b)`: the human name plus the assertion id. */
export function junitCellName(cell: CellResult): string {
  return `${describeCell(cell)} (${cell.assertionId})`;
}

/** `setup`, then `setup (2)`, ... for the errors that stopped one suite or the run. */
export function junitSetupName(index: number): string {
  return index === 0 ? 'setup' : `setup (${index + 1})`;
}

/**
 * Makes names unique within each classname, in order: the first keeps its name, later equal ones get ` #2`,
 * ` #3`, ... (skipping any suffixed name that is already taken).
 */
export function uniqueTestcaseNames<T extends { classname: string; name: string }>(testcases: readonly T[]): T[] {
  const taken = new Map<string, Set<string>>();
  const namesOf = (classname: string): Set<string> => {
    let names = taken.get(classname);
    if (!names) {
      names = new Set();
      taken.set(classname, names);
    }
    return names;
  };
  for (const testcase of testcases) namesOf(testcase.classname).add(testcase.name);
  const seen = new Map<string, Set<string>>();
  return testcases.map((testcase) => {
    let names = seen.get(testcase.classname);
    if (!names) {
      names = new Set();
      seen.set(testcase.classname, names);
    }
    if (!names.has(testcase.name)) {
      names.add(testcase.name);
      return testcase;
    }
    const all = namesOf(testcase.classname);
    let n = 2;
    while (all.has(`${testcase.name} #${n}`)) n += 1;
    const name = `${testcase.name} #${n}`;
    all.add(name);
    names.add(name);
    return { ...testcase, name };
  });
}
