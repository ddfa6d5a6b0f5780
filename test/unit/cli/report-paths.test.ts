/** Report paths are checked before a run; earlier reports are removed, except GitHub's job summary. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { prepareReportPaths } from '../../../src/cli/report-paths.js';
import { InputError } from '../../../src/util/errors.js';

describe('cli/report-paths', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netpol-report-paths-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const parsed = (values: Record<string, string>) => ({ values, positionals: [] });

  it('creates missing directories, removes an old JUnit report, keeps $GITHUB_STEP_SUMMARY', async () => {
    const junit = path.join(dir, 'old.xml');
    const summary = path.join(dir, 'summary.md');
    writeFileSync(junit, '<testsuites/>');
    writeFileSync(summary, '# earlier step');
    await prepareReportPaths(parsed({ junit, markdown: summary, json: path.join(dir, 'a/b/c.json') }), 'verify', { GITHUB_STEP_SUMMARY: summary });
    expect(existsSync(junit)).to.equal(false);
    expect(existsSync(summary)).to.equal(true);
    expect(existsSync(path.join(dir, 'a/b'))).to.equal(true);
  });

  it('refuses a directory, a path under a file, an empty path and one file for two reports, all at once', async () => {
    mkdirSync(path.join(dir, 'adir'));
    writeFileSync(path.join(dir, 'afile'), '');
    try {
      await prepareReportPaths(parsed({ junit: path.join(dir, 'adir'), json: path.join(dir, 'afile/x.json'), markdown: '' }), 'verify');
      expect.fail('expected an InputError');
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).issues.map((i) => i.message)).to.deep.equal([
        `netpol-e2e verify: --junit ${path.join(dir, 'adir')}: is a directory; name a file in it`,
        `netpol-e2e verify: --json ${path.join(dir, 'afile/x.json')}: its parent ${path.join(dir, 'afile')} is a file, not a directory`,
        'netpol-e2e verify: --markdown needs a file path, got an empty string',
      ]);
    }
  });
});
