import { formatFixed } from '../../../shared/domain.js';
import { DiffBuffer } from './diff-buffer.js';
import type { DepthSnapshot } from './depth-snapshot.js';
import { OrderBook } from './order-book.js';
import type { ParsedFrame } from './parsed-frame.js';

/**
 * Binance's documented local order book procedure for one symbol (DESIGN.md §4):
 * buffer diffs until a snapshot; a snapshot whose lastUpdateId + 1 is below the first
 * buffered U is too old (take another; lastUpdateId + 1 == U continues the book exactly and
 * is used); drop diffs with u <= lastUpdateId; the first
 * applied diff must have U <= lastUpdateId + 1 <= u; each next diff U == previous u + 1.
 * A gap, or a crossed book, means resync: the book is marked unsynced until a fresh
 * snapshot restarts it. Never a silently wrong book.
 */

export const DiffOutcome = {
  /** Applied to a synced book. */
  APPLIED: 1,
  /** Held until a snapshot arrives. */
  BUFFERED: 2,
  /** u <= the book's update id: already contained, dropped. */
  STALE: 3,
  /** Sequence gap: the book is unsynced and needs a snapshot. */
  GAP: 4,
  /** Applied, but the book crossed: unsynced, needs a snapshot. */
  CROSSED: 5,
  /** The wait buffer was full: it was emptied (the next snapshot must be newer). */
  OVERFLOW: 6,
} as const;
export type DiffOutcomeCode = (typeof DiffOutcome)[keyof typeof DiffOutcome];

export const SnapshotOutcome = {
  /** The snapshot (re)started the book, buffered diffs applied, and it is synced. */
  APPLIED: 1,
  /** lastUpdateId + 1 below the first buffered U: another snapshot is needed. */
  TOO_OLD: 2,
  /** The book is already synced; a snapshot adds nothing (a recording's periodic one). */
  NOT_NEEDED: 3,
  /** Restarted, but the buffered diffs had a gap (or the book crossed): another is needed. */
  RESTARTED_THEN_LOST: 4,
  MALFORMED: 5,
  UNKNOWN_SYMBOL: 6,
} as const;
export type SnapshotOutcomeCode = (typeof SnapshotOutcome)[keyof typeof SnapshotOutcome];

export interface SyncCounters {
  applied: number;
  buffered: number;
  stale: number;
  gaps: number;
  resyncs: number;
  crossed: number;
  bufferOverflows: number;
  snapshotsApplied: number;
  snapshotsTooOld: number;
  snapshotsNotNeeded: number;
}

/** What a consumer may read about a symbol's book. */
export interface BookState {
  readonly symbol: string;
  readonly book: OrderBook;
  readonly synced: boolean;
  /** u of the last applied diff, or the snapshot's lastUpdateId. */
  readonly lastUpdateId: number;
  readonly counters: Readonly<SyncCounters>;
  /** Why the book last lost sync ('' while it never did). */
  readonly lastLossReason: string;
}

export class BookSync implements BookState {
  readonly book: OrderBook;
  synced = false;
  lastUpdateId = 0;
  lastLossReason = '';
  readonly counters: SyncCounters = {
    applied: 0,
    buffered: 0,
    stale: 0,
    gaps: 0,
    resyncs: 0,
    crossed: 0,
    bufferOverflows: 0,
    snapshotsApplied: 0,
    snapshotsTooOld: 0,
    snapshotsNotNeeded: 0,
  };
  /** True between a snapshot and the first diff applied on it (the straddle rule). */
  private awaitingFirst = false;
  private readonly buffer: DiffBuffer;
  private readonly setLevel = (isBid: boolean, price: number, qty: number): void => {
    if (isBid) this.book.bids.set(price, qty);
    else this.book.asks.set(price, qty);
  };

  constructor(
    readonly symbol: string,
    options: { windowTicks?: number; maxBufferedDiffs?: number } = {},
  ) {
    this.book = new OrderBook(symbol, options.windowTicks);
    this.buffer = new DiffBuffer(options.maxBufferedDiffs);
  }

  get bufferedDiffs(): number {
    return this.buffer.length;
  }

  /** A depth diff (frame.kind DEPTH) of this symbol. */
  onDiff(frame: ParsedFrame): DiffOutcomeCode {
    if (!this.synced) {
      if (!this.buffer.push(frame)) {
        this.buffer.clear();
        this.counters.bufferOverflows++;
        this.buffer.push(frame);
        return DiffOutcome.OVERFLOW;
      }
      this.counters.buffered++;
      return DiffOutcome.BUFFERED;
    }
    const U = frame.firstUpdateId;
    const u = frame.lastUpdateId;
    if (u <= this.lastUpdateId) {
      this.counters.stale++;
      return DiffOutcome.STALE;
    }
    // The continuity rule, written out: a call taking U (a double past 2^31) would box it.
    if (this.awaitingFirst ? U > this.lastUpdateId + 1 : U !== this.lastUpdateId + 1) {
      this.loseSync(
        `gap: expected U ${this.awaitingFirst ? '<=' : '='} ${this.lastUpdateId + 1}, got U=${U} u=${u}`,
      );
      this.counters.gaps++;
      this.buffer.clear();
      this.buffer.push(frame);
      this.counters.buffered++;
      return DiffOutcome.GAP;
    }
    const book = this.book;
    for (let i = 0; i < frame.bidCount; i++) book.bids.setAt(frame.bidPrices, frame.bidQtys, i);
    for (let i = 0; i < frame.askCount; i++) book.asks.setAt(frame.askPrices, frame.askQtys, i);
    this.lastUpdateId = u;
    this.awaitingFirst = false;
    this.counters.applied++;
    if (book.isCrossed()) {
      this.loseSync(`crossed book after u=${u}: ${this.describeTouch()}`);
      this.counters.crossed++;
      this.buffer.clear();
      return DiffOutcome.CROSSED;
    }
    return DiffOutcome.APPLIED;
  }

  /** A validated REST snapshot of this symbol (or a recording's snapshot line). */
  onSnapshot(snapshot: DepthSnapshot): SnapshotOutcomeCode {
    if (this.synced) {
      this.counters.snapshotsNotNeeded++;
      return SnapshotOutcome.NOT_NEEDED;
    }
    const L = snapshot.lastUpdateId;
    const buffer = this.buffer;
    // L + 1 == U is the exact continuation (the diff starts right after the snapshot).
    if (buffer.length > 0 && L + 1 < buffer.firstUpdateId(0)) {
      this.counters.snapshotsTooOld++;
      return SnapshotOutcome.TOO_OLD;
    }
    const book = this.book;
    book.clear();
    for (let i = 0; i < snapshot.bidCount; i++)
      book.bids.setAt(snapshot.bidPrices, snapshot.bidQtys, i);
    for (let i = 0; i < snapshot.askCount; i++)
      book.asks.setAt(snapshot.askPrices, snapshot.askQtys, i);
    this.lastUpdateId = L;
    this.synced = true;
    this.awaitingFirst = true;
    this.counters.snapshotsApplied++;
    if (book.isCrossed()) {
      this.loseSync(`snapshot ${L} is crossed: ${this.describeTouch()}`);
      this.counters.crossed++;
      return SnapshotOutcome.RESTARTED_THEN_LOST;
    }
    // Replay what was buffered: stale ones drop, the first must straddle, then contiguous.
    const n = buffer.length;
    for (let i = 0; i < n; i++) {
      const U = buffer.firstUpdateId(i);
      const u = buffer.lastUpdateId(i);
      if (u <= this.lastUpdateId) {
        this.counters.stale++;
        continue;
      }
      if (!this.continues(U)) {
        this.loseSync(
          `gap in buffered diffs: expected U ${this.awaitingFirst ? '<=' : '='} ${this.lastUpdateId + 1}, got U=${U} u=${u}`,
        );
        this.counters.gaps++;
        buffer.dropFirst(i); // keep the diffs from the gap on for the next snapshot
        return SnapshotOutcome.RESTARTED_THEN_LOST;
      }
      buffer.forEachLevel(i, this.setLevel);
      this.lastUpdateId = u;
      this.awaitingFirst = false;
      this.counters.applied++;
      if (book.isCrossed()) {
        this.loseSync(`crossed book after buffered u=${u}: ${this.describeTouch()}`);
        this.counters.crossed++;
        buffer.dropFirst(i + 1);
        return SnapshotOutcome.RESTARTED_THEN_LOST;
      }
    }
    buffer.clear();
    return SnapshotOutcome.APPLIED;
  }

  /** The connection was replaced: whatever comes next needs a fresh snapshot (not a gap). */
  reset(): void {
    this.synced = false;
    this.awaitingFirst = false;
    this.buffer.clear();
  }

  /** The crossed touch in the exchange's decimals (the book keeps 1e-8 units). */
  private describeTouch(): string {
    return `best bid ${formatFixed(this.book.bestBid())} >= best ask ${formatFixed(this.book.bestAsk())}`;
  }

  private continues(U: number): boolean {
    return this.awaitingFirst ? U <= this.lastUpdateId + 1 : U === this.lastUpdateId + 1;
  }

  /** Marks the book unsynced; the caller decides which buffered diffs remain useful. */
  private loseSync(reason: string): void {
    this.synced = false;
    this.awaitingFirst = false;
    this.lastLossReason = reason;
    this.counters.resyncs++;
  }
}
