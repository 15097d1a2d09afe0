import { validateConfig, type Config } from '../../../shared/config.js';
import { asQty, asSymbolIndex, asTimestampUs, TradingStateCode } from '../../../shared/domain.js';
import {
  MarketRecord,
  MarketUpdate,
  MAX_LEVELS,
  OrderRecord,
  PersistRecord,
} from '../../../shared/records.js';
import { Rng } from '../core/rng.js';
import { PaperBroker } from '../execution/paper-broker.js';
import type { BookState } from '../market/book-sync.js';
import type { MarketPipeline } from '../market/market-pipeline.js';
import { OrderBook } from '../market/order-book.js';
import { StrategyCore, StrategyOutput } from '../strategy/strategy-core.js';

/** Shadow quantities are scaled so the imbalance swings hard enough to fire both ways. */
const LIGHT_SIDE = 0.1;
/** Depth frames up to this size are kept for the dry parse (Binance's are ≤ a few KiB). */
const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Keeps the tick-to-trade path warm while the market is quiet (docs/ARCHITECTURE.md §8): on a
 * shared 2-core machine an idle path loses its caches and branch history, and the same
 * frame 10 ms after the last costs 15× one that follows back to back.
 *
 * A pass reads the live books' top levels and the live feature vectors (read-only: the
 * data the next tick touches stays in cache), then drives a shadow strategy and shadow
 * paper broker — the same classes, so the same compiled code and the same branches —
 * with the latest live book record, its sizes skewed one way and then the other so the
 * signal fires, the risk check passes, the order is sized and the broker matches it.
 * Nothing is emitted (the shadow broker's rows go nowhere, its ids are its own) and
 * nothing live changes: no order, position, counter, histogram or id of the engine.
 */
export class WarmPath {
  private readonly shadowCore: StrategyCore;
  private readonly shadowBroker: PaperBroker;
  /** Scratch books the latest frame's levels are applied to (the book code, not the live books). */
  private readonly shadowBooks: OrderBook[];
  /** A copy of the latest live depth frame's bytes, for the dry parse. */
  private readonly frameBytes = new Uint8Array(MAX_FRAME_BYTES + 1);
  private frameLength = 0;
  private readonly books: BookState[];
  private readonly latest = new Float64Array(MarketRecord.SLOTS);
  private readonly liveView = new MarketUpdate();
  private readonly shadowView = new MarketUpdate();
  private readonly record = new Float64Array(MarketRecord.SLOTS);
  private readonly orderOut = new Float64Array(OrderRecord.SLOTS);
  private readonly signalOut = new Float64Array(PersistRecord.SLOTS);
  private readonly prices = new Float64Array(MAX_LEVELS);
  private readonly qtys = new Float64Array(MAX_LEVELS);
  private readonly depth: number;
  private haveBook = false;
  private flip = false;
  private seq = 0;
  private tsUs = 0;
  private shadowOrderId = 0;
  private passes = 0;
  /** Read by nobody; it keeps the reads from being optimised away. */
  checksum = 0;
  /** Shadow orders the broker matched (tests: the pass reaches the broker). */
  shadowOrders = 0;

  constructor(
    config: Config,
    private readonly pipeline: MarketPipeline,
    private readonly core: StrategyCore,
    private readonly broker: PaperBroker,
  ) {
    const symbols = config.strategy.symbols;
    this.depth = config.strategy.params.depth_levels;
    this.books = symbols.map((symbol) => pipeline.book(symbol));
    this.shadowBooks = symbols.map((symbol) => new OrderBook(symbol));
    // The live config, with a threshold the skewed book always passes and limits that
    // never bind: every stage runs on every pass.
    const shadow = validateConfig({
      ...config,
      strategy: {
        ...config.strategy,
        enable_ml: false,
        params: {
          ...config.strategy.params,
          imbalance_threshold: 0.2,
          min_confidence: 0.3,
          max_position_size: 1000,
        },
        risk_limits: {
          ...config.strategy.risk_limits,
          max_position_size: 1000,
          max_order_size: 0.001,
          max_notional_exposure: 1e12,
          max_orders_per_second: 10_000,
        },
      },
    });
    this.shadowCore = new StrategyCore(shadow, {
      symbols,
      nextOrderId: () => ++this.shadowOrderId,
      rng: new Rng(0x3a7f),
    });
    this.shadowBroker = new PaperBroker(shadow, {
      symbols,
      strategyIds: [config.strategy.strategy_id],
      rng: new Rng(0x3a80),
      sink: () => undefined,
    });
  }

  /** The hot loop hands every live BOOK record here (one copy, no allocation). */
  remember(rec: Float64Array): void {
    this.latest.set(rec);
    this.haveBook = true;
  }

  /**
   * The hot loop hands every live depth frame the byte scanner parsed here, after its
   * tick (one copy of its bytes, no allocation); larger frames are not kept.
   */
  rememberFrame(data: Uint8Array): void {
    if (data.length > MAX_FRAME_BYTES) return;
    this.frameBytes.set(data, 0);
    this.frameBytes[data.length] = 0;
    this.frameLength = data.length;
  }

  /** One dry pass; a few µs. */
  pass(): void {
    let sum = 0;
    // The frame's path: the live parser (it keeps nothing between frames) on the copied
    // bytes, then its levels into a scratch book — the scanner's and the book's code and
    // the parser's buffers, which the shadow strategy below does not touch.
    if (this.frameLength > 0) {
      const frame = this.pipeline.dryParse(this.frameBytes, this.frameLength);
      if (frame === null) this.frameLength = 0;
      else {
        const book = this.shadowBooks[frame.symbolIndex]!;
        // Diffs alone never drop a level the exchange forgot while disconnected: start the
        // scratch book afresh now and then so it cannot grow over days.
        if ((this.passes & 0xfffff) === 0) book.clear();
        for (let i = 0; i < frame.bidCount; i++) book.bids.setAt(frame.bidPrices, frame.bidQtys, i);
        for (let i = 0; i < frame.askCount; i++) book.asks.setAt(frame.askPrices, frame.askQtys, i);
        sum += frame.bidCount + frame.askCount;
      }
    }
    const liveBroker = this.broker;
    for (let s = 0; s < this.books.length; s++) {
      const symbol = asSymbolIndex(s);
      // The live broker's positions and open quantities, read as the next tick reads them.
      sum += liveBroker.position(symbol) + liveBroker.openQuantity(symbol, 1);
      if (s === 0) sum += liveBroker.prepareNextOrder();
      const book = this.books[s]!.book;
      sum += book.bids.top(this.depth, this.prices, this.qtys);
      sum += this.qtys[0]!;
      sum += book.asks.top(this.depth, this.prices, this.qtys);
      sum += this.qtys[0]!;
      const values = this.core.featureSet(symbol).vector.values;
      for (let i = 0; i < values.length; i++) sum += values[i]!;
    }
    this.checksum = sum;
    if (!this.haveBook) return;
    const r = this.record;
    r.set(this.latest);
    const live = this.liveView.read(this.latest, 0);
    const symbol = live.symbol;
    const updateId = live.updateId;
    const bidCount = live.bidCount;
    const askCount = live.askCount;
    this.tsUs = Math.max(this.tsUs + 1000, live.tsUs);
    // A fresh header (levels kept), then the light side's sizes cut.
    const book = this.shadowView.begin(r, 0, symbol, ++this.seq, asTimestampUs(this.tsUs), 0);
    book.updateId = updateId;
    book.synced = true;
    book.bidCount = bidCount;
    book.askCount = askCount;
    this.flip = !this.flip;
    if (this.flip) {
      for (let i = 0; i < askCount; i++)
        book.setAsk(i, book.askPrice(i), asQty(Math.round(book.askQty(i) * LIGHT_SIDE)));
    } else {
      for (let i = 0; i < bidCount; i++)
        book.setBid(i, book.bidPrice(i), asQty(Math.round(book.bidQty(i) * LIGHT_SIDE)));
    }
    const core = this.shadowCore;
    const broker = this.shadowBroker;
    // Now and then the kill switch's path: halt (cancelling the shadow's open orders) and
    // re-arm, so a trader's first halt does not run it cold.
    if ((++this.passes & 255) === 0) {
      core.setTradingState(TradingStateCode.HALTED);
      broker.setTradingState(TradingStateCode.HALTED);
      core.setTradingState(TradingStateCode.ACTIVE);
      broker.setTradingState(TradingStateCode.ACTIVE);
    }
    core.setPosition(symbol, broker.position(symbol));
    core.setOpenOrders(symbol, broker.openQuantity(symbol, 1), broker.openQuantity(symbol, -1));
    const flags = core.onMarket(r, 0, this.orderOut, this.signalOut);
    broker.onMarket(r, 0);
    if ((flags & StrategyOutput.ORDER) !== 0) {
      broker.onOrder(this.orderOut, 0);
      this.shadowOrders++;
    }
  }
}
