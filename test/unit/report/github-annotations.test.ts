import { expect } from 'chai';
import { escapeAnnotationData, escapeAnnotationProperty, formatGithubAnnotations } from '../../../src/report/index.js';
import { liveRun, setupFailedRun, staticVerifyRun } from './fixtures.js';

describe('GitHub annotations', () => {
  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    expect(escapeAnnotationData('100% done\r\nnext: a, b')).to.equal('100%25 done%0D%0Anext: a, b');
    expect(escapeAnnotationProperty('100% done\r\nnext: a, b')).to.equal('100%25 done%0D%0Anext%3A a%2C b');
    // % first: an existing escape sequence in the input must not be taken for one.
    expect(escapeAnnotationData('%0A')).to.equal('%250A');
  });

  it('annotates each failed, error and flaky cell at its suite file and line', () => {
    const lines = formatGithubAnnotations(liveRun());
    expect(lines).to.have.length(5);
    expect(lines.every((line) => line.startsWith('::error file=suites/prod-api.yaml,line='))).to.equal(true);
    expect(lines.map((line) => /line=(\d+)/.exec(line)?.[1])).to.deep.equal(['37', '43', '70', '76', '82']);
    expect(lines.every((line) => !line.includes('\n'))).to.equal(true);
  });

  it('keeps a title with commas and colons inside its property', () => {
    const run = staticVerifyRun();
    const cell = run.suites[0]!.cells[1]!;
    cell.name = 'a, b: c';
    cell.message = 'first line\nsecond, with: colon 50%';
    const line = formatGithubAnnotations(run)[0]!;
    const [command, message] = line.split('::').slice(1);
    expect(command).to.equal('error file=suites/prod-api.yaml,line=37,title=prod-api%3A a%2C b%3A c (failed)');
    expect(message).to.include('%0Asecond, with: colon 50%25%0A');
    expect(command!.split(',')).to.have.length(3);
  });

  it('annotates errors that stopped a suite or the run', () => {
    const lines = formatGithubAnnotations(setupFailedRun());
    expect(lines).to.deep.equal([
      '::error file=suites/prod-api.yaml,line=6,title=netpol-e2e run%3A NOT_ENFORCING::the CNI accepts NetworkPolicy objects but did not enforce a default-deny within 30 s (the positive control still connected)%0Ahint: use a CNI that enforces NetworkPolicy (the kind config of netpol-e2e installs Calico)',
      '::error file=suites/prod-api.yaml,line=6,title=prod-api%3A TIMEOUT::probe pods in namespace prod-q3m9v not Ready after 120 s (2 of 3 Ready; prod/api in ImagePullBackOff for image ghcr.io/netpol-e2e/probe:0.1.0)%0Ahint: preload the probe image into the cluster (kind load docker-image) or check the registry credentials',
    ]);
  });

  it('says nothing for a run that passed', () => {
    const run = staticVerifyRun();
    run.suites = [run.suites[1]!];
    expect(formatGithubAnnotations(run)).to.deep.equal([]);
  });
});

describe('GitHub annotations limit', () => {
  it('writes at most 10 errors (GitHub shows no more per step) and a notice with the rest', () => {
    const run = liveRun();
    const suite = run.suites[0]!;
    suite.cells = [...suite.cells, ...suite.cells, ...suite.cells];
    const lines = formatGithubAnnotations(run);
    expect(lines).to.have.length(11);
    expect(lines.slice(0, 10).every((line) => line.startsWith('::error '))).to.equal(true);
    expect(lines[10]).to.equal(
      '::notice title=5 more failures not annotated::GitHub shows at most 10 error annotations per step; the job summary, JUnit and JSON reports list all 15.',
    );
    expect(formatGithubAnnotations(run, { max: Number.POSITIVE_INFINITY })).to.have.length(15);
  });

  it('annotates at repository-relative paths, whatever the suite path was typed as', () => {
    const run = liveRun();
    run.suites[0]!.file = './deploy/../suites/prod-api.yaml';
    const paths = { cwd: '/repo/sub', root: '/repo' };
    for (const line of formatGithubAnnotations(run, { paths })) {
      if (line.startsWith('::error')) expect(line).to.match(/^::error file=sub\/suites\/prod-api\.yaml,line=\d+,/);
    }
  });
});
