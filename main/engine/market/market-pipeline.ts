import { FEED_STATES, type FeedState } from '../../../shared/domain.js';
import { MarketKind, MarketRecord, MAX_LEVELS } from '../../../shared/records.js';
import {
  BookSync,
  DiffOutcome,
  SnapshotOutcome,
  type BookState,
  type SnapshotOutcomeCode,
} from './book-sync.js';
import { DepthSnapshot } from './depth-snapshot.js';
import { FrameParser, ParseStatus } from './frame-parser.js';
import { FrameKind } from './parsed-frame.js';
import type { LogFn } from '../../../shared/log.js';

/**
 * The one market-data code path, used live (exchange-client.ts), in replay, by
 * `lockstep book` and by `features`: parse a frame, keep each symbol's book with
 * Binance's sync procedure, and emit fixed-layout records (shared/records.ts
 * MarketRecord) to a sink. The record array is reused: the sink copies what it needs.
 *
 * Emitted records, each with SEQ from one counter across all symbols:
 * - BOOK after each applied diff, and after a snapshot that (re)starts a book (diffs that
 *   were buffered while waiting are folded into that one record, so TS_US never goes
 *   backwards);
 * - TRADE per trade frame (UPDATE_ID holds the trade id, SYNCED the book's state);
 * - FEED_STATE per symbol when its state changes (FLAGS = index in FEED_STATES): the
 *   connection's state, or `syncing` while that symbol's book is not synced.
 */

/** The shared LogFn under the name main/engine/process still imports. */
export type MarketLog = LogFn;

export interface MarketPipelineOptions {
  /** Book levels per side copied into each BOOK record (≤ MAX_LEVELS, default MAX_LEVELS). */
  depthLevelsForRecord?: number;
  /** A symbol needs a REST snapshot (first diff buffered, gap, crossed, snapshot too old). */
  onNeedSnapshot?(symbol: string): void;
  log?: LogFn;
  /** Dense window of each book side in ticks (see BookSide). */
  windowTicks?: number;
}

export const FrameOutcome = {
  MALFORMED: 0,
  BOOK_UPDATED: 1,
  BUFFERED: 2,
  STALE: 3,
  GAP: 4,
  CROSSED: 5,
  TRADE: 6,
  BOOK_TICKER: 7,
  IGNORED: 8,
  UNKNOWN_SYMBOL: 9,
} as const;
export type FrameOutcomeCode = (typeof FrameOutcome)[keyof typeof FrameOutcome];

export interface MarketCounters {
  frames: number;
  depthFrames: number;
  trades: number;
  bookTickers: number;
  ignored: number;
  unknownSymbol: number;
  malformed: number;
  fallbackParses: number;
  /** Book updates emitted (applied diffs and book restarts). */
  bookUpdates: number;
  applied: number;
  stale: number;
  gaps: number;
  resyncs: number;
  crossed: number;
  snapshots: number;
  snapshotsTooOld: number;
  records: number;
}

const NO_STATE = -1;

export class MarketPipeline {
  readonly counters: MarketCounters = {
    frames: 0,
    depthFrames: 0,
    trades: 0,
    bookTickers: 0,
    ignored: 0,
    unknownSymbol: 0,
    malformed: 0,
    fallbackParses: 0,
    bookUpdates: 0,
    applied: 0,
    stale: 0,
    gaps: 0,
    resyncs: 0,
    crossed: 0,
    snapshots: 0,
    snapshotsTooOld: 0,
    records: 0,
  };
  /** Why the last frame or snapshot was refused. */
  lastError = '';
  readonly symbols: readonly string[];
  private readonly parser: FrameParser;
  private readonly syncs: BookSync[];
  private readonly snapshot = new DepthSnapshot();
  private readonly record = new Float64Array(MarketRecord.SLOTS);
  private readonly bidPrices: Float64Array;
  private readonly bidQtys: Float64Array;
  private readonly askPrices: Float64Array;
  private readonly askQtys: Float64Array;
  private readonly depthLevels: number;
  private readonly snapshotRequested: boolean[];
  private readonly publishedState: number[];
  private connectionState: FeedState = 'live';
  private seq = 0;
  private onNeedSnapshot: ((symbol: string) => void) | undefined;
  private readonly log: LogFn;

  constructor(
    symbols: readonly string[],
    options: MarketPipelineOptions,
    private readonly sink: (record: Float64Array) => void,
  ) {
    this.parser = new FrameParser(symbols);
    this.symbols = this.parser.symbols.symbols;
    this.syncs = this.symbols.map(
      (symbol) => new BookSync(symbol, { windowTicks: options.windowTicks }),
    );
    this.snapshotRequested = this.symbols.map(() => false);
    this.publishedState = this.symbols.map(() => NO_STATE);
    this.depthLevels = Math.max(
      0,
      Math.min(MAX_LEVELS, options.depthLevelsForRecord ?? MAX_LEVELS),
    );
    this.onNeedSnapshot = options.onNeedSnapshot;
    this.log = options.log ?? (() => undefined);
    const r = this.record;
    this.bidPrices = r.subarray(MarketRecord.BID_PRICE, MarketRecord.BID_PRICE + MAX_LEVELS);
    this.bidQtys = r.subarray(MarketRecord.BID_QTY, MarketRecord.BID_QTY + MAX_LEVELS);
    this.askPrices = r.subarray(MarketRecord.ASK_PRICE, MarketRecord.ASK_PRICE + MAX_LEVELS);
    this.askQtys = r.subarray(MarketRecord.ASK_QTY, MarketRecord.ASK_QTY + MAX_LEVELS);
  }

  /** Routes snapshot requests (the exchange client installs its fetcher here). */
  setSnapshotRequester(requester: ((symbol: string) => void) | undefined): void {
    this.onNeedSnapshot = requester;
  }

  symbolIndex(symbol: string): number {
    return this.symbols.indexOf(symbol);
  }

  /** Read access to a symbol's book; throws for a symbol the pipeline does not keep. */
  book(symbol: string): BookState {
    const index = this.symbols.indexOf(symbol);
    if (index < 0)
      throw new Error(`no book for ${symbol}: the pipeline keeps ${this.symbols.join(', ')}`);
    return this.syncs[index]!;
  }

  /** True while the symbol waits for a snapshot it asked for. */
  wantsSnapshot(symbol: string): boolean {
    const index = this.symbols.indexOf(symbol);
    return index >= 0 && !this.syncs[index]!.synced;
  }

  /** One stream frame as received. */
  onFrame(data: Uint8Array | string, tsUs: number, t0Us: number): FrameOutcomeCode {
    const counters = this.counters;
    counters.frames++;
    const status = this.parser.parse(data);
    if (status === ParseStatus.MALFORMED) {
      counters.malformed++;
      this.lastError = this.parser.lastError;
      this.log('warn', `malformed frame dropped: ${this.lastError}`, { frame: excerpt(data) });
      return FrameOutcome.MALFORMED;
    }
    if (status === ParseStatus.FALLBACK) counters.fallbackParses++;
    const frame = this.parser.frame;
    if (frame.kind === FrameKind.IGNORED) {
      counters.ignored++;
      return FrameOutcome.IGNORED;
    }
    const index = frame.symbolIndex;
    if (index < 0) {
      counters.unknownSymbol++;
      return FrameOutcome.UNKNOWN_SYMBOL;
    }
    if (frame.kind === FrameKind.BOOK_TICKER) {
      counters.bookTickers++;
      return FrameOutcome.BOOK_TICKER;
    }
    const sync = this.syncs[index]!;
    if (frame.kind === FrameKind.TRADE) {
      counters.trades++;
      const r = this.beginRecord(MarketKind.TRADE, index, tsUs, t0Us);
      r[MarketRecord.UPDATE_ID] = frame.tradeId;
      r[MarketRecord.SYNCED] = sync.synced ? 1 : 0;
      r[MarketRecord.BID_COUNT] = frame.price; // TradeRecord.PRICE
      r[MarketRecord.ASK_COUNT] = frame.qty; // TradeRecord.QTY
      r[MarketRecord.FLAGS] = frame.buyerMaker ? 1 : 0; // TradeRecord.IS_BUYER_MAKER
      this.emit();
      return FrameOutcome.TRADE;
    }
    counters.depthFrames++;
    const outcome = sync.onDiff(frame);
    switch (outcome) {
      case DiffOutcome.APPLIED:
        counters.applied++;
        this.emitBook(index, tsUs, t0Us);
        return FrameOutcome.BOOK_UPDATED;
      case DiffOutcome.BUFFERED:
      case DiffOutcome.OVERFLOW:
        this.requestSnapshotOnce(index);
        this.publishState(index, tsUs);
        return FrameOutcome.BUFFERED;
      case DiffOutcome.STALE:
        counters.stale++;
        return FrameOutcome.STALE;
      case DiffOutcome.GAP:
        counters.gaps++;
        counters.resyncs++;
        this.log(
          'warn',
          `${sync.symbol}: sequence ${sync.lastLossReason}; resyncing from a new snapshot`,
          {
            gaps: sync.counters.gaps,
          },
        );
        this.requestSnapshot(index);
        this.publishState(index, tsUs);
        return FrameOutcome.GAP;
      default:
        counters.applied++;
        counters.crossed++;
        counters.resyncs++;
        this.log('warn', `${sync.symbol}: ${sync.lastLossReason}; resyncing from a new snapshot`);
        this.requestSnapshot(index);
        this.publishState(index, tsUs);
        return FrameOutcome.CROSSED;
    }
  }

  /**
   * A REST depth snapshot (body text, bytes, or the parsed object) fetched for symbol, or a
   * recording's snapshot line.
   */
  onSnapshot(
    symbol: string,
    data: Uint8Array | string | object,
    tsUs: number,
    t0Us = 0,
  ): SnapshotOutcomeCode {
    const index = this.symbols.indexOf(symbol);
    if (index < 0) {
      this.lastError = `snapshot for ${symbol}, which this pipeline does not keep`;
      return SnapshotOutcome.UNKNOWN_SYMBOL;
    }
    const problem = this.snapshot.read(data);
    if (problem !== null) {
      this.counters.malformed++;
      this.lastError = problem;
      this.log('warn', `${symbol}: malformed snapshot refused: ${problem}`);
      this.requestSnapshot(index);
      return SnapshotOutcome.MALFORMED;
    }
    const sync = this.syncs[index]!;
    const c = sync.counters;
    const [applied, stale, gaps, crossed] = [c.applied, c.stale, c.gaps, c.crossed];
    const outcome = sync.onSnapshot(this.snapshot);
    this.counters.applied += c.applied - applied;
    this.counters.stale += c.stale - stale;
    switch (outcome) {
      case SnapshotOutcome.APPLIED:
        this.counters.snapshots++;
        this.snapshotRequested[index] = false;
        this.log('info', `${symbol}: book synced from snapshot ${this.snapshot.lastUpdateId}`, {
          lastUpdateId: sync.lastUpdateId,
        });
        this.emitBook(index, tsUs, t0Us);
        this.publishState(index, tsUs);
        break;
      case SnapshotOutcome.TOO_OLD:
        this.counters.snapshotsTooOld++;
        this.log(
          'info',
          `${symbol}: snapshot ${this.snapshot.lastUpdateId} is older than the first buffered diff; taking another`,
        );
        this.requestSnapshot(index);
        break;
      case SnapshotOutcome.RESTARTED_THEN_LOST:
        this.counters.snapshots++;
        this.counters.resyncs++;
        this.counters.gaps += c.gaps - gaps;
        this.counters.crossed += c.crossed - crossed;
        this.log('warn', `${symbol}: ${sync.lastLossReason}; resyncing from a new snapshot`);
        this.requestSnapshot(index);
        this.publishState(index, tsUs);
        break;
      default:
        break;
    }
    return outcome;
  }

  /**
   * The connection's state (exchange client). Per symbol the published state is this one,
   * except that an open connection shows `syncing` for a book that is not synced.
   */
  setConnectionState(state: FeedState, tsUs: number): void {
    this.connectionState = state;
    for (let i = 0; i < this.syncs.length; i++) this.publishState(i, tsUs);
  }

  /** A new connection: every book needs a fresh snapshot (not counted as a gap). */
  resetForReconnect(): void {
    for (let i = 0; i < this.syncs.length; i++) {
      this.syncs[i]!.reset();
      this.snapshotRequested[i] = false;
    }
  }

  /** The state last published for a symbol. */
  feedState(symbol: string): FeedState {
    const index = this.symbols.indexOf(symbol);
    const code = index < 0 ? NO_STATE : this.publishedState[index]!;
    return code === NO_STATE ? this.connectionState : FEED_STATES[code]!;
  }

  /** Emits a MarketKind.END record (end of a replay). */
  end(tsUs: number): void {
    this.beginRecord(MarketKind.END, 0, tsUs, 0);
    this.emit();
  }

  private requestSnapshotOnce(index: number): void {
    if (!this.snapshotRequested[index]) this.requestSnapshot(index);
  }

  private requestSnapshot(index: number): void {
    this.snapshotRequested[index] = true;
    this.onNeedSnapshot?.(this.symbols[index]!);
  }

  private publishState(index: number, tsUs: number): void {
    const open = this.connectionState === 'live' || this.connectionState === 'syncing';
    const sync = this.syncs[index]!;
    const state: FeedState = open ? (sync.synced ? 'live' : 'syncing') : this.connectionState;
    const code = FEED_STATES.indexOf(state);
    if (this.publishedState[index] === code) return;
    this.publishedState[index] = code;
    const r = this.beginRecord(MarketKind.FEED_STATE, index, tsUs, 0);
    r[MarketRecord.UPDATE_ID] = sync.lastUpdateId;
    r[MarketRecord.SYNCED] = sync.synced ? 1 : 0;
    r[MarketRecord.FLAGS] = code;
    this.emit();
  }

  private emitBook(index: number, tsUs: number, t0Us: number): void {
    const sync = this.syncs[index]!;
    const r = this.beginRecord(MarketKind.BOOK, index, tsUs, t0Us);
    r[MarketRecord.UPDATE_ID] = sync.lastUpdateId;
    r[MarketRecord.SYNCED] = sync.synced ? 1 : 0;
    const n = this.depthLevels;
    const bids = sync.book.bids.top(n, this.bidPrices, this.bidQtys);
    const asks = sync.book.asks.top(n, this.askPrices, this.askQtys);
    if (bids < MAX_LEVELS) {
      this.bidPrices.fill(0, bids);
      this.bidQtys.fill(0, bids);
    }
    if (asks < MAX_LEVELS) {
      this.askPrices.fill(0, asks);
      this.askQtys.fill(0, asks);
    }
    r[MarketRecord.BID_COUNT] = bids;
    r[MarketRecord.ASK_COUNT] = asks;
    r[MarketRecord.FLAGS] = 0;
    this.counters.bookUpdates++;
    this.emit();
  }

  private beginRecord(kind: number, symbolIndex: number, tsUs: number, t0Us: number): Float64Array {
    const r = this.record;
    r[MarketRecord.KIND] = kind;
    r[MarketRecord.SYMBOL] = symbolIndex;
    r[MarketRecord.SEQ] = ++this.seq;
    r[MarketRecord.TS_US] = tsUs;
    r[MarketRecord.T0_US] = t0Us;
    r[MarketRecord.UPDATE_ID] = 0;
    r[MarketRecord.SYNCED] = 0;
    r[MarketRecord.BID_COUNT] = 0;
    r[MarketRecord.ASK_COUNT] = 0;
    r[MarketRecord.FLAGS] = 0;
    // Level slots mean something only in BOOK records; keep them zero elsewhere.
    if (kind !== MarketKind.BOOK) r.fill(0, MarketRecord.BID_PRICE);
    return r;
  }

  private emit(): void {
    this.counters.records++;
    this.sink(this.record);
  }
}

function excerpt(data: Uint8Array | string): string {
  const text =
    typeof data === 'string'
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}
