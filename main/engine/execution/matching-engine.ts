import { OrderTypeCode, type Price, type Qty } from '../../../shared/domain.js';
import type { MarketUpdate } from '../../../shared/records.js';
import { BrokerBook } from './broker-book.js';
import { Liquidity, type LiquidityCode } from './fee-model.js';
import { MICRO_BPS_PER_UNIT, divCeil, divFloor, microBps } from './fixed-math.js';
import { NO_REASON, orderReasonIndex } from './order-reasons.js';
import type { PaperOrder } from './paper-order.js';
import type { QueueModel } from './queue-model.js';

const UNIT = MICRO_BPS_PER_UNIT;
const BOOK_UNSYNCED = orderReasonIndex('book_unsynced');
const POST_ONLY_WOULD_CROSS = orderReasonIndex('post_only_would_cross');
const FOK_UNFILLABLE = orderReasonIndex('fok_unfillable');

/** Where the matching engine's fills go: the broker books them (positions, rows, status). */
export interface FillListener {
  /** A fill of `qty` at `price`; the broker settles the order's status afterwards. */
  fill(order: PaperOrder, price: Price, qty: Qty, liquidity: LiquidityCode): void;
  /** A resting order filled (maker): settle its status now. */
  settleResting(order: PaperOrder): void;
}

/** Maker fills by cause, for the broker's counters. */
export interface MakerFillCounters {
  tradeThroughFills: number;
  queueFills: number;
  crossFills: number;
  probabilisticFills: number;
}

/**
 * One symbol's simulated exchange, in the style of hftbacktest's exchange models: its
 * book (the last BOOK record, plus what our own taking removed), and the rules by which
 * our orders fill against it, with the queue model deciding fills at a resting order's
 * own price. It matches; it does not own orders or know their lifecycle (the broker does).
 *
 * At arrival: Market / Limit / IOC take the opposite side level by level up to the limit
 * (taker, adverse slippage rounded to the tick); PostOnly is refused if it would cross;
 * FOK is refused unless it fills entirely.
 * Resting orders fill (maker, at their own price) when
 * 1. a trade prints through their price: all of the rest fills;
 * 2. a trade prints at their price: the queue model says how much reaches them;
 * 3. a book record crosses their price: all of the rest fills;
 * 4. on a book record, at (or inside) the touch with no trade at or through the price
 *    since the previous book record: the queue model's undecided fill.
 */
export class MatchingEngine {
  readonly book = new BrokerBook();
  private readonly slippageMicroBps: bigint;
  private readonly hasSlippage: boolean;

  constructor(
    private readonly queue: QueueModel,
    private readonly tickSize: Price,
    slippageBps: number,
    private readonly listener: FillListener,
    private readonly counters: MakerFillCounters,
  ) {
    this.slippageMicroBps = BigInt(microBps(slippageBps));
    this.hasSlippage = this.slippageMicroBps !== BigInt(0);
  }

  /** Takes a BOOK record as the market's view. */
  loadBook(update: MarketUpdate): void {
    this.book.load(update);
  }

  /**
   * Matches an order arriving at the exchange. Returns NO_REASON when it was handled
   * (taken what it could; the broker settles its status), or the ORDER_REASONS index of
   * why it is refused.
   */
  arrive(order: PaperOrder): number {
    const book = this.book;
    if (!book.hasBook || !book.synced) return BOOK_UNSYNCED;
    const side = order.side;
    const limit =
      order.type === OrderTypeCode.Market ? (side > 0 ? Infinity : -Infinity) : order.price;
    switch (order.type) {
      case OrderTypeCode.Market:
      case OrderTypeCode.Limit:
      case OrderTypeCode.IOC:
        this.take(order, limit);
        break;
      case OrderTypeCode.PostOnly: {
        const opposite = book.bestAvailable(-side);
        if (side > 0 ? opposite <= limit : opposite >= limit) return POST_ONLY_WOULD_CROSS;
        break;
      }
      case OrderTypeCode.FOK:
        if (book.available(side, limit) < order.qty) return FOK_UNFILLABLE;
        this.take(order, limit);
        break;
    }
    return NO_REASON;
  }

  /** The order starts resting at its price: it queues behind what the book shows there. */
  rest(order: PaperOrder): void {
    const book = this.book;
    this.queue.join(
      order,
      book.shows(order.side, order.price) ? book.displayedAt(order.side, order.price) : NaN,
    );
  }

  /** A restored order rejoins at the back of an unknown queue. */
  rejoin(order: PaperOrder): void {
    this.queue.join(order, NaN);
  }

  /** A resting order meets a synced book record. */
  onBook(order: PaperOrder): void {
    const book = this.book;
    const side = order.side;
    const price = order.price;
    const opposite = book.best(-side);
    if (side > 0 ? opposite <= price : opposite >= price) {
      this.counters.crossFills++;
      this.fillResting(order, order.remaining);
      return;
    }
    if (book.shows(side, price)) this.queue.onDepth(order, book.displayedAt(side, price));
    const touch = book.best(side);
    const atTouch = Number.isNaN(touch) || (side > 0 ? price >= touch : price <= touch);
    const undecided = atTouch && !order.sawTradeSinceBook;
    order.sawTradeSinceBook = false;
    if (undecided && this.queue.undecidedFill(order)) {
      this.counters.probabilisticFills++;
      this.fillResting(order, order.remaining);
    }
  }

  /** A resting order meets a trade print. */
  onTrade(order: PaperOrder, price: Price, qty: Qty): void {
    const through = order.side > 0 ? price < order.price : price > order.price;
    if (through) {
      order.sawTradeSinceBook = true;
      this.counters.tradeThroughFills++;
      this.fillResting(order, order.remaining);
    } else if (price === order.price) {
      order.sawTradeSinceBook = true;
      const reaching = Math.floor(this.queue.onTrade(order, qty));
      if (reaching > 0) {
        this.counters.queueFills++;
        this.fillResting(order, Math.min(reaching, order.remaining) as Qty);
      }
    }
  }

  mid(): number {
    return this.book.mid();
  }

  private fillResting(order: PaperOrder, qty: Qty): void {
    this.listener.fill(order, order.price, qty, Liquidity.MAKER);
    this.listener.settleResting(order);
  }

  /** Walks the opposite side up to `limit`, filling as taker level by level. */
  private take(order: PaperOrder, limit: number): void {
    const book = this.book;
    const side = order.side;
    const px = side > 0 ? book.askPx : book.bidPx;
    const qty = side > 0 ? book.askQty : book.bidQty;
    const taken = side > 0 ? book.askTaken : book.bidTaken;
    const count = side > 0 ? book.askCount : book.bidCount;
    for (let i = 0; i < count && order.remaining > 0; i++) {
      const levelPrice = px[i]!;
      if (side > 0 ? levelPrice > limit : levelPrice < limit) break;
      const available = qty[i]! - taken[i]!;
      if (available <= 0) continue;
      const size = available < order.remaining ? available : order.remaining;
      taken[i] = taken[i]! + size;
      this.listener.fill(order, this.slipped(side, levelPrice), size as Qty, Liquidity.TAKER);
    }
  }

  /** The taker price after adverse slippage, rounded adversely to the tick. */
  private slipped(side: number, price: number): Price {
    if (!this.hasSlippage) return price as Price;
    const tick = BigInt(this.tickSize);
    if (side > 0)
      return Number(
        divCeil(BigInt(price) * (UNIT + this.slippageMicroBps), UNIT * tick) * tick,
      ) as Price;
    return Number(
      divFloor(BigInt(price) * (UNIT - this.slippageMicroBps), UNIT * tick) * tick,
    ) as Price;
  }
}
