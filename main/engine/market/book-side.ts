import { SparseLevels } from './sparse-levels.js';

/**
 * Dense window per side, in ticks (2^18: 2 MiB of quantities per side). Measured on the
 * real BTCUSDT recording (test/fixtures): with 4,096 ticks (±$41 at a 0.01 tick) 47.5 % of
 * the updated levels fell outside the window, into the sorted far store whose inserts and
 * removals shift the array (O(far levels)), and sync + apply cost ~3× the parse; at 2^18
 * ticks (3/4 of it behind the touch: $1,966 of BTCUSDT depth) 2 % do (ETHUSDT: none). The
 * price is memory and the rare window move (O(width)), both bounded: a move happens only
 * when the touch runs half a window, and a snapshot clears the window once.
 */
export const DEFAULT_WINDOW_TICKS = 1 << 18;

/**
 * One side of an L2 book in fixed-point, keeping EVERY level.
 *
 * Levels are addressed by a key in ticks that grows AWAY from the touch (asks: price /
 * tick, bids: -price / tick), so "best" is the smallest key on both sides and one
 * implementation serves both. Near the touch a dense window of `width` ticks holds the
 * quantities in a flat array with an occupancy bitmap: an update is an index and a store,
 * the best level is a cached index, and the next level after it is found by scanning
 * bitmap words (32 ticks per step). Levels beyond the window (e.g. 25 % away from the mid)
 * live in a sorted SparseLevels. Invariant: no level is better than the window's first
 * tick, and every sparse key is past the window's end. When the touch moves outside the
 * window, or drifts deep into it, the window is re-centred and levels migrate between the
 * two stores, so a window that moves never loses a far level.
 */
export class BookSide {
  private tick: number;
  private readonly width: number;
  private qtys: Float64Array;
  private readonly bits: Int32Array;
  /** Key of window index 0. */
  private base = 0;
  private bestIdx = -1;
  /**
   * Best price in 1e-8 units (NaN when empty), kept as a field so the crossed-book check
   * reads it without a call that would return (and box) a double.
   */
  best = NaN;
  private windowCount = 0;
  private readonly sparse = new SparseLevels();
  /** Window index where re-centring puts the best level: room to improve, depth behind. */
  private readonly anchor: number;
  private readonly scratchPrice = new Float64Array(1);
  private readonly scratchQty = new Float64Array(1);

  constructor(
    readonly isBid: boolean,
    tickSize: number,
    width = DEFAULT_WINDOW_TICKS,
  ) {
    if (!Number.isSafeInteger(tickSize) || tickSize <= 0)
      throw new Error(`tick size must be a positive integer of 1e-8 units, got ${tickSize}`);
    if (width < 64 || width % 32 !== 0)
      throw new Error(`book window must be a multiple of 32 ticks, at least 64; got ${width}`);
    this.tick = tickSize;
    this.width = width;
    this.qtys = new Float64Array(width);
    this.bits = new Int32Array(width >> 5);
    this.anchor = width >> 2;
  }

  get tickSize(): number {
    return this.tick;
  }

  /** Number of levels on this side, near and far. */
  get count(): number {
    return this.windowCount + this.sparse.count;
  }

  clear(): void {
    if (this.windowCount > 0) {
      // Zero only the occupied slots (found through the bitmap): a 2^18-tick window is
      // 2 MiB, and a resync should not pay for the empty part of it.
      const bits = this.bits;
      const qtys = this.qtys;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          qtys[(w << 5) + bit] = 0;
          word &= word - 1;
        }
        bits[w] = 0;
      }
    }
    this.windowCount = 0;
    this.bestIdx = -1;
    this.best = NaN;
    this.sparse.clear();
  }

  /** Best price in 1e-8 units, NaN when the side is empty. */
  bestPrice(): number {
    return this.best;
  }

  bestQty(): number {
    return this.bestIdx < 0 ? 0 : this.qtys[this.bestIdx]!;
  }

  /** Sets the quantity at a price (both 1e-8 units); 0 removes the level. */
  set(price: number, qty: number): void {
    this.scratchPrice[0] = price;
    this.scratchQty[0] = qty;
    this.setAt(this.scratchPrice, this.scratchQty, 0);
  }

  /**
   * Sets level i of parallel price/quantity arrays (a parsed frame's levels). The hot
   * path: values are read here rather than passed in, because doubles passed to a call
   * that V8 does not inline are boxed on the heap.
   */
  setAt(prices: Float64Array, qtys: Float64Array, i: number): void {
    const price = prices[i]!;
    const qty = qtys[i]!;
    if (price % this.tick !== 0) this.retick(gcd(this.tick, price));
    const key = this.isBid ? -price / this.tick : price / this.tick;
    if (this.windowCount === 0) {
      if (qty === 0) {
        if (this.sparse.count > 0) this.sparse.set(key, 0);
        return;
      }
      // Empty window means an empty side (see invariant): centre on the newcomer.
      this.moveWindow(key - this.anchor);
    }
    let idx = key - this.base;
    if (idx < 0) {
      if (qty === 0) return; // nothing exists better than the window
      this.moveWindow(key - this.anchor);
      idx = key - this.base;
    }
    if (idx >= this.width) {
      this.sparse.set(key, qty);
      return;
    }
    const dense = this.qtys;
    const old = dense[idx]!;
    if (qty === 0) {
      if (old === 0) return;
      dense[idx] = 0;
      this.bits[idx >> 5]! &= ~(1 << (idx & 31));
      this.windowCount--;
      if (idx === this.bestIdx) this.afterBestRemoved();
      return;
    }
    dense[idx] = qty;
    if (old === 0) {
      this.bits[idx >> 5]! |= 1 << (idx & 31);
      this.windowCount++;
      if (this.bestIdx < 0 || idx < this.bestIdx) {
        this.bestIdx = idx;
        this.best = price;
      }
    }
  }

  /** Quantity at a price, 0 when there is no level. */
  qtyAt(price: number): number {
    if (price % this.tick !== 0) return 0;
    const key = this.isBid ? -price / this.tick : price / this.tick;
    const idx = key - this.base;
    if (idx < 0 || this.windowCount === 0) return 0;
    if (idx < this.width) return this.qtys[idx]!;
    const sparse = this.sparse;
    for (let i = sparse.count - 1; i >= 0; i--) if (sparse.keys[i] === key) return sparse.qtys[i]!;
    return 0;
  }

  /**
   * Writes up to n levels, best first, into prices/qtys from `offset`. O(n) plus the
   * bitmap words skipped between levels. Returns the number written.
   */
  top(n: number, prices: Float64Array, qtys: Float64Array, offset = 0): number {
    let written = 0;
    // Look for a next level only while one is wanted and the window still holds one:
    // past the last occupied slot the bitmap scan would run to the window's end
    // (2^18 ticks = 8,192 words), which a book thinner than n levels paid on every record.
    let unseen = this.windowCount;
    let idx = this.bestIdx;
    while (written < n && unseen > 0 && idx >= 0) {
      prices[offset + written] = this.priceOf(this.base + idx);
      qtys[offset + written] = this.qtys[idx]!;
      written++;
      if (--unseen > 0 && written < n) idx = this.nextOccupied(idx + 1);
    }
    const sparse = this.sparse;
    for (let i = sparse.count - 1; written < n && i >= 0; i--) {
      prices[offset + written] = this.priceOf(sparse.keys[i]!);
      qtys[offset + written] = sparse.qtys[i]!;
      written++;
    }
    return written;
  }

  /** Every level, best first, as [price, qty] in 1e-8 units (allocates; not for the hot path). */
  levels(): [number, number][] {
    const count = this.count;
    const prices = new Float64Array(count);
    const qtys = new Float64Array(count);
    const n = this.top(count, prices, qtys);
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) out.push([prices[i]!, qtys[i]!]);
    return out;
  }

  private priceOf(key: number): number {
    return (this.isBid ? -key : key) * this.tick;
  }

  private afterBestRemoved(): void {
    if (this.windowCount === 0) {
      this.bestIdx = -1;
      this.best = NaN;
      if (this.sparse.count > 0) this.moveWindow(this.sparse.nearestKey() - this.anchor);
      return;
    }
    this.bestIdx = this.nextOccupied(this.bestIdx + 1);
    this.best = this.priceOf(this.base + this.bestIdx);
    // The touch drifted deep into the window: slide it so depth behind the best stays dense.
    if (this.bestIdx > this.width >> 1) this.moveWindow(this.base + this.bestIdx - this.anchor);
  }

  /** First occupied window index >= from, or -1. */
  private nextOccupied(from: number): number {
    const bits = this.bits;
    let w = from >> 5;
    if (w >= bits.length) return -1;
    let word = bits[w]! & (-1 << (from & 31));
    while (word === 0) {
      w++;
      if (w >= bits.length) return -1;
      word = bits[w]!;
    }
    return (w << 5) + (31 - Math.clz32(word & -word));
  }

  /**
   * Moves the window to start at newBase. Callers guarantee nothing lies below newBase
   * (moving down: nothing exists below the old base; moving up: newBase <= best). Levels
   * past the new end go to the sparse store, sparse levels inside the new range come in.
   */
  private moveWindow(newBase: number): void {
    const width = this.width;
    const qtys = this.qtys;
    if (this.windowCount === 0) {
      this.fillEmptyWindow(newBase);
      return;
    }
    const shift = newBase - this.base;
    if (this.windowCount > 0 && shift !== 0) {
      if (shift < 0) {
        const d = -shift;
        // The far end [width - d, width) no longer fits: hand it to the sparse store,
        // largest key first so the store stays descending.
        for (let idx = width - 1; idx >= Math.max(0, width - d); idx--) {
          const q = qtys[idx]!;
          if (q !== 0) this.sparse.pushNearest(this.base + idx, q);
        }
        if (d >= width) qtys.fill(0);
        else {
          qtys.copyWithin(d, 0, width - d);
          qtys.fill(0, 0, d);
        }
      } else if (shift >= width) {
        qtys.fill(0);
      } else {
        qtys.copyWithin(0, shift, width);
        qtys.fill(0, width - shift);
      }
    }
    this.base = newBase;
    const sparse = this.sparse;
    while (sparse.count > 0 && sparse.nearestKey() < newBase + width) {
      qtys[sparse.nearestKey() - newBase] = sparse.nearestQty();
      sparse.popNearest();
    }
    this.rebuildBits();
  }

  /**
   * Moves an empty window (all quantities and bits already zero): only the far levels
   * that now fall inside it come in, nearest first, so the first is the best. O(levels
   * moved) rather than O(width): this is every snapshot's first level on each side.
   */
  private fillEmptyWindow(newBase: number): void {
    this.base = newBase;
    const sparse = this.sparse;
    const qtys = this.qtys;
    const bits = this.bits;
    let count = 0;
    let best = -1;
    while (sparse.count > 0 && sparse.nearestKey() < newBase + this.width) {
      const idx = sparse.nearestKey() - newBase;
      qtys[idx] = sparse.nearestQty();
      bits[idx >> 5]! |= 1 << (idx & 31);
      if (best < 0) best = idx;
      count++;
      sparse.popNearest();
    }
    this.windowCount = count;
    this.bestIdx = best;
    this.best = best < 0 ? NaN : this.priceOf(newBase + best);
  }

  private rebuildBits(): void {
    const qtys = this.qtys;
    const bits = this.bits;
    bits.fill(0);
    let count = 0;
    let best = -1;
    for (let idx = 0; idx < this.width; idx++) {
      if (qtys[idx] !== 0) {
        bits[idx >> 5]! |= 1 << (idx & 31);
        if (best < 0) best = idx;
        count++;
      }
    }
    this.windowCount = count;
    this.bestIdx = best;
    this.best = best < 0 ? NaN : this.priceOf(this.base + best);
  }

  /** A price off the tick grid: re-key every level on the finer common grid. */
  private retick(newTick: number): void {
    const all = this.levels();
    this.clear();
    this.tick = newTick;
    for (const [price, qty] of all) this.set(price, qty);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
