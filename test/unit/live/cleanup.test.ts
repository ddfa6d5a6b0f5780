import { expect } from 'chai';
import { cleanupRuns } from '../../../src/deploy/index.js';
import { runLabels } from '../../../src/deploy/run-labels.js';
import { startExternalTargets } from '../../../src/external/index.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';
import { FakeDocker } from './fake-docker.js';

describe('cleanupRuns', () => {
  async function cluster(): Promise<FakeCluster> {
    const clock = new FakeClock();
    const kube = new FakeCluster({ clock, foreignNamespaces: ['prod'] });
    const ns = (name: string, labels: Record<string, string>, created: string) =>
      kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, creationTimestamp: created } });
    await ns('old-run-a', runLabels('old'), '2024-01-01T00:00:00Z');
    await ns('new-run-a', runLabels('new'), '2024-01-01T02:00:00Z');
    await ns('looks-alike', { 'netpol-e2e.io/run-id': 'old' }, '2024-01-01T00:00:00Z');
    await kube.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'old-run-a' }, spec: { containers: [] } });
    return kube;
  }

  it('deletes only namespaces carrying both run labels, with what is in them', async () => {
    const kube = await cluster();
    const result = await cleanupRuns(kube, { docker: false, clock: new FakeClock() });
    expect(result.deleted.sort()).to.deep.equal(['namespace new-run-a', 'namespace old-run-a']);
    expect(kube.objects.size).to.equal(2); // prod and looks-alike remain, the pod went with its namespace
  });

  it('can be limited to one run, or to runs older than a bound', async () => {
    const kube = await cluster();
    expect((await cleanupRuns(kube, { runId: 'new', docker: false, clock: new FakeClock() })).deleted).to.deep.equal(['namespace new-run-a']);
    const kube2 = await cluster();
    const now = () => Date.parse('2024-01-01T02:30:00Z');
    expect((await cleanupRuns(kube2, { olderThan: 3_600_000, now, docker: false, clock: new FakeClock() })).deleted).to.deep.equal(['namespace old-run-a']);
  });

  it('sweeps the runs\' external containers and networks too', async () => {
    const kube = await cluster();
    const docker = new FakeDocker();
    await startExternalTargets(docker, [{ name: 'ext', ip: '192.0.2.10', ports: [] }], { runId: 'old', image: 'i', labels: runLabels('old') });
    const result = await cleanupRuns(kube, { docker, runId: 'old', clock: new FakeClock() });
    expect(result.deleted).to.include.members(['namespace old-run-a', 'docker container netpol-e2e-old-ext', 'docker network netpol-e2e-old-ext1']);
    expect(docker.containers.size).to.equal(0);
  });

  it('says when Docker was not looked at', async () => {
    const kube = await cluster();
    const result = await cleanupRuns(kube, { clock: new FakeClock() });
    expect(result.notes[0]).to.match(/docker was not checked/);
  });
});
