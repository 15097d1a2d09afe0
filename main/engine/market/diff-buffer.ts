import type { ParsedFrame } from './parsed-frame.js';

/**
 * Depth diffs held while a book waits for its snapshot (Binance's "buffer the events"),
 * copied out of the reused ParsedFrame into flat growable arrays: no object per diff.
 */
export class DiffBuffer {
  /** Per diff: U, u, bid level start, bid count, ask level start, ask count. */
  private headers: Float64Array = new Float64Array(6 * 64);
  private prices: Float64Array = new Float64Array(1024);
  private qtys: Float64Array = new Float64Array(1024);
  private first = 0;
  private end = 0;
  private levelEnd = 0;

  constructor(readonly maxDiffs = 10_000) {}

  get length(): number {
    return this.end - this.first;
  }

  clear(): void {
    this.first = 0;
    this.end = 0;
    this.levelEnd = 0;
  }

  /** Copies a depth frame in. Returns false (and stores nothing) when the buffer is full. */
  push(frame: ParsedFrame): boolean {
    if (this.length >= this.maxDiffs) return false;
    if ((this.end + 1) * 6 > this.headers.length)
      this.headers = grow(this.headers, (this.end + 1) * 6);
    const levels = frame.bidCount + frame.askCount;
    if (this.levelEnd + levels > this.prices.length) {
      this.prices = grow(this.prices, this.levelEnd + levels);
      this.qtys = grow(this.qtys, this.levelEnd + levels);
    }
    const h = this.end * 6;
    const headers = this.headers;
    headers[h] = frame.firstUpdateId;
    headers[h + 1] = frame.lastUpdateId;
    headers[h + 2] = this.levelEnd;
    headers[h + 3] = frame.bidCount;
    this.prices.set(frame.bidPrices.subarray(0, frame.bidCount), this.levelEnd);
    this.qtys.set(frame.bidQtys.subarray(0, frame.bidCount), this.levelEnd);
    this.levelEnd += frame.bidCount;
    headers[h + 4] = this.levelEnd;
    headers[h + 5] = frame.askCount;
    this.prices.set(frame.askPrices.subarray(0, frame.askCount), this.levelEnd);
    this.qtys.set(frame.askQtys.subarray(0, frame.askCount), this.levelEnd);
    this.levelEnd += frame.askCount;
    this.end++;
    return true;
  }

  /** U of the i-th buffered diff (0 = oldest). */
  firstUpdateId(i: number): number {
    return this.headers[(this.first + i) * 6]!;
  }

  lastUpdateId(i: number): number {
    return this.headers[(this.first + i) * 6 + 1]!;
  }

  /** Calls set(isBid, price, qty) for every level of the i-th diff, bids first. */
  forEachLevel(i: number, set: (isBid: boolean, price: number, qty: number) => void): void {
    const h = (this.first + i) * 6;
    const headers = this.headers;
    const bidStart = headers[h + 2]!;
    const bidEnd = bidStart + headers[h + 3]!;
    for (let l = bidStart; l < bidEnd; l++) set(true, this.prices[l]!, this.qtys[l]!);
    const askStart = headers[h + 4]!;
    const askEnd = askStart + headers[h + 5]!;
    for (let l = askStart; l < askEnd; l++) set(false, this.prices[l]!, this.qtys[l]!);
  }

  /** Forgets the oldest n diffs. */
  dropFirst(n: number): void {
    this.first += n;
    if (this.first >= this.end) this.clear();
  }
}

function grow(array: Float64Array, atLeast: number): Float64Array {
  let size = array.length * 2;
  while (size < atLeast) size *= 2;
  const next = new Float64Array(size);
  next.set(array);
  return next;
}
