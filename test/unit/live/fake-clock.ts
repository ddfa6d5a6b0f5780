import type { Clock } from '../../../src/util/poll.js';

/** A clock whose time passes only when someone sleeps (or a test advances it). */
export class FakeClock implements Clock {
  private time = 0;
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.time += ms;
    await Promise.resolve();
    if (signal?.aborted) throw signal.reason;
  }
}
