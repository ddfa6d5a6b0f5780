/**
 * The owner of a live run (runLive with a cluster provider): provisions, runs, releases, calls every reporter
 * hook from onBegin to onEnd, and returns every failure as data in the RunResult.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { ClusterProvider, ProvisionContext, ProvisionedCluster, ReleaseOutcome } from '../../../src/cluster/index.js';
import type { KubeClient } from '../../../src/kube/index.js';
import type { Reporter } from '../../../src/report/index.js';
import type { RunResult } from '../../../src/results/index.js';
import { runLive, type RunProgress } from '../../../src/run/index.js';
import { loadSuites, type Suite } from '../../../src/suite/index.js';
import { ClusterError, KubeApiError } from '../../../src/util/index.js';
import { FakeClock } from '../live/fake-clock.js';
import { FakeCluster } from '../live/fake-cluster.js';

class FakeProvider implements ClusterProvider {
  readonly name = 'existing' as const;
  released = 0;
  runDir: string | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly behaviour: { provisionError?: Error; releaseError?: Error } = {},
  ) {}

  async provision(context: ProvisionContext): Promise<ProvisionedCluster> {
    this.runDir = context.runDir;
    if (this.behaviour.provisionError) throw this.behaviour.provisionError;
    return {
      provider: 'existing',
      client: this.client,
      kubeconfigPath: undefined,
      dockerNetwork: undefined,
      environment: { cluster: 'fake cluster' },
      timings: [{ name: 'connect', ms: 42 }],
      release: async (): Promise<ReleaseOutcome> => {
        this.released += 1;
        if (this.behaviour.releaseError) throw this.behaviour.releaseError;
        return { deleted: false, detail: 'left the existing cluster as it was' };
      },
    };
  }
}

function recordingReporter(hooks: string[], ends: RunResult[]): Reporter {
  return {
    onBegin: (info) => void hooks.push(`begin ${info.command} ${info.runId} ${info.suites.join(',')}`),
    onSuiteEnd: (suite) => void hooks.push(`suite ${suite.name}`),
    onEnd: (run) => {
      hooks.push('end');
      ends.push(run);
    },
  };
}

describe('runLive owns the run from provisioning to release', () => {
  let rollout: Suite;
  before(async () => {
    [rollout] = (await loadSuites(['suites/rollout.yaml'])) as [Suite];
  });

  it('provisions, runs, releases, reports every hook and returns the result with the cluster facts', async () => {
    const clock = new FakeClock();
    const provider = new FakeProvider(new FakeCluster({ clock, enforcementDelayMs: 500 }));
    const hooks: string[] = [];
    const ends: RunResult[] = [];
    const released: ReleaseOutcome[] = [];
    const progress: RunProgress = { provisioning: (name) => void hooks.push(`provisioning ${name}`), released: (o) => void released.push(o) };
    const result = await runLive([rollout], { cluster: provider, clock, runId: 'own1', externals: { enabled: false }, progress, reporter: recordingReporter(hooks, ends) });
    expect(hooks).to.deep.equal(['begin run own1 rollout', 'provisioning existing', 'suite rollout', 'end']);
    expect(ends).to.deep.equal([result]);
    expect(result.errors).to.deep.equal([]);
    expect(result.environment.cluster).to.equal('fake cluster');
    expect(result.environment['run id']).to.equal('own1');
    expect(result.timings[0]).to.deep.equal({ name: 'cluster: connect', ms: 42 });
    expect(provider.released).to.equal(1);
    expect(released).to.deep.equal([{ deleted: false, detail: 'left the existing cluster as it was' }]);
    expect(existsSync(provider.runDir as string), 'the run directory is removed').to.equal(false);
  });

  it('a cluster that cannot be provisioned: the error is data, onEnd still gets the result, nothing to release', async () => {
    const clock = new FakeClock();
    const provider = new FakeProvider(new FakeCluster({ clock }), { provisionError: new ClusterError('kind create cluster failed', { hint: 'look at docker' }) });
    const hooks: string[] = [];
    const ends: RunResult[] = [];
    const result = await runLive([rollout], { cluster: provider, clock, runId: 'own2', reporter: recordingReporter(hooks, ends) });
    expect(result.errors).to.deep.equal([{ code: 'CLUSTER', message: 'kind create cluster failed', hint: 'look at docker' }]);
    expect(result.runId).to.equal('own2');
    expect(result.suites).to.deep.equal([]);
    expect(hooks).to.deep.equal(['begin run own2 rollout', 'end']);
    expect(provider.released).to.equal(0);
  });

  it('a cluster that cannot be released: an error of the run, after the suites', async () => {
    const clock = new FakeClock();
    const provider = new FakeProvider(new FakeCluster({ clock, enforcementDelayMs: 500 }), { releaseError: new KubeApiError('connection refused') });
    const result = await runLive([rollout], { cluster: provider, clock, runId: 'own3', externals: { enabled: false } });
    expect(result.suites[0]?.errors).to.deep.equal([]);
    expect(result.errors).to.deep.equal([{ code: 'KUBE_API', message: 'the cluster could not be released: connection refused' }]);
  });

  it('an interrupt during provisioning is an INTERRUPTED error, and the cluster is released', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const provider = new FakeProvider(new FakeCluster({ clock }));
    const progress: RunProgress = { provisioning: () => controller.abort('SIGINT') };
    const result = await runLive([rollout], { cluster: provider, clock, runId: 'own4', signal: controller.signal, progress });
    expect(result.errors.map((e) => e.code)).to.deep.equal(['INTERRUPTED']);
    expect(result.suites).to.deep.equal([]);
    expect(provider.released).to.equal(1);
  });

  it('takes a cluster selection too: a contradiction is thrown as bad input before anything starts', async () => {
    const hooks: string[] = [];
    const error = await runLive([rollout], { cluster: { cluster: 'existing', workers: 3 }, reporter: recordingReporter(hooks, []) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.contain('workers: only applies to --cluster kind');
    expect(hooks).to.deep.equal([]);
  });
});
