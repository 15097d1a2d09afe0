import type { Rng } from '../core/rng.js';

/**
 * Exponential backoff with jitter: attempt n waits a random time in [½, 1] of
 * min(max, initial · 2^n), so clients that lost the same server do not return in lockstep.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly rng: Rng,
  ) {}

  nextDelayMs(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return ceiling * (0.5 + 0.5 * this.rng.next());
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
