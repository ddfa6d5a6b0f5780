/** Shared helpers for the suite loader tests. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { InputError, type InputIssue } from '../../../src/util/errors.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/suites');

/** Awaits a load that must fail with an InputError and returns its issues. */
export async function inputIssues(promise: Promise<unknown>): Promise<readonly InputIssue[]> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(InputError);
    return (error as InputError).issues;
  }
  expect.fail('expected an InputError, but the input loaded');
}

/** The one issue whose message contains `needle` (fails when there is none or several). */
export function issueWith(issues: readonly InputIssue[], needle: string): InputIssue {
  const found = issues.filter((i) => i.message.includes(needle));
  expect(found, `issues containing "${needle}" among:\n${issues.map((i) => `  ${i.message}`).join('\n')}`).to.have.length(1);
  return found[0] as InputIssue;
}

/** `line:col` of an issue, for compact position assertions. */
export function at(issue: InputIssue): string {
  return `${issue.position?.line}:${issue.position?.column}`;
}

/** Writes `files` (relative path -> content) into a fresh temporary directory and returns it. */
export async function tempTree(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netpol-suite-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A small valid suite body, to be extended by tests. */
export const MINIMAL_SUITE = `apiVersion: netpol-e2e/v1
kind: Suite
fixture:
  namespaces:
    - name: prod
      labels: {env: prod}
  workloads:
    - name: client
      namespace: prod
      labels: {app: client}
    - name: api
      namespace: prod
      labels: {app: api}
      ports: [{port: 8080, name: http}, {port: 53, name: dns, protocol: UDP}]
`;
