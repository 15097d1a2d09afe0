/**
 * How long to wait before restarting a crashed engine: 0.5 s doubling to 10 s, so a
 * crash loop neither spins the machine nor leaves the trader waiting long after a one-off
 * crash. An engine that ran for a stable minute earns a fresh start at 0.5 s.
 */
export interface RestartBackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A run at least this long resets the doubling. */
  readonly stableMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = {
  initialMs: 500,
  maxMs: 10_000,
  stableMs: 60_000,
};

export class RestartBackoff {
  private consecutive = 0;

  constructor(private readonly options: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF) {}

  /** Delay before the next restart after a run that lasted `ranMs`. */
  next(ranMs: number): number {
    if (ranMs >= this.options.stableMs) this.consecutive = 0;
    const delay = Math.min(this.options.initialMs * 2 ** this.consecutive, this.options.maxMs);
    if (delay < this.options.maxMs) this.consecutive++;
    return delay;
  }

  reset(): void {
    this.consecutive = 0;
  }
}
