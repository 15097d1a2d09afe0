/**
 * One side of the simulator's own book: price levels in integer ticks with integer
 * quantities (exchange steps), best first, every level however far from the mid. Kept as
 * a sorted pair of typed arrays: the generator touches mostly the first few levels, a
 * side holds a few hundred levels, so a binary search plus a short copyWithin beats any
 * tree here and allocates nothing after warm-up.
 *
 * Sort key: asks by price ascending, bids by price descending, stored as key = price
 * (asks) or -price (bids) ascending, so one search serves both sides.
 */
export class LevelLadder {
  private keys: Float64Array;
  private qtys: Float64Array;
  private size = 0;

  constructor(
    readonly isBid: boolean,
    capacity = 1024,
  ) {
    this.keys = new Float64Array(capacity);
    this.qtys = new Float64Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  /** Price (ticks) of the i-th best level. */
  priceAt(i: number): number {
    const key = this.keys[i]!;
    return this.isBid ? -key : key;
  }

  /** Quantity (steps) of the i-th best level. */
  qtyAt(i: number): number {
    return this.qtys[i]!;
  }

  /** Best price in ticks, NaN when the side is empty. */
  bestPrice(): number {
    return this.size === 0 ? NaN : this.priceAt(0);
  }

  bestQty(): number {
    return this.size === 0 ? 0 : this.qtys[0]!;
  }

  /** Quantity at a price, 0 when there is no level. */
  qtyOf(price: number): number {
    const index = this.search(this.isBid ? -price : price);
    return index >= 0 ? this.qtys[index]! : 0;
  }

  /** Index of the level at price, or -1. */
  indexOf(price: number): number {
    const index = this.search(this.isBid ? -price : price);
    return index >= 0 ? index : -1;
  }

  /** Adds qty at a price (creating the level). Returns the new quantity. */
  add(price: number, qty: number): number {
    const key = this.isBid ? -price : price;
    const index = this.search(key);
    if (index >= 0) {
      this.qtys[index] = this.qtys[index]! + qty;
      return this.qtys[index]!;
    }
    this.insertAt(-index - 1, key, qty);
    return qty;
  }

  /** Sets the quantity at a price; 0 removes the level. */
  set(price: number, qty: number): void {
    const key = this.isBid ? -price : price;
    const index = this.search(key);
    if (index >= 0) {
      if (qty === 0) this.removeAt(index);
      else this.qtys[index] = qty;
    } else if (qty !== 0) {
      this.insertAt(-index - 1, key, qty);
    }
  }

  /** Removes up to qty from the level at index; the level goes when it reaches 0. Returns the removed amount. */
  takeAt(index: number, qty: number): number {
    const have = this.qtys[index]!;
    if (qty >= have) {
      this.removeAt(index);
      return have;
    }
    this.qtys[index] = have - qty;
    return qty;
  }

  removeAt(index: number): void {
    const n = this.size;
    this.keys.copyWithin(index, index + 1, n);
    this.qtys.copyWithin(index, index + 1, n);
    this.size = n - 1;
  }

  clear(): void {
    this.size = 0;
  }

  /** Copies the best n levels into price/qty arrays (ticks, steps). Returns the number copied. */
  copyTop(n: number, prices: Float64Array, qtys: Float64Array): number {
    const count = Math.min(n, this.size, prices.length, qtys.length);
    for (let i = 0; i < count; i++) {
      prices[i] = this.priceAt(i);
      qtys[i] = this.qtys[i]!;
    }
    return count;
  }

  /** Sum of the quantities of the best n levels. */
  topQty(n: number): number {
    let sum = 0;
    const count = Math.min(n, this.size);
    for (let i = 0; i < count; i++) sum += this.qtys[i]!;
    return sum;
  }

  /** Binary search for key: its index, or -(insertion point) - 1. */
  private search(key: number): number {
    let lo = 0;
    let hi = this.size - 1;
    const keys = this.keys;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  private insertAt(index: number, key: number, qty: number): void {
    if (this.size === this.keys.length) this.grow();
    const n = this.size;
    this.keys.copyWithin(index + 1, index, n);
    this.qtys.copyWithin(index + 1, index, n);
    this.keys[index] = key;
    this.qtys[index] = qty;
    this.size = n + 1;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const qtys = new Float64Array(this.qtys.length * 2);
    keys.set(this.keys);
    qtys.set(this.qtys);
    this.keys = keys;
    this.qtys = qtys;
  }
}
