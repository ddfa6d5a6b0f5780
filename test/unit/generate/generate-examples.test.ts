/**
 * `generate` on real policies: every example suite's policy directory and every policy set of the upstream
 * corpus (each step of each case) produce suites that load, verify and whose matrices equal the model's.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCorpus, type Corpus } from '../../../src/conformance/index.js';
import { expectVerifiesAndMatchesModel, generateAndLoad, writePolicies } from '../../support/generated-suite-checks.js';

const EXAMPLES = readdirSync('suites').filter((name) => statSync(path.join('suites', name)).isDirectory());
const CORPORA = ['test/fixtures/netpol-corpus', '/work/shared/netpol-corpus'].filter((dir) => {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
});

describe('generate on the example suites\' policies', function () {
  this.timeout(20_000);
  it('finds every example directory', () => expect(EXAMPLES.length).to.be.at.least(7));
  for (const name of EXAMPLES) {
    it(`suites/${name}/ -> a suite that verifies and equals the model`, async () => {
      const { suite, text } = await generateAndLoad([path.join('suites', name)], name);
      expect(expectVerifiesAndMatchesModel(suite, text)).to.be.greaterThan(0);
    });
  }
});

for (const dir of CORPORA) {
  describe(`generate on the corpus policies (${dir})`, function () {
    this.timeout(60_000);
    let corpus: Corpus;
    before(async () => {
      corpus = await loadCorpus(dir);
    });
    it('every step of every case -> a suite that verifies and equals the model', async () => {
      let suites = 0;
      for (const testCase of corpus.cases) {
        const policySets = testCase.kind === 'matrix' ? testCase.steps.map((s) => s.state.policies) : [testCase.policies];
        for (const [i, policies] of policySets.entries()) {
          if (policies.length === 0) continue;
          const file = await writePolicies(policies);
          const { suite, text } = await generateAndLoad([file], `c${suites}`);
          try {
            expectVerifiesAndMatchesModel(suite, text);
          } catch (error) {
            throw new Error(`${testCase.name} step ${i + 1}: ${(error as Error).message}`, { cause: error });
          }
          suites += 1;
        }
      }
      expect(suites).to.be.at.least(36);
    });
  });
}
