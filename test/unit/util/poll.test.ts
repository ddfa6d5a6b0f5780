import { expect } from 'chai';
import { formatDuration, poll, pollDone, pollPending, pollWithStats, type Clock } from '../../../src/util/poll.js';
import { TimeoutError } from '../../../src/util/errors.js';

/** A clock whose time moves only when the code under test sleeps. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('poll', () => {
  it('returns the value as soon as the check is done, without sleeping', async () => {
    const clock = fakeClock();
    const value = await poll(async () => pollDone(42), { timeoutMs: 1000, intervalMs: 100, describe: 'x', clock });
    expect(value).to.equal(42);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('keeps checking at the interval until done, and reports attempts and elapsed time', async () => {
    const clock = fakeClock();
    const outcome = await pollWithStats(async (attempt) => (attempt < 4 ? pollPending(`attempt ${attempt}`) : pollDone('ok')), {
      timeoutMs: 10_000,
      intervalMs: 250,
      describe: 'x',
      clock,
    });
    expect(outcome).to.deep.equal({ value: 'ok', attempts: 4, elapsedMs: 750 });
    expect(clock.sleeps).to.deep.equal([250, 250, 250]);
  });

  it('checks once more exactly at the deadline, then throws TimeoutError with what, limit and last observation', async () => {
    const clock = fakeClock();
    let checks = 0;
    const error = await poll(
      async () => {
        checks += 1;
        return pollPending(`1 of 3 pods Ready (look ${checks})`);
      },
      { timeoutMs: 1000, intervalMs: 400, describe: 'pods in namespace demo to be Ready', hint: 'preload the image', clock },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TimeoutError);
    const timeout = error as TimeoutError;
    expect(clock.sleeps).to.deep.equal([400, 400, 200]);
    expect(checks).to.equal(4);
    expect(timeout.message).to.equal(
      'timed out after 1 s waiting for pods in namespace demo to be Ready (4 checks); last seen: 1 of 3 pods Ready (look 4)',
    );
    expect(timeout.hint).to.equal('preload the image');
    expect(timeout.code).to.equal('TIMEOUT');
  });

  it('propagates an error thrown by the check without retrying', async () => {
    const clock = fakeClock();
    let checks = 0;
    const boom = new Error('boom');
    const error = await poll(
      async () => {
        checks += 1;
        throw boom;
      },
      { timeoutMs: 1000, intervalMs: 100, describe: 'x', clock },
    ).catch((e: unknown) => e);
    expect(error).to.equal(boom);
    expect(checks).to.equal(1);
  });

  it('stops with the abort reason when the signal is aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const clock = fakeClock();
    const error = await poll(
      async (attempt) => {
        if (attempt === 2) controller.abort(reason);
        return pollPending('not yet');
      },
      { timeoutMs: 10_000, intervalMs: 100, describe: 'x', clock, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(error).to.equal(reason);
  });

  it('works with the real clock for short waits', async () => {
    let attempt = 0;
    const value = await poll(async () => (++attempt < 3 ? pollPending('no') : pollDone(attempt)), { timeoutMs: 2000, intervalMs: 5, describe: 'x' });
    expect(value).to.equal(3);
  });
});

describe('formatDuration', () => {
  it('reads like a person would write it', () => {
    expect(formatDuration(850)).to.equal('850 ms');
    expect(formatDuration(12_000)).to.equal('12 s');
    expect(formatDuration(1_500)).to.equal('1.5 s');
    expect(formatDuration(240_000)).to.equal('4 min');
    expect(formatDuration(150_000)).to.equal('2 min 30 s');
  });
});
