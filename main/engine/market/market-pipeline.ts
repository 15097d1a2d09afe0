import {
  FEED_STATES,
  feedStateCode,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  type FeedState,
} from '../../../shared/domain.js';
import {
  FeedStateUpdate,
  MarketHeader,
  MarketRecord,
  MarketUpdate,
  MAX_LEVELS,
  TradeUpdate,
} from '../../../shared/records.js';
import {
  BookSync,
  DiffOutcome,
  SnapshotOutcome,
  type BookState,
  type SnapshotOutcomeCode,
} from './book-sync.js';
import { DepthSnapshot } from './depth-snapshot.js';
import { FrameParser, ParseStatus } from './frame-parser.js';
import { FrameKind, type ParsedFrame } from './parsed-frame.js';
import { TradeIdFilter } from './trade-id-filter.js';
import { textOf } from './text-of.js';
import type { LogFn } from '../../../shared/log.js';

/**
 * The one market-data code path, used live (exchange-client.ts), in replay, by
 * `lockstep book` and by `features`: parse a frame, keep each symbol's book with
 * Binance's sync procedure, and emit fixed-layout records (shared/records.ts
 * MarketUpdate, TradeUpdate, FeedStateUpdate) to a sink. The record array is reused: the sink copies what it needs.
 *
 * Emitted records, each with `seq` from one counter across all symbols:
 * - BOOK after each applied diff, and after a snapshot that (re)starts a book (diffs that
 *   were buffered while waiting are folded into that one record, so `tsUs` never goes
 *   backwards);
 * - TRADE per trade frame (with the trade id and the book's sync state), once per trade
 *   id: a repeated trade is dropped like a stale diff (TradeIdFilter);
 * - FEED_STATE per symbol when its state changes (its FEED_STATES index): the
 *   connection's state, or `syncing` while that symbol's book is not synced.
 */

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
  /** A diff already contained in the book, or a trade already seen. */
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
  /** Trade frames dropped because their trade id was already seen (a duplicate). */
  duplicateTrades: number;
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
    duplicateTrades: 0,
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
  /**
   * Where the next frame or snapshot comes from (`file:line` in a replay; '' live): every
   * log message names it, so a refused frame can be found in the file.
   */
  source = '';
  /**
   * With `source` the file: the line number, kept apart so a replay sets a number per
   * line and the `file:line` text is only made when a message is logged; 0 = none.
   */
  sourceLine = 0;
  readonly symbols: readonly string[];
  private readonly parser: FrameParser;
  private readonly syncs: BookSync[];
  private readonly tradeIds: TradeIdFilter[];
  private readonly snapshot = new DepthSnapshot();
  private readonly record = new Float64Array(MarketRecord.SLOTS);
  private readonly bookOut = new MarketUpdate();
  private readonly tradeOut = new TradeUpdate();
  private readonly feedOut = new FeedStateUpdate();
  private readonly endOut = new MarketHeader();
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
    this.tradeIds = this.symbols.map(() => new TradeIdFilter());
    this.snapshotRequested = this.symbols.map(() => false);
    this.publishedState = this.symbols.map(() => NO_STATE);
    this.depthLevels = Math.max(
      0,
      Math.min(MAX_LEVELS, options.depthLevelsForRecord ?? MAX_LEVELS),
    );
    this.onNeedSnapshot = options.onNeedSnapshot;
    const log = options.log;
    this.log =
      log === undefined
        ? () => undefined
        : (level, message, data) =>
            log(level, this.source === '' ? message : `${this.where()}: ${message}`, data);
    const levels = MarketUpdate.levelArrays(this.record, 0);
    this.bidPrices = levels.bidPrices;
    this.bidQtys = levels.bidQtys;
    this.askPrices = levels.askPrices;
    this.askQtys = levels.askQtys;
  }

  private where(): string {
    return this.sourceLine > 0 ? `${this.source}:${this.sourceLine}` : this.source;
  }

  /**
   * Parses a copy of a depth frame with the live parser and returns it, or null when it
   * is not a depth diff of a kept symbol; no book, counter or sync state changes. For
   * keep_warm's dry passes: the parser keeps nothing from one frame to the next, so the
   * next live frame parses exactly as it would have without this.
   */
  dryParse(bytes: Uint8Array, length: number): ParsedFrame | null {
    const parser = this.parser;
    if (!parser.scanOnly(bytes, length)) return null;
    const frame = parser.frame;
    return frame.kind === FrameKind.DEPTH && frame.symbolIndex >= 0 ? frame : null;
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

  /** One stream frame as received; bytes may be bytes[start, end) of a larger buffer. */
  onFrame(
    data: Uint8Array | string,
    tsUs: number,
    t0Us: number,
    start = 0,
    end = data.length,
  ): FrameOutcomeCode {
    const counters = this.counters;
    counters.frames++;
    const status = this.parser.parse(data, start, end);
    if (status === ParseStatus.MALFORMED) {
      counters.malformed++;
      this.lastError = this.parser.lastError;
      this.log('warn', `malformed frame dropped: ${this.lastError}`, {
        frame: excerpt(data, start, end),
      });
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
      if (!this.tradeIds[index]!.accept(frame)) {
        counters.duplicateTrades++;
        return FrameOutcome.STALE;
      }
      counters.trades++;
      const trade = this.tradeOut.begin(
        this.record,
        0,
        asSymbolIndex(index),
        ++this.seq,
        asTimestampUs(tsUs),
        t0Us,
      );
      trade.tradeId = frame.tradeId;
      trade.synced = sync.synced;
      trade.price = asPrice(frame.price);
      trade.qty = asQty(frame.qty);
      trade.isBuyerMaker = frame.buyerMaker;
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
      this.tradeIds[i]!.reset();
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
    this.endOut.writeEnd(this.record, 0, ++this.seq, asTimestampUs(tsUs));
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
    const code = feedStateCode(state);
    if (this.publishedState[index] === code) return;
    this.publishedState[index] = code;
    const r = this.feedOut.begin(
      this.record,
      0,
      asSymbolIndex(index),
      ++this.seq,
      asTimestampUs(tsUs),
    );
    r.updateId = sync.lastUpdateId;
    r.synced = sync.synced;
    r.feedState = code;
    this.emit();
  }

  private emitBook(index: number, tsUs: number, t0Us: number): void {
    const sync = this.syncs[index]!;
    const r = this.bookOut.begin(
      this.record,
      0,
      asSymbolIndex(index),
      ++this.seq,
      asTimestampUs(tsUs),
      t0Us,
    );
    r.updateId = sync.lastUpdateId;
    r.synced = sync.synced;
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
    r.bidCount = bids;
    r.askCount = asks;
    this.counters.bookUpdates++;
    this.emit();
  }

  private emit(): void {
    this.counters.records++;
    this.sink(this.record);
  }
}

function excerpt(data: Uint8Array | string, start: number, end: number): string {
  const text = textOf(data, start, end);
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}
