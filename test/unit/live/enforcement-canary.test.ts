import { expect } from 'chai';
import { canaryDenyPolicy, canaryNamespace, runEnforcementCanary } from '../../../src/probe/enforcement-canary.js';
import type { PathProbe } from '../../../src/probe/probe-round.js';
import type { KubeObject, ObjectRef } from '../../../src/kube/types.js';
import type { ProbeResult } from '../../../src/probe/run-probe-batches.js';
import { ClusterError, NotEnforcingError } from '../../../src/util/errors.js';
import { FakeClock } from './fake-clock.js';
import { FakeCluster } from './fake-cluster.js';

/** A policy store plus a probe round that blocks while the canary policy has been in place for `lagMs`. */
function fakes(options: { enforcing: boolean; lagMs: number; baselineBroken?: boolean; neverRestores?: boolean }) {
  const clock = new FakeClock();
  const kube = new FakeCluster({ clock });
  let appliedAt: number | undefined;
  let deletedAt: number | undefined;
  const apply = kube.apply.bind(kube);
  const remove = kube.delete.bind(kube);
  kube.apply = async <T extends KubeObject>(o: T): Promise<T> => {
    if (o.kind === 'NetworkPolicy') appliedAt = clock.now();
    return apply(o);
  };
  kube.delete = async (ref: ObjectRef): Promise<void> => {
    if (ref.kind === 'NetworkPolicy') deletedAt = clock.now();
    return remove(ref);
  };
  const probes: PathProbe[] = [];
  const round = async (batch: readonly PathProbe[]): Promise<Map<string, ProbeResult>> => {
    probes.push(...batch);
    const t = clock.now();
    clock.advance(50);
    let blocked = false;
    if (options.enforcing && appliedAt !== undefined && t - appliedAt >= options.lagMs) blocked = true;
    if (deletedAt !== undefined && t - deletedAt >= options.lagMs && !options.neverRestores) blocked = false;
    if (options.baselineBroken) blocked = true;
    const result: ProbeResult = blocked
      ? { outcome: 'timeout', detail: 'curl exit 28', durationMs: 1000 }
      : { outcome: 'connected', detail: 'curl exit 0, HTTP 200', durationMs: 5 };
    return new Map(batch.map((p) => [p.key, result]));
  };
  return { clock, kube, round, probes };
}

const base = { runId: 'c1', serverIp: '10.244.0.9', timeoutMs: 10_000, probeTimeoutMs: 1000, intervalMs: 100 };

describe('enforcement canary', () => {
  it('measures apply -> blocked and delete -> restored on an enforcing CNI', async () => {
    const f = fakes({ enforcing: true, lagMs: 800 });
    const m = await runEnforcementCanary(f.kube, f.round, { ...base, clock: f.clock });
    expect(m.enforceMs).to.be.within(800, 1000);
    expect(m.restoreMs).to.be.within(800, 1000);
    expect(f.probes.every((p) => p.namespace === canaryNamespace('c1') && p.pod === 'client' && p.target === '10.244.0.9:8080')).to.equal(true);
    expect(await f.kube.get({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: 'netpol-e2e-canary-deny', namespace: canaryNamespace('c1') })).to.equal(undefined);
  });

  it('fails with NotEnforcingError and the evidence when the deny never takes effect', async () => {
    const f = fakes({ enforcing: false, lagMs: 0 });
    const error = await runEnforcementCanary(f.kube, f.round, { ...base, clock: f.clock }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(NotEnforcingError);
    const message = (error as Error).message;
    expect(message).to.contain('the CNI does not enforce NetworkPolicy');
    expect(message).to.match(/\d+ connected; last: curl exit 0, HTTP 200/);
    expect((error as NotEnforcingError).hint).to.match(/CNI that enforces NetworkPolicy/);
  });

  it('a broken baseline is a cluster error, not a verdict about enforcement', async () => {
    const f = fakes({ enforcing: true, lagMs: 0, baselineBroken: true });
    const error = await runEnforcementCanary(f.kube, f.round, { ...base, clock: f.clock }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as Error).message).to.contain('before any policy');
  });

  it('a deny that is never lifted is a cluster error', async () => {
    const f = fakes({ enforcing: true, lagMs: 100, neverRestores: true });
    const error = await runEnforcementCanary(f.kube, f.round, { ...base, clock: f.clock }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ClusterError);
    expect((error as Error).message).to.contain('stayed blocked');
  });

  it('the canary policy denies all ingress to the server only', () => {
    const policy = canaryDenyPolicy('c1') as KubeObject & { spec: Record<string, unknown> };
    expect(policy.spec).to.deep.equal({ podSelector: { matchLabels: { 'netpol-e2e.io/canary-role': 'server' } }, policyTypes: ['Ingress'] });
    expect(policy.metadata.labels).to.include({ 'netpol-e2e.io/run-id': 'c1' });
  });
});
