/**
 * The simulator's own order book: integer ticks and integer lots, a Map per side plus a
 * sorted tick list. Deliberately independent of the engine's OrderBook, so a test that
 * compares the two compares two implementations, not one with itself.
 */
export class SimBookSide {
  private readonly qty = new Map<number, number>();
  /** Occupied ticks, ascending. */
  private readonly ticks: number[] = [];

  constructor(readonly isBid: boolean) {}

  get size(): number {
    return this.ticks.length;
  }

  get(tick: number): number {
    return this.qty.get(tick) ?? 0;
  }

  /** Sets a level in lots; 0 removes it. */
  set(tick: number, lots: number): void {
    if (lots <= 0) {
      if (!this.qty.delete(tick)) return;
      this.ticks.splice(this.position(tick), 1);
      return;
    }
    if (!this.qty.has(tick)) this.ticks.splice(this.position(tick), 0, tick);
    this.qty.set(tick, lots);
  }

  /** Best tick, NaN when empty. */
  best(): number {
    if (this.ticks.length === 0) return NaN;
    return this.isBid ? this.ticks[this.ticks.length - 1]! : this.ticks[0]!;
  }

  /** The i-th level from the best (0 = best), or NaN. */
  tickAt(i: number): number {
    if (i >= this.ticks.length) return NaN;
    return this.isBid ? this.ticks[this.ticks.length - 1 - i]! : this.ticks[i]!;
  }

  /** Up to `limit` levels, best first. */
  levels(limit = Infinity): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.ticks.length && i < limit; i++) {
      const tick = this.tickAt(i);
      out.push([tick, this.qty.get(tick)!]);
    }
    return out;
  }

  /** Sum of lots over the best n levels. */
  depth(n: number): number {
    let sum = 0;
    for (let i = 0; i < n && i < this.ticks.length; i++) sum += this.qty.get(this.tickAt(i))!;
    return sum;
  }

  private position(tick: number): number {
    let lo = 0;
    let hi = this.ticks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ticks[mid]! < tick) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class SimBook {
  readonly bids = new SimBookSide(true);
  readonly asks = new SimBookSide(false);

  side(isBid: boolean): SimBookSide {
    return isBid ? this.bids : this.asks;
  }
}
