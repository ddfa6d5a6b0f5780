/**
 * Golden files under test/fixtures/golden/. `UPDATE_GOLDEN=1` rewrites them from the current output; otherwise a
 * missing or different file fails the test with the first differing line.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));

export function goldenPath(name: string): string {
  return `${GOLDEN_DIR}${name}`;
}

export async function expectGolden(name: string, actual: string): Promise<void> {
  const path = goldenPath(name);
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual, 'utf8');
    return;
  }
  let expected: string;
  try {
    expected = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`golden file ${path} could not be read (${String(error)}); run the tests with UPDATE_GOLDEN=1 to create it`, { cause: error });
  }
  if (actual === expected) return;
  const actualLines = actual.split('\n');
  const expectedLines = expected.split('\n');
  const index = actualLines.findIndex((line, i) => line !== expectedLines[i]);
  const at = index === -1 ? expectedLines.length : index;
  expect(actualLines[at], `${name} differs from its golden file at line ${at + 1} (UPDATE_GOLDEN=1 rewrites it)`).to.equal(expectedLines[at]);
  expect(actual, `${name} differs from its golden file`).to.equal(expected);
}
