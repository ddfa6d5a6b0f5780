import { expect } from 'chai';
import { runDisjoint } from '../../../src/util/run-disjoint.js';
import { createLimiter } from '../../../src/util/limiter.js';

/** A promise the test resolves by hand, to control the order in which units finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runDisjoint', () => {
  it('runs units without common resources at the same time, up to the limit, and returns results by index', async () => {
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const units = [{ resources: ['a'] }, { resources: ['b'] }, { resources: ['c'] }, { resources: ['d'] }];
    const done = runDisjoint(units, 3, async (_unit, index) => {
      started.push(index);
      await gates[index]?.promise;
      return index * 10;
    });
    await tick();
    expect(started).to.deep.equal([0, 1, 2]);
    gates[1]?.open();
    await tick();
    await tick();
    expect(started).to.deep.equal([0, 1, 2, 3]);
    for (const g of gates) g.open();
    const outcome = await done;
    expect(outcome.results).to.deep.equal([0, 10, 20, 30]);
    expect(outcome.peak).to.equal(3);
  });

  it('never runs two units sharing a resource at once, keeps their order, and lets others go ahead', async () => {
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    // 0 and 2 share 'monitoring'; 3 shares 'shop' with 2: it must wait behind 2 although 'shop' is free
    const units = [{ resources: ['monitoring', 'x'] }, { resources: ['y'] }, { resources: ['monitoring', 'shop'] }, { resources: ['shop'] }, { resources: ['z'] }];
    const done = runDisjoint(units, 8, async (_unit, index) => {
      started.push(index);
      await gates[index]?.promise;
      return index;
    });
    await tick();
    expect(started).to.deep.equal([0, 1, 4]);
    gates[0]?.open();
    await tick();
    await tick();
    expect(started).to.deep.equal([0, 1, 4, 2]);
    gates[2]?.open();
    await tick();
    await tick();
    expect(started).to.deep.equal([0, 1, 4, 2, 3]);
    for (const g of gates) g.open();
    expect((await done).results).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('limit 1 is one unit after another, in input order', async () => {
    const order: string[] = [];
    const units = ['a', 'b', 'c'].map((r) => ({ resources: [r] }));
    const outcome = await runDisjoint(units, 1, async (unit) => {
      order.push(`start ${unit.resources[0]}`);
      await tick();
      order.push(`end ${unit.resources[0]}`);
    });
    expect(order).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(outcome.peak).to.equal(1);
  });

  it('after stop() starts nothing more, lets the units in flight finish, and leaves the rest undefined', async () => {
    const units = ['a', 'b', 'c', 'd'].map((r) => ({ resources: [r] }));
    const outcome = await runDisjoint(units, 2, async (_unit, index, control) => {
      await tick();
      if (index === 0) control.stop();
      await tick();
      return index;
    });
    expect(outcome.results).to.deep.equal([0, 1, undefined, undefined]);
  });

  it('rejects with the first error after the units in flight have finished', async () => {
    let finished = false;
    const units = ['a', 'b', 'c'].map((r) => ({ resources: [r] }));
    const run = runDisjoint(units, 2, async (_unit, index) => {
      if (index === 0) throw new Error('boom');
      await tick();
      await tick();
      finished = true;
      return index;
    });
    let error: unknown;
    try {
      await run;
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('boom');
    expect(finished).to.equal(true);
  });

  it('an aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    let calls = 0;
    const outcome = await runDisjoint([{ resources: ['a'] }], 2, async () => {
      calls += 1;
    }, controller.signal);
    expect(calls).to.equal(0);
    expect(outcome.results).to.deep.equal([undefined]);
  });
});

describe('createLimiter', () => {
  it('lets at most limit operations run at once, in arrival order, and records the peak', async () => {
    const limiter = createLimiter(2);
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) => limiter.run(async () => {
      started.push(i);
      await g.promise;
      return i;
    }));
    await tick();
    expect(started).to.deep.equal([0, 1]);
    expect(limiter.inFlight).to.equal(2);
    gates[0]?.open();
    await tick();
    await tick();
    expect(started).to.deep.equal([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).to.deep.equal([0, 1, 2]);
    expect(limiter.peak).to.equal(2);
    expect(limiter.inFlight).to.equal(0);
  });

  it('a waiter whose signal is aborted leaves the queue with the reason', async () => {
    const limiter = createLimiter(1);
    const hold = gate();
    const first = limiter.run(() => hold.promise);
    const controller = new AbortController();
    const second = limiter.run(async () => 'ran', controller.signal);
    controller.abort(new Error('interrupted'));
    let error: unknown;
    try {
      await second;
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('interrupted');
    hold.open();
    await first;
    expect(limiter.inFlight).to.equal(0);
    expect(await limiter.run(async () => 'next')).to.equal('next');
  });

  it('releases the slot when the operation fails', async () => {
    const limiter = createLimiter(1);
    let error: unknown;
    try {
      await limiter.run(async () => {
        throw new Error('no');
      });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('no');
    expect(await limiter.run(async () => 1)).to.equal(1);
  });
});
