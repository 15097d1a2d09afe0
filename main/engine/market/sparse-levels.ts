/**
 * Sorted levels far from the touch, for BookSide. Keys are kept in DESCENDING order so
 * the level nearest the window (the smallest key) sits at the end, where the window
 * pushes and pulls levels without shifting the rest. Insertion elsewhere is a binary
 * search plus a copyWithin: far levels change rarely, and none is ever dropped.
 */
export class SparseLevels {
  keys: Float64Array = new Float64Array(64);
  qtys: Float64Array = new Float64Array(64);
  count = 0;

  clear(): void {
    this.count = 0;
  }

  /** The smallest key (nearest the window); only valid when count > 0. */
  nearestKey(): number {
    return this.keys[this.count - 1]!;
  }

  nearestQty(): number {
    return this.qtys[this.count - 1]!;
  }

  /** Appends a key smaller than every key held (the window shedding its far end). */
  pushNearest(key: number, qty: number): void {
    if (this.count === this.keys.length) this.grow();
    this.keys[this.count] = key;
    this.qtys[this.count] = qty;
    this.count++;
  }

  popNearest(): void {
    this.count--;
  }

  /** Sets a level; qty 0 removes it. */
  set(key: number, qty: number): void {
    const keys = this.keys;
    // Binary search in descending order: first position whose key is <= key.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! > key) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.count && keys[lo] === key) {
      if (qty === 0) {
        this.keys.copyWithin(lo, lo + 1, this.count);
        this.qtys.copyWithin(lo, lo + 1, this.count);
        this.count--;
      } else {
        this.qtys[lo] = qty;
      }
      return;
    }
    if (qty === 0) return;
    if (this.count === this.keys.length) this.grow();
    this.keys.copyWithin(lo + 1, lo, this.count);
    this.qtys.copyWithin(lo + 1, lo, this.count);
    this.keys[lo] = key;
    this.qtys[lo] = qty;
    this.count++;
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
