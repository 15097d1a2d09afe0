/**
 * Exponential backoff, the one implementation: the exchange client's reconnects and
 * snapshot retries, the host's engine restarts and the window's reconnects to the host
 * all wait `initialMs · 2^attempt`, capped at `maxMs`. Jitter only ever shortens a delay,
 * so clients that lost the same server do not all come back in the same instant, and the
 * cap is never exceeded.
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /**
   * The largest share of a delay that jitter takes off: 0 (the default) waits exactly,
   * 0.5 waits anywhere in (½, 1] of the delay.
   */
  readonly jitter?: number;
}

/** Doublings beyond this cannot matter (2^30 · 1 ms is 12 days) and would overflow. */
const MAX_DOUBLINGS = 30;

/**
 * The delay before retry `attempt` (0 = the first retry). `random` in [0, 1) picks how
 * much of the jitter share to take off: 0 waits the full delay.
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random = 0): number {
  const doublings = Math.min(Math.max(0, Math.floor(attempt)), MAX_DOUBLINGS);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** doublings);
  return ceiling * (1 - (policy.jitter ?? 0) * random);
}

/** backoffDelayMs with its attempt counter: each nextDelayMs() doubles, reset() starts over. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    /** Source of jitter in [0, 1); a seeded one makes the delays reproducible. */
    private readonly random: () => number = () => 0,
  ) {}

  nextDelayMs(): number {
    return backoffDelayMs(this.policy, this.attempt++, this.random());
  }

  /** After a success (a connection that lived, a run that was stable). */
  reset(): void {
    this.attempt = 0;
  }

  /** Retries asked for since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}
