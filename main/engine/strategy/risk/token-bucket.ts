/**
 * Order rate limit as a token bucket on the RECORDING's clock (`ts` of the market record
 * that triggered the order), never the wall clock: a replay then accepts and refuses the
 * same orders whatever the machine's speed.
 *
 * Capacity = rate (one second's worth of orders may go out back to back), refilled at
 * `rate` tokens per second of data time. Starts full. Time running backwards (a clock
 * step in a live feed) refills nothing.
 *
 * Credit is kept in token·µs (tokens × 1e6): with integer µs timestamps and an integer
 * rate every refill is an exact integer, so 10 orders/s really allows the 11th order
 * exactly 100 000 µs later, not "0.9999999 tokens" later.
 */
const MICROS_PER_SECOND = 1_000_000;

export class TokenBucket {
  private credit: number;
  private capacity: number;
  private lastTsUs = Number.NEGATIVE_INFINITY;

  constructor(private ratePerSecond: number) {
    this.capacity = ratePerSecond * MICROS_PER_SECOND;
    this.credit = this.capacity;
  }

  /** Live change of the rate; the credit held is capped at the new capacity. */
  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
    this.capacity = ratePerSecond * MICROS_PER_SECOND;
    if (this.credit > this.capacity) this.credit = this.capacity;
  }

  /** Whether a token is available at `tsUs` (refills first; takes nothing). */
  available(tsUs: number): boolean {
    if (tsUs > this.lastTsUs) {
      if (this.lastTsUs !== Number.NEGATIVE_INFINITY) {
        const credit = this.credit + (tsUs - this.lastTsUs) * this.ratePerSecond;
        this.credit = credit > this.capacity ? this.capacity : credit;
      }
      this.lastTsUs = tsUs;
    }
    return this.credit >= MICROS_PER_SECOND;
  }

  /** Takes one token; call only after `available` said yes for the same ts. */
  take(): void {
    this.credit -= MICROS_PER_SECOND;
  }

  /** Whole tokens held at the last refill (for display and tests). */
  get tokens(): number {
    return this.credit / MICROS_PER_SECOND;
  }

  reset(): void {
    this.credit = this.capacity;
    this.lastTsUs = Number.NEGATIVE_INFINITY;
  }
}
