/**
 * A steady events-per-second over a sliding window. Frames come in bursts (a depth diff
 * every 100 ms, trades in clumps), so a rate taken between two 33 ms reports jumps between
 * 0 and hundreds; over a few seconds it reads like the feed's real pace. It keeps a fixed
 * ring of (time, running total) samples: no allocation per sample.
 */
export class RateWindow {
  private readonly times: Float64Array;
  private readonly totals: Float64Array;
  private head = 0;
  private size = 0;

  /**
   * `windowMs`: how far back the rate looks; `capacity`: samples kept, enough for the
   * window at the sampling rate (older samples are dropped first either way).
   */
  constructor(
    private readonly windowMs = 5000,
    capacity = 512,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`rate window must be > 0 ms, got ${windowMs}`);
    this.times = new Float64Array(capacity);
    this.totals = new Float64Array(capacity);
  }

  /**
   * Records the running total at `nowMs` and returns the rate over the window: events
   * since the oldest sample inside it, per second of time since then (0 until two
   * samples lie apart).
   */
  sample(nowMs: number, total: number): number {
    const capacity = this.times.length;
    const at = (this.head + this.size) % capacity;
    this.times[at] = nowMs;
    this.totals[at] = total;
    if (this.size < capacity) this.size++;
    else this.head = (this.head + 1) % capacity;
    // Drop samples that fell out of the window, keeping at least the newest two.
    while (this.size > 2 && nowMs - this.times[(this.head + 1) % capacity]! >= this.windowMs) {
      this.head = (this.head + 1) % capacity;
      this.size--;
    }
    const oldest = this.head;
    const elapsed = nowMs - this.times[oldest]!;
    if (!(elapsed > 0)) return 0;
    return ((total - this.totals[oldest]!) * 1000) / elapsed;
  }
}
