import {
  FIXED_SCALE,
  TradingStateCode,
  formatFixed,
  symbolSpecFor,
} from '../../../shared/domain.js';
import type { Config } from '../../../shared/config.js';
import type { FillView, OrderView, PositionView } from '../../../shared/api.js';
import { uuidToWords } from '../../../shared/client-order-id.js';
import {
  MarketKind,
  MarketRecord,
  OrderCommandKind,
  OrderRecord,
  PersistKind,
  PersistRecord,
  TradeRecord,
} from '../../../shared/records.js';
import type { Rng } from '../core/rng.js';
import { BrokerBook } from './broker-book.js';
import { MICRO_BPS_PER_UNIT, divCeil, divFloor, microBps } from './fixed-math.js';
import { FillSlot, RecentFills, RecentOrders } from './history.js';
import { NO_REASON, ORDER_REASONS, orderReasonIndex, type OrderReason } from './order-reasons.js';
import { OrderPool, PaperOrder, Status, Type, isTerminalStatus } from './paper-order.js';
import { Liquidity, PositionBook, type LiquidityCode } from './positions.js';
import {
  DEFAULT_QUEUE_POWER,
  depthAtLevel,
  joinQueue,
  queuePosition,
  tradeAtLevel,
} from './queue-model.js';
import { fillView, orderView, positionSnapshot, type PositionSnapshot } from './views.js';

/**
 * The paper broker: simulated matching of the strategy's orders against the recorded (or
 * live) book, on the DATA clock (record TS_US), single-threaded (the execution thread
 * wraps it). Every random draw comes from the seeded Rng, and the only inputs are the
 * records, so a replay fills identically.
 *
 * Order types
 * - Market: walks the visible book level by level; what the book cannot fill is
 *   cancelled (`no_liquidity`).
 * - Limit: the marketable part walks the levels up to the limit at once (taker); the rest
 *   rests at the limit (maker) until it fills or is cancelled.
 * - PostOnly: rejected `post_only_would_cross` if any opposite liquidity is at or through
 *   the limit; otherwise rests like a Limit.
 * - IOC: fills what it can now up to the limit; the rest is cancelled (`ioc_remainder`).
 * - FOK: fills entirely now up to the limit, or is rejected `fok_unfillable`.
 * Statuses: Pending (received, in flight) → Open → PartiallyFilled → Filled / Cancelled /
 * Rejected; every change is one PersistKind.ORDER record, every fill one FILL record.
 *
 * Latency: an order reaches the simulated exchange at TS_US + execution.latency_us. With
 * 0 it is matched at once against the book as the broker holds it (the wrapper feeds the
 * market records up to the order's TICK_SEQ first: that is the tick it answers). Otherwise
 * it waits in flight and is activated by the first market record whose TS_US reaches its
 * arrival time, BEFORE that record is applied (it arrived in the gap between the two).
 *
 * Resting orders fill (as maker, at their own price) when
 * 1. a trade prints through their price (below a buy, above a sell): all of the rest fills;
 * 2. a trade prints at their price: it consumes the queue ahead first, the excess fills us
 *    (queue-model.ts);
 * 3. a book record crosses their price (best ask ≤ buy price, best bid ≥ sell price): all
 *    of the rest fills;
 * 4. the seed's fallback, where the L2 data cannot decide: on a book record, for an order
 *    at (or inside) the touch when no trade printed at or through its price since the
 *    previous book record, the whole rest fills with probability
 *        queue_position × execution.fill_probability,
 *    queue_position = 1 − ahead / displayed (1 at the front of the queue, 0 at its back;
 *    queue-model.ts), decided by one draw of the seeded Rng per such order per book record.
 * Book records with SYNCED = 0 are kept but drive no fills and no queue changes (the book
 * may be wrong). Several of our orders at one price each see the whole trade (the model
 * does not queue our orders behind each other).
 *
 * Taker fills pay execution.slippage_bps adversely (a buy's price rises, a sell's falls),
 * rounded adversely to the symbol's tick; fees are execution.maker_fee_bps /
 * taker_fee_bps of the notional (positions.ts).
 *
 * Trading state (the control block word): HALTED cancels every open or in-flight order at
 * once and then refuses new orders (`kill_switch`), leaving only cancels and flatten;
 * REDUCING cancels the open orders that would grow |position| and refuses new ones that
 * would (`reducing_only`): an order reduces when it is against the position and its size,
 * plus the remaining size of the strategy's other open orders on that side, does not
 * exceed |position|.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PaperBrokerOptions {
  readonly symbols: readonly string[];
  readonly strategyIds: readonly string[];
  readonly rng: Rng;
  /** Receives each PersistRecord row; the array is reused, so the sink copies it. */
  readonly sink: (rec: Float64Array) => void;
  readonly log?: (level: LogLevel, msg: string, data?: Record<string, unknown>) => void;
  /** n of the queue model's f(x) = x^n (queue-model.ts); default execution.queue_power (2). */
  readonly queuePower?: number;
  /** Orders and fills kept for the window; default 200 each. */
  readonly historySize?: number;
}

/**
 * Ids of orders the broker makes itself (flatten) start here, far above any id the
 * strategy's counter reaches, so the two never collide in `orders.order_id`.
 */
export const INTERNAL_ORDER_ID_BASE = 2 ** 50;

export interface BrokerCounters {
  ordersReceived: number;
  ordersActivated: number;
  fills: number;
  takerFills: number;
  makerFills: number;
  /** Maker fills by cause. */
  tradeThroughFills: number;
  queueFills: number;
  crossFills: number;
  probabilisticFills: number;
  cancelled: number;
  filledOrders: number;
  /** Market records handled, by kind. */
  books: number;
  trades: number;
}

export interface BrokerSummary extends BrokerCounters {
  readonly [key: string]: unknown;
  /** NEW order records received. */
  readonly orders: number;
  /** Rejected orders and refused cancels, all reasons. */
  readonly rejections: number;
  readonly rejectionsByReason: Record<string, number>;
  /** Net position of the first symbol, base units. */
  readonly finalPosition: number;
  /** Net position per symbol, decimal strings. */
  readonly positions: Record<string, string>;
  /** Quote currency, fees included. */
  readonly realizedPnl: number;
  /** Quote currency, marked to the mid. */
  readonly unrealizedPnl: number;
  readonly openOrders: number;
}

export interface RestoredOrder {
  readonly orderId: number;
  /** The four uuid words of `strategy_<uuid>`. */
  readonly clientIdWords: readonly [number, number, number, number];
  readonly strategyIndex: number;
  readonly symbolIndex: number;
  readonly side: 1 | -1;
  /** ORDER_TYPES index. */
  readonly type: number;
  /** ORDER_STATUSES index: Pending, Open or PartiallyFilled. */
  readonly status: number;
  readonly price: number;
  readonly qty: number;
  readonly filledQty: number;
  readonly avgFillPrice: number;
  readonly fees: number;
  readonly createdUs: number;
  readonly updatedUs: number;
}

export interface RestoredPosition {
  readonly strategyIndex: number;
  readonly symbolIndex: number;
  /** Signed 1e-8 base units. */
  readonly qty: number;
  /** 1e-8 quote per base unit. */
  readonly avgCost: number;
  /** 1e-8 quote units. */
  readonly realizedPnl: number;
}

export interface RestoredIds {
  /** The next trade id (max(trade_id) + 1). */
  readonly nextTradeId: number;
  /** The next broker-made order id (≥ INTERNAL_ORDER_ID_BASE). */
  readonly nextInternalOrderId: number;
}

const UNIT = MICRO_BPS_PER_UNIT;

export class PaperBroker {
  readonly counters: BrokerCounters = {
    ordersReceived: 0,
    ordersActivated: 0,
    fills: 0,
    takerFills: 0,
    makerFills: 0,
    tradeThroughFills: 0,
    queueFills: 0,
    crossFills: 0,
    probabilisticFills: 0,
    cancelled: 0,
    filledOrders: 0,
    books: 0,
    trades: 0,
  };
  /** Rejections (and refused cancels) by ORDER_REASONS index. */
  readonly rejections = new Float64Array(ORDER_REASONS.length);

  private readonly symbols: readonly string[];
  private readonly strategyIds: readonly string[];
  private readonly rng: Rng;
  private readonly sink: (rec: Float64Array) => void;
  private readonly log: (level: LogLevel, msg: string, data?: Record<string, unknown>) => void;
  private readonly books: BrokerBook[];
  private readonly tickSizes: number[];
  private readonly positionBook: PositionBook;
  private readonly pool: OrderPool;
  private readonly history: RecentOrders;
  private readonly fillHistory: RecentFills;
  /** Pending (in flight) and resting orders, in arrival order. */
  private readonly active: PaperOrder[] = [];
  private readonly out = new Float64Array(PersistRecord.SLOTS);
  private readonly uuidWords = new Float64Array(4);
  private readonly latencyUs: number;
  private readonly fillProbability: number;
  private readonly queuePower: number;
  private readonly slippageMicroBps: bigint;
  private readonly hasSlippage: boolean;
  private tradingState: number = TradingStateCode.ACTIVE;
  private nowUs = 0;
  private nextTradeId = 1;
  private nextInternalOrderId = INTERNAL_ORDER_ID_BASE;
  /** Set by refuseOrder for the one order it records. */
  private refusal: OrderReason | null = null;

  constructor(config: Config, options: PaperBrokerOptions) {
    if (options.symbols.length === 0) throw new Error('the paper broker needs at least one symbol');
    if (options.strategyIds.length === 0)
      throw new Error('the paper broker needs at least one strategy id');
    const queuePower = options.queuePower ?? config.execution.queue_power ?? DEFAULT_QUEUE_POWER;
    if (!Number.isFinite(queuePower) || queuePower < 0)
      throw new Error(`queue power must be a finite number ≥ 0, got ${queuePower}`);
    this.symbols = options.symbols;
    this.strategyIds = options.strategyIds;
    this.rng = options.rng;
    this.sink = options.sink;
    this.log = options.log ?? (() => {});
    this.books = options.symbols.map(() => new BrokerBook());
    this.tickSizes = options.symbols.map((symbol) => symbolSpecFor(symbol).tickSize);
    const execution = config.execution;
    this.positionBook = new PositionBook(options.strategyIds.length, options.symbols.length, {
      makerFeeBps: execution.maker_fee_bps,
      takerFeeBps: execution.taker_fee_bps,
    });
    this.latencyUs = execution.latency_us;
    this.fillProbability = execution.fill_probability;
    this.queuePower = queuePower;
    this.slippageMicroBps = BigInt(microBps(execution.slippage_bps));
    this.hasSlippage = this.slippageMicroBps !== BigInt(0);
    const historySize = options.historySize ?? 200;
    this.pool = new OrderPool(historySize + 64);
    this.history = new RecentOrders(historySize, this.pool);
    this.fillHistory = new RecentFills(historySize);
  }

  // ------------------------------------------------------------------ market records

  onMarket(rec: Float64Array, off: number): void {
    const kind = rec[off + MarketRecord.KIND]!;
    const ts = rec[off + MarketRecord.TS_US]!;
    this.activateArrived(ts);
    this.nowUs = ts;
    if (kind === MarketKind.BOOK) {
      const symbol = rec[off + MarketRecord.SYMBOL]!;
      const book = this.books[symbol];
      if (book === undefined) {
        this.log('warn', `market record for unknown symbol index ${symbol} ignored`, {
          symbolIndex: symbol,
        });
        return;
      }
      book.load(rec, off);
      this.counters.books++;
      if (book.synced) this.onBook(symbol, book);
    } else if (kind === MarketKind.TRADE) {
      const symbol = rec[off + MarketRecord.SYMBOL]!;
      if (this.books[symbol] === undefined) {
        this.log('warn', `trade record for unknown symbol index ${symbol} ignored`, {
          symbolIndex: symbol,
        });
        return;
      }
      this.counters.trades++;
      this.onTrade(symbol, rec[off + TradeRecord.PRICE]!, rec[off + TradeRecord.QTY]!);
    }
  }

  /** The SEQ of the last book record seen for a symbol (-1 before any): the wrapper's matching tick. */
  bookSeq(symbol: number): number {
    return this.books[symbol]?.seq ?? -1;
  }

  private activateArrived(ts: number): void {
    for (let i = 0; i < this.active.length;) {
      const order = this.active[i]!;
      if (order.status === Status.PENDING && order.arrivalUs <= ts) {
        this.nowUs = order.arrivalUs;
        this.activate(order);
        // activate() may have removed it; only advance when it is still here.
        if (this.active[i] === order) i++;
      } else {
        i++;
      }
    }
  }

  private onBook(symbol: number, book: BrokerBook): void {
    for (let i = 0; i < this.active.length;) {
      const order = this.active[i]!;
      if (order.symbol !== symbol || order.status === Status.PENDING) {
        i++;
        continue;
      }
      this.restingOnBook(order, book);
      if (this.active[i] === order) i++;
    }
  }

  private restingOnBook(order: PaperOrder, book: BrokerBook): void {
    const side = order.side;
    const price = order.price;
    const opposite = book.best(-side);
    if (side > 0 ? opposite <= price : opposite >= price) {
      this.counters.crossFills++;
      this.fillResting(order, order.remaining);
      return;
    }
    if (book.shows(side, price))
      depthAtLevel(order, book.displayedAt(side, price), this.queuePower);
    const touch = book.best(side);
    const atTouch = Number.isNaN(touch) || (side > 0 ? price >= touch : price <= touch);
    const undecided = atTouch && !order.sawTradeSinceBook;
    order.sawTradeSinceBook = false;
    if (undecided && this.fillProbability > 0) {
      if (this.rng.next() < queuePosition(order) * this.fillProbability) {
        this.counters.probabilisticFills++;
        this.fillResting(order, order.remaining);
      }
    }
  }

  private onTrade(symbol: number, price: number, qty: number): void {
    for (let i = 0; i < this.active.length;) {
      const order = this.active[i]!;
      if (order.symbol !== symbol || order.status === Status.PENDING) {
        i++;
        continue;
      }
      const through = order.side > 0 ? price < order.price : price > order.price;
      if (through) {
        order.sawTradeSinceBook = true;
        this.counters.tradeThroughFills++;
        this.fillResting(order, order.remaining);
      } else if (price === order.price) {
        order.sawTradeSinceBook = true;
        const reaching = Math.floor(tradeAtLevel(order, qty));
        if (reaching > 0) {
          this.counters.queueFills++;
          this.fillResting(order, Math.min(reaching, order.remaining));
        }
      }
      if (this.active[i] === order) i++;
    }
  }

  private fillResting(order: PaperOrder, qty: number): void {
    this.fill(order, order.price, qty, Liquidity.MAKER);
    this.settleAfterFills(order, false);
  }

  // ------------------------------------------------------------------ order records

  onOrder(rec: Float64Array, off: number): void {
    const kind = rec[off + OrderRecord.KIND]!;
    const ts = rec[off + OrderRecord.TS_US]!;
    if (Number.isFinite(ts)) this.nowUs = ts;
    switch (kind) {
      case OrderCommandKind.NEW:
        this.newOrder(rec, off);
        return;
      case OrderCommandKind.CANCEL:
        this.cancelOrder(rec[off + OrderRecord.ORDER_ID]!);
        return;
      case OrderCommandKind.CANCEL_ALL:
        this.cancelAll();
        return;
      case OrderCommandKind.FLATTEN:
        this.flatten(rec[off + OrderRecord.SYMBOL]!);
        return;
      default:
        this.rejections[orderReasonIndex('invalid_order')]++;
        this.log('error', `order record of unknown kind ${kind} ignored`, { kind });
    }
  }

  private newOrder(rec: Float64Array, off: number): void {
    this.counters.ordersReceived++;
    const orderId = rec[off + OrderRecord.ORDER_ID]!;
    const symbol = rec[off + OrderRecord.SYMBOL]!;
    const strategy = rec[off + OrderRecord.STRATEGY]!;
    if (
      !this.isIndex(symbol, this.symbols.length) ||
      !this.isIndex(strategy, this.strategyIds.length) ||
      !(Number.isSafeInteger(orderId) && orderId > 0)
    ) {
      // No row can be written for it (no symbol or strategy to name): count and say why.
      this.rejections[orderReasonIndex('invalid_order')]++;
      this.log(
        'error',
        'order refused: its order id, symbol index or strategy index is not valid',
        { orderId, symbol, strategy },
      );
      return;
    }
    const order = this.pool.take();
    order.orderId = orderId;
    order.symbol = symbol;
    order.strategy = strategy;
    order.side = rec[off + OrderRecord.SIDE]!;
    order.type = rec[off + OrderRecord.TYPE]!;
    order.price = rec[off + OrderRecord.PRICE]!;
    order.qty = rec[off + OrderRecord.QTY]!;
    order.createdUs = this.nowUs;
    order.updatedUs = this.nowUs;
    order.arrivalUs = this.nowUs + this.latencyUs;
    order.clientId0 = rec[off + OrderRecord.CLIENT_ID_0]!;
    order.clientId1 = rec[off + OrderRecord.CLIENT_ID_1]!;
    order.clientId2 = rec[off + OrderRecord.CLIENT_ID_2]!;
    order.clientId3 = rec[off + OrderRecord.CLIENT_ID_3]!;
    this.history.add(order);
    const problem = this.invalidReason(order);
    if (problem !== null) {
      if (order.type < 0 || order.type > Type.FOK || !Number.isInteger(order.type))
        order.type = Type.MARKET;
      if (order.side !== 1 && order.side !== -1) order.side = 1;
      if (!Number.isFinite(order.price)) order.price = 0;
      if (!Number.isFinite(order.qty)) order.qty = 0;
      this.log('warn', `order ${orderId} rejected: ${problem}`, { orderId });
      this.reject(
        order,
        order.qty === 0 && problem.startsWith('quantity') ? 'zero_size' : 'invalid_order',
      );
      return;
    }
    if (this.isDuplicate(order)) {
      this.log('warn', `order ${orderId} rejected: an order with this id is already open`, {
        orderId,
      });
      this.reject(order, 'invalid_order');
      return;
    }
    this.emitOrder(order);
    if (this.refusal !== null) {
      this.reject(order, this.refusal);
      return;
    }
    if (!this.admissible(order)) return;
    if (this.latencyUs === 0) {
      this.active.push(order);
      this.activate(order);
    } else {
      this.active.push(order);
    }
  }

  /**
   * Records a NEW order that a risk check where the broker runs refused (the trader's own
   * orders): it is written like any order and rejected with `reason`, so the refusal
   * shows in the Orders table and the database.
   */
  refuseOrder(rec: Float64Array, off: number, reason: OrderReason): void {
    this.refusal = reason;
    try {
      this.onOrder(rec, off);
    } finally {
      this.refusal = null;
    }
  }

  private isIndex(value: number, length: number): boolean {
    return Number.isInteger(value) && value >= 0 && value < length;
  }

  private invalidReason(order: PaperOrder): string | null {
    if (order.side !== 1 && order.side !== -1)
      return `side must be +1 (buy) or -1 (sell), got ${order.side}`;
    if (!Number.isInteger(order.type) || order.type < Type.MARKET || order.type > Type.FOK)
      return `order type index must be 0..4, got ${order.type}`;
    if (!Number.isSafeInteger(order.qty) || order.qty <= 0)
      return `quantity must be a positive integer count of 1e-8 units, got ${order.qty}`;
    if (order.type !== Type.MARKET && (!Number.isSafeInteger(order.price) || order.price <= 0)) {
      return `a ${['Market', 'Limit', 'PostOnly', 'IOC', 'FOK'][order.type]} order needs a positive integer price in 1e-8 units, got ${order.price}`;
    }
    return null;
  }

  private isDuplicate(order: PaperOrder): boolean {
    for (let i = 0; i < this.active.length; i++)
      if (this.active[i]!.orderId === order.orderId) return true;
    return false;
  }

  /** The trading-state gate, at receipt and again at arrival; rejects and returns false. */
  private admissible(order: PaperOrder): boolean {
    if (order.isFlatten) return true;
    if (this.tradingState === TradingStateCode.HALTED) {
      this.reject(order, 'kill_switch');
      return false;
    }
    if (this.tradingState === TradingStateCode.REDUCING && !this.reduces(order)) {
      this.reject(order, 'reducing_only');
      return false;
    }
    return true;
  }

  /** Whether the order shrinks |position| even if every other open order on its side fills. */
  private reduces(order: PaperOrder): boolean {
    const held = this.positionBook.get(order.strategy, order.symbol).qty;
    if (held === 0 || held > 0 === order.side > 0) return false;
    let committed = order.remaining;
    for (let i = 0; i < this.active.length; i++) {
      const other = this.active[i]!;
      if (other === order) break; // earlier orders keep their claim; later ones are judged after
      if (
        other.strategy === order.strategy &&
        other.symbol === order.symbol &&
        other.side === order.side
      )
        committed += other.remaining;
    }
    return committed <= Math.abs(held);
  }

  private activate(order: PaperOrder): void {
    this.counters.ordersActivated++;
    order.updatedUs = this.nowUs;
    if (!this.admissible(order)) return;
    const book = this.books[order.symbol]!;
    if (!book.hasBook || !book.synced) {
      this.reject(order, 'book_unsynced');
      return;
    }
    const side = order.side;
    const limit = order.type === Type.MARKET ? (side > 0 ? Infinity : -Infinity) : order.price;
    switch (order.type) {
      case Type.MARKET:
      case Type.LIMIT:
      case Type.IOC:
        this.take(order, book, limit);
        break;
      case Type.POST_ONLY: {
        const opposite = book.bestAvailable(-side);
        if (side > 0 ? opposite <= limit : opposite >= limit) {
          this.reject(order, 'post_only_would_cross');
          return;
        }
        break;
      }
      case Type.FOK:
        if (book.available(side, limit) < order.qty) {
          this.reject(order, 'fok_unfillable');
          return;
        }
        this.take(order, book, limit);
        break;
    }
    this.settleAfterFills(order, true);
  }

  /** Walks the opposite side up to `limit`, filling as taker level by level. */
  private take(order: PaperOrder, book: BrokerBook, limit: number): void {
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
      this.fill(order, this.slipped(order.symbol, side, levelPrice), size, Liquidity.TAKER);
    }
  }

  /** The taker price after adverse slippage, rounded adversely to the tick. */
  private slipped(symbol: number, side: number, price: number): number {
    if (!this.hasSlippage) return price;
    const tick = BigInt(this.tickSizes[symbol]!);
    if (side > 0)
      return Number(divCeil(BigInt(price) * (UNIT + this.slippageMicroBps), UNIT * tick) * tick);
    return Number(divFloor(BigInt(price) * (UNIT - this.slippageMicroBps), UNIT * tick) * tick);
  }

  /**
   * After an activation's taker fills (`justArrived`) or a resting fill: the order's
   * next status, its ORDER record, and its removal from the active list when finished.
   */
  private settleAfterFills(order: PaperOrder, justArrived: boolean): void {
    if (order.remaining === 0) {
      this.counters.filledOrders++;
      this.finish(order, Status.FILLED, NO_REASON);
      return;
    }
    if (justArrived) {
      if (order.type === Type.MARKET) {
        this.finish(order, Status.CANCELLED, orderReasonIndex('no_liquidity'));
        return;
      }
      if (order.type === Type.IOC) {
        this.finish(order, Status.CANCELLED, orderReasonIndex('ioc_remainder'));
        return;
      }
      const book = this.books[order.symbol]!;
      joinQueue(
        order,
        book.shows(order.side, order.price) ? book.displayedAt(order.side, order.price) : NaN,
      );
    }
    order.status = order.filledQty > 0 ? Status.PARTIALLY_FILLED : Status.OPEN;
    order.updatedUs = this.nowUs;
    this.emitOrder(order);
  }

  private fill(order: PaperOrder, price: number, qty: number, liquidity: LiquidityCode): void {
    const outcome = this.positionBook.applyFill(
      order.strategy,
      order.symbol,
      order.side,
      price,
      qty,
      liquidity,
    );
    order.filledQty += qty;
    order.filledNotional += price * qty;
    order.fees += outcome.fee;
    order.updatedUs = this.nowUs;
    const tradeId = this.nextTradeId++;
    const c = this.counters;
    c.fills++;
    if (liquidity === Liquidity.MAKER) c.makerFills++;
    else c.takerFills++;
    const slot: FillSlot = this.fillHistory.claim();
    slot.tradeId = tradeId;
    slot.orderId = order.orderId;
    slot.strategy = order.strategy;
    slot.symbol = order.symbol;
    slot.side = order.side;
    slot.price = price;
    slot.qty = qty;
    slot.tsUs = this.nowUs;
    slot.fee = outcome.fee;
    slot.liquidity = liquidity;
    const r = this.beginRecord(PersistKind.FILL, order);
    r[PersistRecord.PRICE] = price;
    r[PersistRecord.QTY] = qty;
    r[PersistRecord.FILLED_QTY] = order.filledQty;
    r[PersistRecord.AVG_PRICE] = order.avgFillPrice();
    r[PersistRecord.AMOUNT_A] = outcome.realizedAfter;
    r[PersistRecord.AMOUNT_B] = outcome.qtyAfter;
    r[PersistRecord.AMOUNT_C] = outcome.avgCostAfter;
    r[PersistRecord.AMOUNT_D] = outcome.fee;
    r[PersistRecord.TRADE_ID] = tradeId;
    this.sink(r);
  }

  private reject(order: PaperOrder, reason: OrderReason): void {
    this.rejections[orderReasonIndex(reason)]++;
    this.finish(order, Status.REJECTED, orderReasonIndex(reason));
  }

  private finish(order: PaperOrder, status: number, reason: number): void {
    order.status = status;
    order.reason = reason;
    order.updatedUs = this.nowUs;
    if (status === Status.CANCELLED) this.counters.cancelled++;
    this.emitOrder(order);
    const index = this.active.indexOf(order);
    if (index >= 0) this.removeActiveAt(index);
    this.history.finished(order);
  }

  private removeActiveAt(index: number): void {
    const list = this.active;
    for (let i = index + 1; i < list.length; i++) list[i - 1] = list[i]!;
    list.length--;
  }

  // ------------------------------------------------------------------ records out

  private beginRecord(kind: number, order: PaperOrder): Float64Array {
    const r = this.out;
    r.fill(0);
    r[PersistRecord.KIND] = kind;
    r[PersistRecord.TS_US] = this.nowUs;
    r[PersistRecord.SYMBOL] = order.symbol;
    r[PersistRecord.ORDER_ID] = order.orderId;
    r[PersistRecord.SIDE] = order.side;
    r[PersistRecord.TYPE] = order.type;
    r[PersistRecord.STATUS] = order.status;
    r[PersistRecord.CLIENT_ID_0] = order.clientId0;
    r[PersistRecord.CLIENT_ID_1] = order.clientId1;
    r[PersistRecord.CLIENT_ID_2] = order.clientId2;
    r[PersistRecord.CLIENT_ID_3] = order.clientId3;
    r[PersistRecord.STRATEGY] = order.strategy;
    return r;
  }

  /**
   * ORDER row: PRICE limit (0 market), QTY, FILLED_QTY, AVG_PRICE (rounded to 1e-8),
   * AMOUNT_A fees so far (1e-8 quote), AMOUNT_B created TS_US, AMOUNT_D reason index in
   * ORDER_REASONS (-1 none). TS_US is the update time.
   */
  private emitOrder(order: PaperOrder): void {
    const r = this.beginRecord(PersistKind.ORDER, order);
    r[PersistRecord.TS_US] = order.updatedUs;
    r[PersistRecord.PRICE] = order.price;
    r[PersistRecord.QTY] = order.qty;
    r[PersistRecord.FILLED_QTY] = order.filledQty;
    r[PersistRecord.AVG_PRICE] = order.avgFillPrice();
    r[PersistRecord.AMOUNT_A] = order.fees;
    r[PersistRecord.AMOUNT_B] = order.createdUs;
    r[PersistRecord.AMOUNT_D] = order.reason;
    this.sink(r);
  }

  // ------------------------------------------------------------------ commands

  /** Cancels one pending or open order; false (counted as `unknown_order`) if there is none. */
  cancelOrder(orderId: number): boolean {
    for (let i = 0; i < this.active.length; i++) {
      const order = this.active[i]!;
      if (order.orderId === orderId) {
        this.finish(order, Status.CANCELLED, orderReasonIndex('cancel_requested'));
        return true;
      }
    }
    this.rejections[orderReasonIndex('unknown_order')]++;
    this.log('warn', `cancel of order ${orderId} refused: no such open order`, { orderId });
    return false;
  }

  /** Cancels every pending or open order; returns how many. */
  cancelAll(): number {
    return this.cancelWhere(-1, 'cancel_requested');
  }

  private cancelWhere(symbol: number, reason: OrderReason): number {
    let cancelled = 0;
    const reasonIndex = orderReasonIndex(reason);
    for (let i = 0; i < this.active.length;) {
      const order = this.active[i]!;
      if (symbol === -1 || order.symbol === symbol) {
        this.finish(order, Status.CANCELLED, reasonIndex);
        cancelled++;
      } else {
        i++;
      }
    }
    return cancelled;
  }

  /**
   * Closes the position of every strategy in a symbol (or all symbols with -1): cancels
   * the symbol's open orders, then sends a market order against each position, matched
   * at once (no latency: it only removes risk, and is allowed while HALTED). Returns the
   * number of flattening orders sent.
   */
  flatten(symbolIndex: number): number {
    if (symbolIndex !== -1 && !this.isIndex(symbolIndex, this.symbols.length)) {
      this.rejections[orderReasonIndex('invalid_order')]++;
      this.log('error', `flatten refused: symbol index ${symbolIndex} is not a configured symbol`, {
        symbolIndex,
      });
      return 0;
    }
    let sent = 0;
    for (let symbol = 0; symbol < this.symbols.length; symbol++) {
      if (symbolIndex !== -1 && symbol !== symbolIndex) continue;
      this.cancelWhere(symbol, 'flatten');
      for (let strategy = 0; strategy < this.strategyIds.length; strategy++) {
        const held = this.positionBook.get(strategy, symbol).qty;
        if (held === 0) continue;
        const order = this.pool.take();
        order.orderId = this.nextInternalOrderId++;
        order.strategy = strategy;
        order.symbol = symbol;
        order.side = held > 0 ? -1 : 1;
        order.type = Type.MARKET;
        order.qty = Math.abs(held);
        order.createdUs = this.nowUs;
        order.updatedUs = this.nowUs;
        order.arrivalUs = this.nowUs;
        order.isFlatten = true;
        const words = this.uuidWords;
        uuidToWords(this.rng.uuid(), words, 0);
        order.clientId0 = words[0]!;
        order.clientId1 = words[1]!;
        order.clientId2 = words[2]!;
        order.clientId3 = words[3]!;
        this.history.add(order);
        this.emitOrder(order);
        this.active.push(order);
        this.activate(order);
        if (order.remaining > 0) {
          this.log(
            'warn',
            `flatten of ${this.symbols[symbol]} for ${this.strategyIds[strategy]} left ${order.remaining} units open`,
            {
              orderId: order.orderId,
            },
          );
        }
        sent++;
      }
    }
    return sent;
  }

  /** Applies the control block's trading-state word (TradingStateCode). */
  setTradingState(code: number): void {
    if (
      code !== TradingStateCode.ACTIVE &&
      code !== TradingStateCode.REDUCING &&
      code !== TradingStateCode.HALTED
    ) {
      throw new Error(
        `trading state code must be 0 (ACTIVE), 1 (REDUCING) or 2 (HALTED), got ${code}`,
      );
    }
    if (code === this.tradingState) return;
    this.tradingState = code;
    if (code === TradingStateCode.HALTED) {
      const cancelled = this.cancelWhere(-1, 'kill_switch_cancel');
      this.log('warn', `trading HALTED: cancelled ${cancelled} open orders`, { cancelled });
    } else if (code === TradingStateCode.REDUCING) {
      const reason = orderReasonIndex('reducing_only_cancel');
      for (let i = 0; i < this.active.length;) {
        const order = this.active[i]!;
        if (!order.isFlatten && !this.reduces(order)) this.finish(order, Status.CANCELLED, reason);
        else i++;
      }
    }
  }

  get tradingStateCode(): number {
    return this.tradingState;
  }

  // ------------------------------------------------------------------ restore

  /**
   * Puts back what the database held at start: positions, then the orders that were still
   * pending or open (they rejoin at the back of their level's queue, and a pending one
   * arrives with the next market record). Call before any record.
   */
  restore(
    positions: readonly RestoredPosition[],
    openOrders: readonly RestoredOrder[],
    ids?: RestoredIds,
  ): void {
    for (const p of positions) {
      if (
        !this.isIndex(p.strategyIndex, this.strategyIds.length) ||
        !this.isIndex(p.symbolIndex, this.symbols.length)
      ) {
        throw new Error(
          `restored position has strategy index ${p.strategyIndex} / symbol index ${p.symbolIndex}, outside the configured tables`,
        );
      }
      this.positionBook.restore(p.strategyIndex, p.symbolIndex, p.qty, p.avgCost, p.realizedPnl);
    }
    for (const o of openOrders) {
      if (
        !this.isIndex(o.strategyIndex, this.strategyIds.length) ||
        !this.isIndex(o.symbolIndex, this.symbols.length)
      ) {
        throw new Error(
          `restored order ${o.orderId} has strategy index ${o.strategyIndex} / symbol index ${o.symbolIndex}, outside the configured tables`,
        );
      }
      if (isTerminalStatus(o.status))
        throw new Error(`restored order ${o.orderId} is not open (status index ${o.status})`);
      const order = this.pool.take();
      order.orderId = o.orderId;
      order.strategy = o.strategyIndex;
      order.symbol = o.symbolIndex;
      order.side = o.side;
      order.type = o.type;
      order.price = o.price;
      order.qty = o.qty;
      order.filledQty = o.filledQty;
      order.filledNotional = o.avgFillPrice * o.filledQty;
      order.fees = o.fees;
      order.status = o.status;
      order.createdUs = o.createdUs;
      order.updatedUs = o.updatedUs;
      order.arrivalUs = o.status === Status.PENDING ? o.createdUs + this.latencyUs : o.createdUs;
      [order.clientId0, order.clientId1, order.clientId2, order.clientId3] = o.clientIdWords;
      joinQueue(order, NaN);
      this.history.add(order);
      this.active.push(order);
    }
    if (ids) {
      this.nextTradeId = Math.max(this.nextTradeId, ids.nextTradeId);
      this.nextInternalOrderId = Math.max(this.nextInternalOrderId, ids.nextInternalOrderId);
    } else if (positions.length > 0 || openOrders.length > 0) {
      this.log(
        'warn',
        'restore without id counters: trade ids restart at 1 and will collide with the trades already in the database; pass restoreBrokerState(...).ids',
      );
    }
  }

  // ------------------------------------------------------------------ views

  /** Net signed quantity of a symbol over all strategies, 1e-8 units. */
  position(symbolIndex: number): number {
    return this.positionBook.netQty(symbolIndex);
  }

  /**
   * Remaining size of a symbol's pending and open orders on one side (1e-8 units): the
   * strategy's risk check counts it, since resting orders fill after the check.
   */
  openQuantity(symbolIndex: number, side: 1 | -1): number {
    let total = 0;
    for (let i = 0; i < this.active.length; i++) {
      const order = this.active[i]!;
      if (order.symbol === symbolIndex && order.side === side) total += order.remaining;
    }
    return total;
  }

  /** Every (strategy, symbol) position with its PnL marked to the mid. */
  positions(): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (let strategy = 0; strategy < this.strategyIds.length; strategy++) {
      for (let symbol = 0; symbol < this.symbols.length; symbol++) {
        out.push(
          positionSnapshot(
            this.positionBook,
            strategy,
            symbol,
            this.strategyIds[strategy]!,
            this.symbols[symbol]!,
            this.books[symbol]!.mid(),
          ),
        );
      }
    }
    return out;
  }

  positionViews(): PositionView[] {
    return this.positions().map((p) => p.view);
  }

  openOrders(): OrderView[] {
    return this.active.map((order) => orderView(order, this.symbols, this.strategyIds));
  }

  /** Up to `n` orders, newest first, open or finished. */
  recentOrders(n: number): OrderView[] {
    return this.history.newest(n).map((order) => orderView(order, this.symbols, this.strategyIds));
  }

  /**
   * The window's Orders table: every pending or open order (newest first), then the most
   * recent finished ones, `n` rows in all.
   */
  orderViews(n: number): OrderView[] {
    const out: OrderView[] = [];
    for (let i = this.active.length - 1; i >= 0 && out.length < n; i--) {
      out.push(orderView(this.active[i]!, this.symbols, this.strategyIds));
    }
    for (const order of this.history.newest(this.history.capacity)) {
      if (out.length >= n) break;
      if (isTerminalStatus(order.status))
        out.push(orderView(order, this.symbols, this.strategyIds));
    }
    return out;
  }

  recentFills(n: number): FillView[] {
    return this.fillHistory.newest(n).map((slot) => fillView(slot, this.symbols));
  }

  /** Rejections by reason name, for the health panel and the replay summary. */
  rejectionCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    ORDER_REASONS.forEach((reason, i) => {
      if (this.rejections[i]! > 0) out[reason] = this.rejections[i]!;
    });
    return out;
  }

  /** End-of-run numbers for the replay summary (PnL in quote currency, quantities in base units). */
  summary(): BrokerSummary {
    let realized = 0;
    let unrealized = 0;
    const positions: Record<string, string> = {};
    for (const p of this.positions()) {
      realized += p.realizedPnl;
      unrealized += p.unrealizedPnl;
    }
    for (let symbol = 0; symbol < this.symbols.length; symbol++)
      positions[this.symbols[symbol]!] = formatFixed(this.position(symbol));
    let rejections = 0;
    for (let i = 0; i < this.rejections.length; i++) rejections += this.rejections[i]!;
    return {
      ...this.counters,
      orders: this.counters.ordersReceived,
      rejections,
      rejectionsByReason: this.rejectionCounts(),
      finalPosition: this.position(0) / FIXED_SCALE,
      positions,
      realizedPnl: realized / FIXED_SCALE,
      unrealizedPnl: unrealized / FIXED_SCALE,
      openOrders: this.active.length,
    };
  }

  /** The mid of a symbol's book in 1e-8 units, NaN without both sides. */
  mid(symbolIndex: number): number {
    return this.books[symbolIndex]?.mid() ?? NaN;
  }
}
