/**
 * Records the golden inputs of test/unit/report that no cluster can produce on demand: runs the real live
 * engine (src/run, src/engine) against the in-memory cluster of the unit tests, whose CNI is made unstable during
 * one step so cells come out flaky the way the engine reports them, and writes the JSON report (the RunResult
 * as is) to test/fixtures/golden/runs/. The other inputs there are JSON reports of real runs; README.md beside
 * them lists the commands.
 *
 *   node --import tsx test/support/record-golden-runs.ts
 */
import { writeFile } from 'node:fs/promises';
import { loadCorpus } from '../../src/conformance/index.js';
import { runConformanceLive, runLive } from '../../src/run/index.js';
import { formatJsonReport } from '../../src/report/index.js';
import { loadSuites } from '../../src/suite/index.js';
import { FakeClock } from '../unit/live/fake-clock.js';
import { FakeCluster, type FakeClusterOptions } from '../unit/live/fake-cluster.js';

const OUT = new URL('../fixtures/golden/runs/', import.meta.url);

async function recordFlaky(): Promise<void> {
  const suites = await loadSuites(['test/fixtures/reports/suites/shop.yaml']);
  const clock = new FakeClock();
  const options: FakeClusterOptions = { clock, enforcementDelayMs: 800 };
  const cluster = new FakeCluster(options);
  let unstable = false;
  options.onExec = (namespace) => {
    // During step 1 the "CNI" drops its rules on every other exec: outcomes differ between attempts.
    if (unstable && !namespace.startsWith('netpol-e2e-canary')) options.enforcing = options.enforcing === false;
  };
  const run = await runLive(suites, {
    kube: cluster,
    clock,
    now: () => Date.parse('2026-12-05T09:00:00.000Z'),
    runId: 'flk42',
    externals: { enabled: false },
    reporter: {
      onStepBegin: (_suite: string, step: { index: number }) => {
        unstable = step.index === 1;
        if (!unstable) options.enforcing = true;
      },
      onEnd: () => undefined,
    },
  });
  await writeFile(new URL('live-flaky.json', OUT), formatJsonReport(run));
}

/** Three suites; after the first, probe pods never start: the second's setup error stops the run (the third NOT_RUN). */
async function recordSetupError(): Promise<void> {
  const suites = await loadSuites(['test/fixtures/reports/suites/shop.yaml', 'suites/three-tier.yaml', 'suites/rollout.yaml']);
  const clock = new FakeClock();
  const options: FakeClusterOptions = { clock, enforcementDelayMs: 800 };
  // The canary's pods come up (they answer the first exec); every pod created after that waits on an image.
  options.onExec = () => void (options.waitingReason = 'ErrImageNeverPull');
  const cluster = new FakeCluster(options);
  const run = await runLive(suites, {
    kube: cluster,
    clock,
    now: () => Date.parse('2026-12-05T09:10:00.000Z'),
    runId: 'stp17',
    probeImage: 'registry.example/netpol-e2e/probe:missing',
    externals: { enabled: false },
  });
  await writeFile(new URL('live-setup-error.json', OUT), formatJsonReport(run));
}

/** A live conformance run: a multi-step case, a passing one, and an SCTP case the node cannot run (skipped). */
async function recordConformance(cases: string[]): Promise<void> {
  const corpus = await loadCorpus('test/fixtures/netpol-corpus');
  const clock = new FakeClock();
  const cluster = new FakeCluster({ clock, enforcementDelayMs: 800, brokenProtocol: 'SCTP' });
  const run = await runConformanceLive(corpus, {
    kube: cluster,
    clock,
    now: () => Date.parse('2026-12-05T09:20:00.000Z'),
    runId: 'cnf88',
    cases,
    externals: { enabled: false },
  });
  await writeFile(new URL('live-conformance.json', OUT), formatJsonReport(run));
}

await recordFlaky();
await recordSetupError();
// live-conformance.json comes from the real cluster (README.md); `--fake-conformance` records it here instead.
if (process.argv.includes('--fake-conformance')) {
  await recordConformance(['e2e-deny-ingress-to-updated-pod', 'e2e-default-deny-ingress', 'e2e-sctp-ports']);
}
