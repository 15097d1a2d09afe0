import { Rng } from '../engine/core/rng.js';
import {
  FrameKind,
  streamsOf,
  type FrameOutput,
  type SimBookView,
  type SymbolStreams,
} from './frame-output.js';
import type { LevelLadder } from './level-ladder.js';
import { OrderFlowModel, type OrderFlowListener } from './order-flow-model.js';
import type { SymbolProfile } from './symbol-profiles.js';
import {
  aggTradeJson,
  bookTickerJson,
  decimal8,
  depthSnapshotJson,
  depthUpdateJson,
  tradeJson,
} from './wire-format.js';

export interface GeneratedMarketOptions {
  /** Wall-clock ms of simulated time 0 (E and T are epochMs + simulated ms). */
  readonly epochMs: number;
  /** Interval of the `@depth@100ms` stream in simulated ms (1000 / rate). */
  readonly diffIntervalMs: number;
}

const SLOW_DIFF_MS = 1000;

/**
 * One generated symbol as Binance publishes it: the order-flow model's events numbered
 * with update ids (one id per book change), batched into `depthUpdate` diffs at fixed
 * boundaries of simulated time (every `diffIntervalMs` for `@depth@100ms`, every second
 * for `@depth`), with `trade`/`aggTrade` per fill and `bookTicker` per change of the top.
 *
 * Batching follows simulated time, not timer callbacks, so the frames are the same
 * whatever the event loop's jitter: the seed fixes every payload, and E/T are epochMs +
 * simulated time. Each diff carries every level touched in its interval with the
 * level's quantity at the interval's end (0 = gone), U = previous diff's u + 1.
 */
export class GeneratedMarket implements OrderFlowListener {
  readonly symbol: string;
  readonly streams: SymbolStreams;
  readonly model: OrderFlowModel;
  /** Id of the latest book change. */
  lastUpdateId: number;
  /** u of the latest `@depth@100ms` diff boundary (the published book's id). */
  publishedUpdateId: number;
  private tradeId: number;
  private aggTradeId: number;
  private readonly tickUnits: number;
  private readonly stepUnits: number;
  private readonly epochMs: number;
  private readonly fastMs: number;
  private nextFastMs: number;
  private nextSlowMs: number;
  private fastFirstId: number;
  private slowFirstId: number;
  private readonly fastBids = new Set<number>();
  private readonly fastAsks = new Set<number>();
  private readonly slowBids = new Set<number>();
  private readonly slowAsks = new Set<number>();
  private out: FrameOutput | null = null;
  private topBid = NaN;
  private topBidQty = 0;
  private topAsk = NaN;
  private topAskQty = 0;
  private published: {
    bids: Float64Array;
    bidQtys: Float64Array;
    bidCount: number;
    asks: Float64Array;
    askQtys: Float64Array;
    askCount: number;
  } = {
    bids: new Float64Array(0),
    bidQtys: new Float64Array(0),
    bidCount: 0,
    asks: new Float64Array(0),
    askQtys: new Float64Array(0),
    askCount: 0,
  };

  constructor(
    readonly profile: SymbolProfile,
    seed: number,
    options: GeneratedMarketOptions,
  ) {
    if (!(options.diffIntervalMs >= 1))
      throw new Error(`diff interval must be at least 1 ms, got ${options.diffIntervalMs}`);
    this.symbol = profile.symbol;
    this.streams = streamsOf(profile.symbol);
    this.tickUnits = profile.tickUnits;
    this.stepUnits = profile.stepUnits;
    this.epochMs = options.epochMs;
    this.fastMs = options.diffIntervalMs;
    const rng = new Rng(mixSeed(seed, profile.symbol));
    // Ids in the range real Binance symbols show, so clients meet realistic magnitudes.
    this.lastUpdateId = 10_000_000_000 + rng.int(1_000_000_000);
    this.tradeId = 1_000_000_000 + rng.int(1_000_000_000);
    this.aggTradeId = 500_000_000 + rng.int(500_000_000);
    this.model = new OrderFlowModel(profile, rng);
    this.model.listener = this;
    this.publishedUpdateId = this.lastUpdateId;
    this.fastFirstId = this.lastUpdateId + 1;
    this.slowFirstId = this.lastUpdateId + 1;
    this.nextFastMs = this.fastMs;
    this.nextSlowMs = SLOW_DIFF_MS;
    this.rememberTop();
    this.publish();
  }

  /** Simulated ms reached so far. */
  get timeMs(): number {
    return this.model.timeMs;
  }

  /**
   * Runs the market up to simulated time `simMs`, emitting frames in time order: trades
   * and book tickers as their events happen, diffs at each boundary passed.
   */
  advanceTo(simMs: number, out: FrameOutput): void {
    this.out = out;
    const model = this.model;
    for (;;) {
      const boundary = Math.min(this.nextFastMs, this.nextSlowMs);
      if (model.nextEventMs < boundary && model.nextEventMs <= simMs) {
        if (model.step()) {
          this.lastUpdateId++;
          this.emitBookTickerIfChanged();
        }
        continue;
      }
      if (boundary > simMs) break;
      if (this.nextFastMs === boundary) {
        this.flushFast(boundary);
        this.nextFastMs += this.fastMs;
      }
      if (this.nextSlowMs === boundary) {
        this.flushSlow(boundary);
        this.nextSlowMs += SLOW_DIFF_MS;
      }
    }
    if (model.timeMs < simMs) model.timeMs = simMs;
    this.out = null;
  }

  /**
   * Publishes the changes since the last boundary now, as one more diff (pausing the
   * market): afterwards the stream, REST snapshots and publishedBook() all show the same
   * book, so a client can catch up with a paused simulator exactly.
   */
  flushNow(out: FrameOutput): void {
    this.out = out;
    const nowMs = this.model.timeMs;
    this.flushFast(nowMs);
    this.flushSlow(nowMs);
    this.out = null;
  }

  /**
   * Jumps simulated time forward with no events in between (after a stall). Changes not
   * yet published go out in the next diff, so update ids stay continuous.
   */
  skipTo(simMs: number): void {
    if (simMs <= this.model.timeMs) return;
    this.model.skipTo(simMs);
    this.nextFastMs = (Math.floor(simMs / this.fastMs) + 1) * this.fastMs;
    this.nextSlowMs = (Math.floor(simMs / SLOW_DIFF_MS) + 1) * SLOW_DIFF_MS;
  }

  /** REST depth snapshot body of the current book (best `limit` levels a side). */
  snapshotJson(limit: number): string {
    const m = this.model;
    return depthSnapshotJson(
      this.lastUpdateId,
      this.levelsJsonOf(m.bids, limit),
      this.levelsJsonOf(m.asks, limit),
    );
  }

  /** The current book, every level (for tests and the sample recorder). */
  currentBook(): SimBookView {
    const m = this.model;
    return {
      symbol: this.symbol,
      lastUpdateId: this.lastUpdateId,
      synced: true,
      bids: this.viewOf(m.bids),
      asks: this.viewOf(m.asks),
    };
  }

  /**
   * The book as of the latest `@depth@100ms` diff boundary: exactly what a client that has
   * applied every diff up to u = lastUpdateId holds.
   */
  publishedBook(): SimBookView {
    const p = this.published;
    const side = (
      prices: Float64Array,
      qtys: Float64Array,
      count: number,
    ): Array<[string, string]> => {
      const out: Array<[string, string]> = [];
      for (let i = 0; i < count; i++)
        out.push([decimal8(prices[i]! * this.tickUnits), decimal8(qtys[i]! * this.stepUnits)]);
      return out;
    };
    return {
      symbol: this.symbol,
      lastUpdateId: this.publishedUpdateId,
      synced: true,
      bids: side(p.bids, p.bidQtys, p.bidCount),
      asks: side(p.asks, p.askQtys, p.askCount),
    };
  }

  // OrderFlowListener

  levelTouched(isBid: boolean, priceTicks: number): void {
    if (isBid) {
      this.fastBids.add(priceTicks);
      this.slowBids.add(priceTicks);
    } else {
      this.fastAsks.add(priceTicks);
      this.slowAsks.add(priceTicks);
    }
  }

  levelFilled(
    priceTicks: number,
    qtySteps: number,
    buyerIsMaker: boolean,
    makerQtys: Float64Array,
    makers: number,
  ): void {
    const out = this.out;
    const timeMs = Math.floor(this.epochMs + this.model.timeMs);
    const price = priceTicks * this.tickUnits;
    const firstTradeId = this.tradeId + 1;
    const wantTrades = out?.wants(this.streams.trade) === true;
    for (let i = 0; i < makers; i++) {
      this.tradeId++;
      if (wantTrades) {
        out!.emit(
          this.streams.trade,
          FrameKind.TRADE,
          tradeJson(
            this.symbol,
            timeMs,
            this.tradeId,
            price,
            makerQtys[i]! * this.stepUnits,
            timeMs,
            buyerIsMaker,
          ),
        );
      }
    }
    this.aggTradeId++;
    if (out?.wants(this.streams.aggTrade)) {
      out.emit(
        this.streams.aggTrade,
        FrameKind.AGG_TRADE,
        aggTradeJson(
          this.symbol,
          timeMs,
          this.aggTradeId,
          price,
          qtySteps * this.stepUnits,
          firstTradeId,
          this.tradeId,
          timeMs,
          buyerIsMaker,
        ),
      );
    }
  }

  private emitBookTickerIfChanged(): void {
    const m = this.model;
    const bid = m.bids.bestPrice();
    const bidQty = m.bids.bestQty();
    const ask = m.asks.bestPrice();
    const askQty = m.asks.bestQty();
    if (
      bid === this.topBid &&
      bidQty === this.topBidQty &&
      ask === this.topAsk &&
      askQty === this.topAskQty
    )
      return;
    this.rememberTop();
    // A side that emptied has no ticker to show; Binance never shows an empty top either.
    if (Number.isNaN(bid) || Number.isNaN(ask)) return;
    const out = this.out;
    if (out?.wants(this.streams.bookTicker)) {
      out.emit(
        this.streams.bookTicker,
        FrameKind.BOOK_TICKER,
        bookTickerJson(
          this.symbol,
          this.lastUpdateId,
          bid * this.tickUnits,
          bidQty * this.stepUnits,
          ask * this.tickUnits,
          askQty * this.stepUnits,
        ),
      );
    }
  }

  private rememberTop(): void {
    const m = this.model;
    this.topBid = m.bids.bestPrice();
    this.topBidQty = m.bids.bestQty();
    this.topAsk = m.asks.bestPrice();
    this.topAskQty = m.asks.bestQty();
  }

  private flushFast(boundaryMs: number): void {
    this.publish();
    if (this.fastFirstId > this.lastUpdateId) return; // nothing changed: Binance sends nothing
    const stream = this.streams.depth100;
    if (this.out?.wants(stream)) {
      const payload = depthUpdateJson(
        this.symbol,
        Math.floor(this.epochMs + boundaryMs),
        this.fastFirstId,
        this.lastUpdateId,
        this.diffLevelsJson(this.fastBids, true),
        this.diffLevelsJson(this.fastAsks, false),
      );
      this.out.emit(stream, FrameKind.DEPTH, payload);
    }
    this.fastBids.clear();
    this.fastAsks.clear();
    this.fastFirstId = this.lastUpdateId + 1;
  }

  private flushSlow(boundaryMs: number): void {
    if (this.slowFirstId > this.lastUpdateId) return;
    const stream = this.streams.depth1000;
    if (this.out?.wants(stream)) {
      const payload = depthUpdateJson(
        this.symbol,
        Math.floor(this.epochMs + boundaryMs),
        this.slowFirstId,
        this.lastUpdateId,
        this.diffLevelsJson(this.slowBids, true),
        this.diffLevelsJson(this.slowAsks, false),
      );
      this.out.emit(stream, FrameKind.DEPTH, payload);
    }
    this.slowBids.clear();
    this.slowAsks.clear();
    this.slowFirstId = this.lastUpdateId + 1;
  }

  /** Touched levels, best first, each with its quantity now (0 when the level went). */
  private diffLevelsJson(touched: Set<number>, isBid: boolean): string {
    if (touched.size === 0) return '[]';
    const side = isBid ? this.model.bids : this.model.asks;
    const prices = Array.from(touched).sort(isBid ? (a, b) => b - a : (a, b) => a - b);
    let text = '[';
    for (let i = 0; i < prices.length; i++) {
      if (i > 0) text += ',';
      const price = prices[i]!;
      text += `["${decimal8(price * this.tickUnits)}","${decimal8(side.qtyOf(price) * this.stepUnits)}"]`;
    }
    return text + ']';
  }

  private levelsJsonOf(side: LevelLadder, limit: number): string {
    const count = Math.min(limit, side.count);
    let text = '[';
    for (let i = 0; i < count; i++) {
      if (i > 0) text += ',';
      text += `["${decimal8(side.priceAt(i) * this.tickUnits)}","${decimal8(side.qtyAt(i) * this.stepUnits)}"]`;
    }
    return text + ']';
  }

  private viewOf(side: LevelLadder): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 0; i < side.count; i++)
      out.push([
        decimal8(side.priceAt(i) * this.tickUnits),
        decimal8(side.qtyAt(i) * this.stepUnits),
      ]);
    return out;
  }

  /** Copies the book at a diff boundary (a few hundred levels, ten times a second: cheap). */
  private publish(): void {
    const m = this.model;
    const p = this.published;
    if (p.bids.length < m.bids.count) {
      p.bids = new Float64Array(m.bids.count * 2);
      p.bidQtys = new Float64Array(m.bids.count * 2);
    }
    if (p.asks.length < m.asks.count) {
      p.asks = new Float64Array(m.asks.count * 2);
      p.askQtys = new Float64Array(m.asks.count * 2);
    }
    p.bidCount = m.bids.copyTop(m.bids.count, p.bids, p.bidQtys);
    p.askCount = m.asks.copyTop(m.asks.count, p.asks, p.askQtys);
    this.publishedUpdateId = this.lastUpdateId;
  }
}

/** Per-symbol seed: the same run seed gives each symbol its own, stable stream of draws. */
export function mixSeed(seed: number, symbol: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++)
    hash = Math.imul(hash ^ symbol.charCodeAt(i), 0x01000193) >>> 0;
  return (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ hash) >>> 0;
}
