import { expect } from 'chai';
import { runPositiveControl, type PathProbe, type ProbeResult } from '../../../src/probe/index.js';
import { FakeClock } from '../live/fake-clock.js';

const path = (key: string, kind: PathProbe['kind'] = 'tcp'): PathProbe => ({ key, namespace: 'x', pod: 'a', kind, target: `10.0.0.1:${key}` });

describe('runPositiveControl', () => {
  it('probes a path that does not answer yet again until it does', async () => {
    const clock = new FakeClock();
    let rounds = 0;
    const control = await runPositiveControl([path('80')], async () => {
      rounds += 1;
      return new Map<string, ProbeResult>([['80', { outcome: rounds < 3 ? 'timeout' : 'connected', detail: '', durationMs: 1 }]]);
    }, { clock, timeoutMs: 60_000, intervalMs: 500 });
    expect([...control.answered]).to.deep.equal(['80']);
    expect(control.failures).to.deep.equal([]);
    expect(rounds).to.equal(3);
  });

  it('does not wait for a path whose source cannot make the probe at all (its kernel lacks the protocol)', async () => {
    const clock = new FakeClock();
    let rounds = 0;
    const control = await runPositiveControl([path('80', 'sctp'), path('81')], async (probes) => {
      rounds += 1;
      return new Map<string, ProbeResult>(
        probes.map((p) => [p.key, p.kind === 'sctp'
          ? { outcome: 'exec-error', detail: 'OTHER: protocol not supported', unsupported: true, durationMs: 1 }
          : { outcome: rounds < 2 ? 'timeout' : 'connected', detail: '', durationMs: 1 }]),
      );
    }, { clock, timeoutMs: 60_000, intervalMs: 500 });
    expect(rounds).to.equal(2);
    expect(clock.now()).to.be.below(1_000);
    expect(control.failures.map((f) => `${f.probe.key}: ${f.outcome}`)).to.deep.equal(['80: exec-error']);
    expect([...control.answered]).to.deep.equal(['81']);
  });

  it('gives up on a path at the bound and reports its last outcome', async () => {
    const clock = new FakeClock();
    const control = await runPositiveControl([path('80')], async () => new Map<string, ProbeResult>([['80', { outcome: 'timeout', detail: 'curl 28', durationMs: 1 }]]), {
      clock,
      timeoutMs: 5_000,
      intervalMs: 500,
    });
    expect(control.failures.map((f) => `${f.probe.key}: ${f.outcome} (${f.detail})`)).to.deep.equal(['80: timeout (curl 28)']);
    expect(clock.now()).to.be.at.least(5_000);
  });
});
