/**
 * How long to wait after a change: results count only from rounds starting after the measured enforcement
 * time; the deadline is max(factor x the slowest enforcement seen, floor), capped by settleTimeoutMs. The
 * slowest enforcement is the canary's or, once steps have run, the slowest settle of a step: the canary
 * measures one policy on an idle cluster, later steps change more on a busier one.
 */
import { LIVE_DEFAULTS } from '../deploy/index.js';
import type { CanaryMeasurement } from './enforcement-canary.js';

export class SettleWindow {
  private slowestSettleMs = 0;

  constructor(
    private readonly settleTimeoutMs: number,
    private readonly canary: () => CanaryMeasurement | undefined,
  ) {}

  current(): { minSettleMs: number; deadlineMs: number } {
    const measured = this.canary();
    const canaryMs = measured ? Math.max(measured.enforceMs, measured.restoreMs) : LIVE_DEFAULTS.settleFloorMs;
    const slowestMs = Math.max(canaryMs, this.slowestSettleMs);
    const deadlineMs = Math.min(this.settleTimeoutMs, Math.max(LIVE_DEFAULTS.settleFactor * slowestMs, LIVE_DEFAULTS.settleFloorMs));
    return { minSettleMs: Math.min(canaryMs, deadlineMs), deadlineMs };
  }

  /** A step's results settled `ms` after its change: later deadlines allow for it. */
  recordSettle(ms: number): void {
    this.slowestSettleMs = Math.max(this.slowestSettleMs, ms);
  }
}
