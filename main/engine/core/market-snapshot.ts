/**
 * The latest top of book per symbol, published by the market-data thread and read by any
 * thread (execution marks positions with it, the engine main thread shows it): the seed's
 * "atomic snapshot", done as a SEQLOCK on a SharedArrayBuffer.
 *
 * One writer per symbol, any number of readers, no locks, and a reader never sees a torn
 * snapshot: the writer makes the symbol's sequence odd, writes the fields, makes it even
 * again; a reader copies the fields between two reads of the sequence and retries when
 * the sequence was odd or changed. Writers never wait for readers.
 *
 * Layout, one block of 64 bytes per symbol (so symbols written at the same time never
 * share a cache line): Int32 view over the whole buffer for the sequence word at slot 0
 * of each block, and Float64 slots 1..7 of the block for the fields.
 */

const MAGIC = 0x534e4150; // "SNAP"
const BLOCK_SLOTS = 8; // float64 slots per symbol: 64 bytes
const HEADER_BYTES = 64;
/** Float64 field slots inside a symbol's block (slot 0 holds the Int32 sequence). */
const TIMESTAMP_US = 1;
const BEST_BID = 2;
const BEST_ASK = 3;
const MID = 4;
const IMBALANCE_E9 = 5;
const SPREAD_BPS_E2 = 6;
const BOOK_SEQ = 7;

/** Reused by a reader: `read` fills it in place, so reading allocates nothing. */
export class SnapshotView {
  /** Receive time of the book update, µs (the recording's clock). */
  timestampUs = 0;
  /** Price units (1e-8). 0 when that side of the book is empty. */
  bestBid = 0;
  bestAsk = 0;
  /** (bestBid + bestAsk) / 2 in price units; 0 unless both sides are present. */
  mid = 0;
  /** Book imbalance × 1e9, an integer. */
  imbalanceE9 = 0;
  /** Spread in basis points × 100, an integer. */
  spreadBpsE2 = 0;
  /** The book update sequence (MarketUpdate.seq) this snapshot came from. */
  sequence = 0;
}

export class MarketSnapshots {
  readonly buffer: SharedArrayBuffer;
  readonly symbolCount: number;
  private readonly seqWords: Int32Array;
  private readonly slots: Float64Array;

  private constructor(buffer: SharedArrayBuffer) {
    const header = new Int32Array(buffer, 0, 2);
    if (header[0] !== MAGIC) {
      throw new Error('MarketSnapshots.attach: the buffer was not made by MarketSnapshots.create');
    }
    this.buffer = buffer;
    this.symbolCount = header[1]!;
    this.slots = new Float64Array(buffer, HEADER_BYTES, this.symbolCount * BLOCK_SLOTS);
    this.seqWords = new Int32Array(buffer, HEADER_BYTES, this.symbolCount * BLOCK_SLOTS * 2);
  }

  static create(symbolCount: number): MarketSnapshots {
    if (!Number.isInteger(symbolCount) || symbolCount < 1 || symbolCount > 1024) {
      throw new RangeError(`MarketSnapshots needs 1..1024 symbols, got ${symbolCount}`);
    }
    const buffer = new SharedArrayBuffer(HEADER_BYTES + symbolCount * BLOCK_SLOTS * 8);
    const header = new Int32Array(buffer, 0, 2);
    header[1] = symbolCount;
    Atomics.store(header, 0, MAGIC);
    return new MarketSnapshots(buffer);
  }

  static attach(buffer: SharedArrayBuffer): MarketSnapshots {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES) {
      throw new Error('MarketSnapshots.attach: expected the SharedArrayBuffer of a snapshot set');
    }
    return new MarketSnapshots(buffer);
  }

  /**
   * Publishes the symbol's new top of book. Only the symbol's one writer thread may call
   * it. mid is derived here so it always matches bid and ask.
   */
  write(
    symbol: number,
    timestampUs: number,
    bestBid: number,
    bestAsk: number,
    imbalanceE9: number,
    spreadBpsE2: number,
    sequence: number,
  ): void {
    this.checkSymbol(symbol);
    const base = symbol * BLOCK_SLOTS;
    const seqIndex = base * 2;
    const slots = this.slots;
    const seq = this.seqWords[seqIndex]!; // only this thread writes it: a plain read is current
    Atomics.store(this.seqWords, seqIndex, (seq + 1) | 0); // odd: write in progress
    slots[base + TIMESTAMP_US] = timestampUs;
    slots[base + BEST_BID] = bestBid;
    slots[base + BEST_ASK] = bestAsk;
    slots[base + MID] = bestBid > 0 && bestAsk > 0 ? (bestBid + bestAsk) / 2 : 0;
    slots[base + IMBALANCE_E9] = imbalanceE9;
    slots[base + SPREAD_BPS_E2] = spreadBpsE2;
    slots[base + BOOK_SEQ] = sequence;
    // Even: consistent again. 0 means "never written", so the wrap after 2^31 writes skips it.
    const done = (seq + 2) | 0;
    Atomics.store(this.seqWords, seqIndex, done === 0 ? 2 : done);
  }

  /**
   * Copies the symbol's latest consistent snapshot into `into`. Returns false (leaving
   * `into` untouched) when nothing was ever written for the symbol.
   */
  read(symbol: number, into: SnapshotView): boolean {
    this.checkSymbol(symbol);
    const base = symbol * BLOCK_SLOTS;
    const seqIndex = base * 2;
    const slots = this.slots;
    for (;;) {
      const before = Atomics.load(this.seqWords, seqIndex);
      if (before === 0) return false;
      if ((before & 1) !== 0) continue; // a write is in progress; it takes nanoseconds
      const timestampUs = slots[base + TIMESTAMP_US]!;
      const bestBid = slots[base + BEST_BID]!;
      const bestAsk = slots[base + BEST_ASK]!;
      const mid = slots[base + MID]!;
      const imbalanceE9 = slots[base + IMBALANCE_E9]!;
      const spreadBpsE2 = slots[base + SPREAD_BPS_E2]!;
      const sequence = slots[base + BOOK_SEQ]!;
      if (Atomics.load(this.seqWords, seqIndex) !== before) continue; // torn: try again
      into.timestampUs = timestampUs;
      into.bestBid = bestBid;
      into.bestAsk = bestAsk;
      into.mid = mid;
      into.imbalanceE9 = imbalanceE9;
      into.spreadBpsE2 = spreadBpsE2;
      into.sequence = sequence;
      return true;
    }
  }

  /**
   * The seqlock word of a symbol: changes (by 2) on every write, so a reader can tell
   * cheaply whether there is anything new since its last read.
   */
  version(symbol: number): number {
    this.checkSymbol(symbol);
    return Atomics.load(this.seqWords, symbol * BLOCK_SLOTS * 2);
  }

  private checkSymbol(symbol: number): void {
    if (!(symbol >= 0 && symbol < this.symbolCount) || !Number.isInteger(symbol)) {
      throw new RangeError(
        `MarketSnapshots: symbol index ${symbol} is outside 0..${this.symbolCount - 1}`,
      );
    }
  }
}
