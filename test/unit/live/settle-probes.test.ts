import { expect } from 'chai';
import { settleProbes } from '../../../src/probe/settle-probes.js';
import type { Outcome } from '../../../src/results/results.js';
import type { ProbeResult } from '../../../src/probe/run-probe-batches.js';
import { FakeClock } from './fake-clock.js';

/** A network whose outcome per key is a function of time since the change. */
function network(clock: FakeClock, outcomeAt: (key: string, ms: number) => Outcome) {
  const start = clock.now();
  let rounds = 0;
  const probe = async (keys: readonly string[]): Promise<Map<string, ProbeResult>> => {
    rounds += 1;
    const t = clock.now() - start;
    clock.advance(200); // a round takes time
    return new Map(keys.map((k) => [k, { outcome: outcomeAt(k, t), detail: `at ${t}`, durationMs: 200 }]));
  };
  return { probe, rounds: () => rounds };
}

const expectDeny = (_key: string, r: ProbeResult): boolean => r.outcome === 'timeout';

describe('settleProbes', () => {
  it('waits until the expectations hold, and reports when results stopped changing', async () => {
    const clock = new FakeClock();
    const net = network(clock, (_k, t) => (t >= 3000 ? 'timeout' : 'connected'));
    const result = await settleProbes(['a', 'b'], net.probe, expectDeny, { clock, minSettleMs: 1000, deadlineMs: 10_000, intervalMs: 500, confirmRounds: 1 });
    expect(result.settled).to.equal(true);
    expect(result.settleMs).to.be.within(3000, 3800);
    expect(result.probes.get('a')?.history).to.deep.equal(['timeout', 'timeout']);
  });

  it('does not accept results observed before the measured enforcement time', async () => {
    const clock = new FakeClock();
    // expected "allowed" holds at first, then the (slow) policy wrongly blocks it
    const net = network(clock, (_k, t) => (t >= 1500 ? 'timeout' : 'connected'));
    const result = await settleProbes(['a'], net.probe, (_k, r) => r.outcome === 'connected', {
      clock,
      minSettleMs: 2000,
      deadlineMs: 6000,
      intervalMs: 500,
      confirmRounds: 1,
    });
    expect(result.settled).to.equal(false);
    expect(result.probes.get('a')?.result.outcome).to.equal('timeout');
  });

  it('gives up at the deadline and keeps the last outcome', async () => {
    const clock = new FakeClock();
    const net = network(clock, () => 'connected');
    const result = await settleProbes(['a'], net.probe, expectDeny, { clock, minSettleMs: 500, deadlineMs: 4000, intervalMs: 500, confirmRounds: 1 });
    expect(result.settled).to.equal(false);
    expect(clock.now()).to.be.within(4000, 5500);
    expect(result.probes.get('a')?.history).to.deep.equal(['connected', 'connected']);
  });

  it('a path whose outcome changes in the confirmation round has both outcomes in its history (flaky)', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const probe = async (keys: readonly string[]): Promise<Map<string, ProbeResult>> => {
      calls += 1;
      clock.advance(100);
      return new Map(keys.map((k) => [k, { outcome: k === 'wobbly' && calls % 2 === 0 ? 'connected' : 'timeout', detail: '', durationMs: 1 } as ProbeResult]));
    };
    const result = await settleProbes(['steady', 'wobbly'], probe, expectDeny, { clock, minSettleMs: 0, deadlineMs: 5000, intervalMs: 100, confirmRounds: 2 });
    expect(result.probes.get('steady')?.history).to.deep.equal(['timeout', 'timeout', 'timeout']);
    expect(new Set(result.probes.get('wobbly')?.history).size).to.equal(2);
  });

  it('stops at once when aborted', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const net = network(clock, () => 'connected');
    const probe = async (keys: readonly string[]) => {
      controller.abort('SIGTERM');
      return net.probe(keys);
    };
    const error = await settleProbes(['a'], probe, expectDeny, { clock, signal: controller.signal, minSettleMs: 0, deadlineMs: 60_000, intervalMs: 500, confirmRounds: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.equal('SIGTERM');
    expect(net.rounds()).to.equal(1);
  });
});

describe('settleProbes: a visible change settles at once', () => {
  it('a first round in which the changed keys show their new result and all keys meet expectations settles the step', async () => {
    const clock = new FakeClock();
    // 'a' was connected before the change and must now be denied; 'b' was denied and stays so
    const net = network(clock, (k, t) => (k === 'a' ? (t >= 0 ? 'timeout' : 'connected') : 'timeout'));
    const result = await settleProbes(['a', 'b'], net.probe, expectDeny, { clock, minSettleMs: 1000, deadlineMs: 10_000, intervalMs: 500, confirmRounds: 1, changed: new Set(['a']) });
    expect(result.settled).to.equal(true);
    expect(net.rounds()).to.equal(2); // the settling round and one confirmation
    expect(result.rounds).to.equal(2);
  });

  it('without changed keys, a round before the minimum settle time never counts', async () => {
    const clock = new FakeClock();
    const net = network(clock, () => 'timeout');
    const result = await settleProbes(['a', 'b'], net.probe, expectDeny, { clock, minSettleMs: 1000, deadlineMs: 10_000, intervalMs: 500, confirmRounds: 1, changed: new Set() });
    expect(result.settled).to.equal(true);
    expect(net.rounds()).to.equal(3);
  });

  it('a changed key that still shows its old result keeps the step waiting', async () => {
    const clock = new FakeClock();
    const net = network(clock, (k, t) => (k === 'a' && t < 1500 ? 'connected' : 'timeout'));
    const result = await settleProbes(['a', 'b'], net.probe, expectDeny, { clock, minSettleMs: 1000, deadlineMs: 10_000, intervalMs: 500, confirmRounds: 1, changed: new Set(['a']) });
    expect(result.settled).to.equal(true);
    expect(result.settleMs).to.be.at.least(1500);
  });

  it('a changed key that is not probed is no evidence', async () => {
    const clock = new FakeClock();
    const net = network(clock, () => 'timeout');
    await settleProbes(['a', 'b'], net.probe, expectDeny, { clock, minSettleMs: 1000, deadlineMs: 10_000, intervalMs: 500, confirmRounds: 1, changed: new Set(['c']) });
    expect(net.rounds()).to.equal(3);
  });
});
