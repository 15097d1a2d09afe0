import {
  OrderTypeCode,
  TradingStateCode,
  isTradingStateCode,
  symbolSpecFor,
  type OrderId,
  type Price,
  type Qty,
  type SideCode,
  type SymbolIndex,
  type TimestampUs,
} from '../../../shared/domain.js';
import type { Config } from '../../../shared/config.js';
import type { FillView, OrderView, PositionView } from '../../../shared/api.js';
import { uuidToWords } from '../../../shared/client-order-id.js';
import {
  MarketHeader,
  MarketKind,
  MarketUpdate,
  OrderCommand,
  OrderCommandKind,
  TradeUpdate,
} from '../../../shared/records.js';
import type { Rng } from '../core/rng.js';
import {
  GATE_OPEN,
  gateNeedsPosition,
  reducesPosition,
  tradingGate,
} from '../core/trading-gate.js';
import { ActiveOrders } from './active-orders.js';
import { BrokerRecordEncoder } from './broker-records.js';
import {
  INTERNAL_ORDER_ID_BASE,
  newBrokerCounters,
  type BrokerCounters,
  type BrokerSummary,
  type PaperBrokerOptions,
  type RestoredIds,
  type RestoredOrder,
  type RestoredPosition,
} from './broker-types.js';
import { BpsFeeModel, Liquidity, type LiquidityCode } from './fee-model.js';
import { RecentFills, RecentOrders } from './history.js';
import { ConstantLatency, type LatencyModel } from './latency-model.js';
import { MatchingEngine, type FillListener } from './matching-engine.js';
import { NO_REASON, ORDER_REASONS, orderReasonIndex, type OrderReason } from './order-reasons.js';
import {
  CANCELLED,
  FILLED,
  OPEN,
  PARTIALLY_FILLED,
  PENDING,
  REJECTED,
  isTerminalStatus,
  transition,
} from './order-state.js';
import { flatteningOrder, orderFromCommand, restoredOrder } from './order-builders.js';
import { invalidOrder } from './order-validation.js';
import { OrderPool, type PaperOrder } from './paper-order.js';
import { PositionBook } from './positions.js';
import { DEFAULT_QUEUE_POWER, ProbQueueModel } from './queue-model.js';
import { BrokerViews, type PositionSnapshot } from './views.js';
import type { LogFn } from '../../../shared/log.js';

export * from './broker-types.js';

const R = {
  INVALID_ORDER: orderReasonIndex('invalid_order'),
  UNKNOWN_ORDER: orderReasonIndex('unknown_order'),
  NO_LIQUIDITY: orderReasonIndex('no_liquidity'),
  IOC_REMAINDER: orderReasonIndex('ioc_remainder'),
  CANCEL_REQUESTED: orderReasonIndex('cancel_requested'),
  KILL_SWITCH_CANCEL: orderReasonIndex('kill_switch_cancel'),
  REDUCING_ONLY_CANCEL: orderReasonIndex('reducing_only_cancel'),
  FLATTEN: orderReasonIndex('flatten'),
} as const;

/**
 * The paper broker: the strategy's and the trader's orders against the recorded (or
 * live) market, on the DATA clock (record time), single-threaded. It orchestrates parts
 * that each do one job:
 * - matching-engine.ts   per symbol: the book as the last record showed it and how our
 *                        orders fill against it, with queue-model.ts (QueueModel),
 *                        latency-model.ts (LatencyModel) and fee-model.ts (FeeModel), as
 *                        hftbacktest's exchange models take their traits;
 * - order-state.ts       the order state machine (an illegal status change throws);
 * - core/trading-gate.ts the trading-state rule, the same function the risk check uses;
 * - order-validation.ts  what makes a NEW order malformed, as a reason code;
 * - positions.ts         average-cost positions and PnL;
 * - broker-records.ts    OrderRow / FillRow out, through the shared codecs;
 * - views.ts             the window's read-only views.
 * Every random draw comes from the seeded Rng and the only inputs are the records, so a
 * replay fills identically.
 *
 * Order types: Market walks the visible book and cancels what it cannot fill
 * (`no_liquidity`); Limit takes what crosses and rests the rest (maker); PostOnly is
 * rejected `post_only_would_cross` if it would take; IOC cancels its remainder
 * (`ioc_remainder`); FOK fills entirely or is rejected `fok_unfillable`. Every status
 * change is one OrderRow, every fill one FillRow.
 *
 * Latency: an order reaches the exchange at its send time + the latency model's delay.
 * With 0 it is matched at once against the book as the broker holds it; otherwise it
 * waits in flight and is activated by the first market record whose time reaches its
 * arrival, BEFORE that record is applied (it arrived in the gap between the two).
 * Book records that are not synced are kept but drive no fills and no queue changes.
 *
 * Trading state: HALTED cancels every open or in-flight order at once and refuses new
 * ones (`kill_switch`), leaving only cancels and flatten; REDUCING cancels the open
 * orders that would grow |position| and refuses new ones that would (`reducing_only`):
 * an order reduces when it is against the symbol's NET position (every book) and its
 * size, plus the remaining size of every book's earlier open orders on that side, does
 * not exceed |net position| (core/trading-gate.ts decides, as in the risk check).
 */
export class PaperBroker implements FillListener {
  readonly counters: BrokerCounters = newBrokerCounters();
  /** Rejections (and refused cancels) by ORDER_REASONS index. */
  readonly rejections = new Float64Array(ORDER_REASONS.length);

  private readonly symbols: readonly string[];
  private readonly strategyIds: readonly string[];
  private readonly rng: Rng;
  private readonly log: LogFn;
  private readonly engines: MatchingEngine[];
  private readonly latency: LatencyModel;
  private readonly positionBook: PositionBook;
  private readonly pool: OrderPool;
  private readonly history: RecentOrders;
  private readonly fillHistory: RecentFills;
  private readonly active = new ActiveOrders();
  private readonly records: BrokerRecordEncoder;
  private readonly views: BrokerViews;
  private readonly header = new MarketHeader();
  private readonly bookIn = new MarketUpdate();
  private readonly tradeIn = new TradeUpdate();
  private readonly command = new OrderCommand();
  private readonly uuidWords = new Float64Array(4);
  private tradingState: TradingStateCode = TradingStateCode.ACTIVE;
  private nowUs = 0 as TimestampUs;
  private nextTradeId = 1;
  private nextInternalOrderId = INTERNAL_ORDER_ID_BASE;
  /** Set by refuseOrder for the one order it records (an ORDER_REASONS index). */
  private refusal: number | null = null;

  constructor(config: Config, options: PaperBrokerOptions) {
    if (options.symbols.length === 0) throw new Error('the paper broker needs at least one symbol');
    if (options.strategyIds.length === 0)
      throw new Error('the paper broker needs at least one strategy id');
    const execution = config.execution;
    this.symbols = options.symbols;
    this.strategyIds = options.strategyIds;
    this.rng = options.rng;
    this.log = options.log ?? (() => {});
    this.records = new BrokerRecordEncoder(options.sink);
    const queue =
      options.queueModel ??
      new ProbQueueModel(
        options.queuePower ?? execution.queue_power ?? DEFAULT_QUEUE_POWER,
        execution.fill_probability,
        options.rng,
      );
    this.latency = options.latencyModel ?? new ConstantLatency(execution.latency_us);
    this.engines = options.symbols.map(
      (symbol) =>
        new MatchingEngine(
          queue,
          symbolSpecFor(symbol).tickSize,
          execution.slippage_bps,
          this,
          this.counters,
        ),
    );
    this.positionBook = new PositionBook(
      options.strategyIds.length,
      options.symbols.length,
      options.feeModel ??
        new BpsFeeModel({
          makerFeeBps: execution.maker_fee_bps,
          takerFeeBps: execution.taker_fee_bps,
        }),
    );
    const historySize = options.historySize ?? 200;
    this.pool = new OrderPool(historySize + 64);
    this.history = new RecentOrders(historySize, this.pool);
    this.fillHistory = new RecentFills(historySize);
    this.views = new BrokerViews(
      this.symbols,
      this.strategyIds,
      this.positionBook,
      this.active.list,
      this.history,
      this.fillHistory,
      this.engines,
    );
  }

  // ------------------------------------------------------------------ market records

  onMarket(rec: Float64Array, off: number): void {
    const header = this.header.at(rec, off);
    const kind = header.kind;
    const ts = header.tsUs;
    this.activateArrived(ts);
    this.nowUs = ts;
    if (kind !== MarketKind.BOOK && kind !== MarketKind.TRADE) return;
    const symbol = header.symbol;
    const engine = this.engines[symbol];
    if (engine === undefined) {
      const what = kind === MarketKind.BOOK ? 'market' : 'trade';
      this.log('warn', `${what} record for unknown symbol index ${symbol} ignored`, {
        symbolIndex: symbol,
      });
      return;
    }
    // Each visit may finish an order (and remove it): advance only past survivors.
    const active = this.active.list;
    if (kind === MarketKind.BOOK) {
      engine.loadBook(this.bookIn.read(rec, off));
      this.counters.books++;
      if (!engine.book.synced) return;
      for (let i = 0; i < active.length;) {
        const order = active[i]!;
        if (order.symbol === symbol && order.status !== PENDING) engine.onBook(order);
        if (active[i] === order) i++;
      }
    } else {
      this.counters.trades++;
      const trade = this.tradeIn.read(rec, off);
      const price = trade.price;
      const qty = trade.qty;
      for (let i = 0; i < active.length;) {
        const order = active[i]!;
        if (order.symbol === symbol && order.status !== PENDING) engine.onTrade(order, price, qty);
        if (active[i] === order) i++;
      }
    }
  }

  /** The seq of the last book record seen for a symbol (-1 before any). */
  bookSeq(symbol: SymbolIndex): number {
    return this.engines[symbol]?.book.seq ?? -1;
  }

  /** In-flight orders whose arrival time `ts` reached: they arrive before the record applies. */
  private activateArrived(ts: number): void {
    const active = this.active.list;
    for (let i = 0; i < active.length;) {
      const order = active[i]!;
      if (order.status === PENDING && order.arrivalUs <= ts) {
        this.nowUs = order.arrivalUs as TimestampUs;
        this.activate(order);
      }
      if (active[i] === order) i++;
    }
  }

  // ------------------------------------------------------------------ order records

  onOrder(rec: Float64Array, off: number): void {
    const command = this.command.read(rec, off);
    const ts = command.tsUs;
    if (Number.isFinite(ts)) this.nowUs = ts;
    switch (command.kind) {
      case OrderCommandKind.NEW:
        this.newOrder(command);
        return;
      case OrderCommandKind.CANCEL:
        this.cancelOrder(command.orderId);
        return;
      case OrderCommandKind.CANCEL_ALL:
        this.cancelAll();
        return;
      case OrderCommandKind.FLATTEN:
        this.flatten(command.symbol);
        return;
      default:
        this.rejections[R.INVALID_ORDER]++;
        this.log('error', `order record of unknown kind ${command.kind} ignored`, {
          kind: command.kind,
        });
    }
  }

  private newOrder(command: OrderCommand): void {
    this.counters.ordersReceived++;
    const { orderId, symbol, strategy } = command;
    if (
      !isIndex(symbol, this.symbols.length) ||
      !isIndex(strategy, this.strategyIds.length) ||
      !(Number.isSafeInteger(orderId) && orderId > 0)
    ) {
      // No row can be written for it (no symbol or strategy to name): count and say why.
      this.rejections[R.INVALID_ORDER]++;
      this.log(
        'error',
        'order refused: its order id, symbol index or strategy index is not valid',
        { orderId, symbol, strategy },
      );
      return;
    }
    const arrivalUs = this.nowUs + this.latency.entryLatencyUs();
    const order = orderFromCommand(this.pool.take(), command, this.nowUs, arrivalUs);
    this.history.add(order);
    const problem = invalidOrder(order);
    if (problem !== null) {
      this.log('warn', `order ${orderId} rejected: ${problem.message}`, { orderId });
      this.reject(order, problem.reason);
      return;
    }
    if (this.active.hasId(order.orderId)) {
      this.log('warn', `order ${orderId} rejected: an order with this id is already open`, {
        orderId,
      });
      this.reject(order, R.INVALID_ORDER);
      return;
    }
    this.records.order(order);
    if (this.refusal !== null) {
      this.reject(order, this.refusal);
      return;
    }
    if (!this.admissible(order)) return;
    this.active.push(order);
    if (order.arrivalUs <= this.nowUs) this.activate(order);
  }

  /**
   * Records a NEW order that a risk check where the broker runs refused (the trader's own
   * orders): it is written like any order and rejected with `reason`, so the refusal
   * shows in the Orders table and the database.
   */
  refuseOrder(rec: Float64Array, off: number, reason: OrderReason): void {
    this.refusal = orderReasonIndex(reason);
    try {
      this.onOrder(rec, off);
    } finally {
      this.refusal = null;
    }
  }

  /** The trading-state gate (core/trading-gate.ts), at receipt and again at arrival. */
  private admissible(order: PaperOrder): boolean {
    if (order.isFlatten) return true;
    const state = this.tradingState;
    const needs = gateNeedsPosition(state); // spares the scan of open orders when ACTIVE
    const verdict = tradingGate(
      state,
      order.side,
      order.remaining,
      needs ? this.heldBy(order) : (0 as Qty),
      needs ? this.active.committedBefore(order) : (0 as Qty),
    );
    if (verdict === GATE_OPEN) return true;
    this.reject(order, verdict);
    return false;
  }

  private reduces(order: PaperOrder): boolean {
    const committed = this.active.committedBefore(order);
    return reducesPosition(order.side, order.remaining, this.heldBy(order), committed);
  }

  /**
   * The position reduce-only protects: the NET position of the symbol over every book
   * (the strategy's and the trader's 'manual' one), as the risk check sees it and as the
   * Positions total shows it (docs/ARCHITECTURE.md §1, "Reduce only").
   */
  private heldBy(order: PaperOrder): Qty {
    return this.positionBook.netQty(order.symbol) as Qty;
  }

  private activate(order: PaperOrder): void {
    this.counters.ordersActivated++;
    order.updatedUs = this.nowUs;
    if (!this.admissible(order)) return;
    const refused = this.engines[order.symbol]!.arrive(order);
    if (refused !== NO_REASON) this.reject(order, refused);
    else this.settle(order, true);
  }

  // ------------------------------------------------------------------ fills (FillListener)

  fill(order: PaperOrder, price: Price, qty: Qty, liquidity: LiquidityCode): void {
    const outcome = this.positionBook.applyFill(
      order.strategy,
      order.symbol,
      order.side,
      price,
      qty,
      liquidity,
    );
    order.filledQty = (order.filledQty + qty) as Qty;
    order.filledNotional += price * qty;
    order.fees += outcome.fee;
    order.updatedUs = this.nowUs;
    const tradeId = this.nextTradeId++;
    const c = this.counters;
    c.fills++;
    if (liquidity === Liquidity.MAKER) c.makerFills++;
    else c.takerFills++;
    this.fillHistory.record(order, tradeId, price, qty, this.nowUs, outcome.fee, liquidity);
    this.records.fill(order, price, qty, outcome, tradeId, this.nowUs);
  }

  settleResting(order: PaperOrder): void {
    this.settle(order, false);
  }

  /**
   * After an arrival's taker fills (`justArrived`) or a resting fill: the order's next
   * status, its row, and its removal from the active orders when finished.
   */
  private settle(order: PaperOrder, justArrived: boolean): void {
    if (order.remaining === 0) {
      this.counters.filledOrders++;
      this.finish(order, FILLED, NO_REASON);
      return;
    }
    if (justArrived) {
      if (order.type === OrderTypeCode.Market) return this.finish(order, CANCELLED, R.NO_LIQUIDITY);
      if (order.type === OrderTypeCode.IOC) return this.finish(order, CANCELLED, R.IOC_REMAINDER);
      this.engines[order.symbol]!.rest(order);
    }
    transition(order, order.filledQty > 0 ? PARTIALLY_FILLED : OPEN);
    order.updatedUs = this.nowUs;
    this.records.order(order);
  }

  private reject(order: PaperOrder, reason: number): void {
    this.rejections[reason]++;
    this.finish(order, REJECTED, reason);
  }

  private finish(order: PaperOrder, status: Terminal, reason: number): void {
    transition(order, status);
    order.reason = reason;
    order.updatedUs = this.nowUs;
    if (status === CANCELLED) this.counters.cancelled++;
    this.records.order(order);
    this.active.remove(order);
    this.history.finished(order);
  }

  // ------------------------------------------------------------------ commands

  /** Cancels one pending or open order; false (counted as `unknown_order`) if there is none. */
  cancelOrder(orderId: OrderId): boolean {
    const order = this.active.byId(orderId);
    if (order !== undefined) {
      this.finish(order, CANCELLED, R.CANCEL_REQUESTED);
      return true;
    }
    this.rejections[R.UNKNOWN_ORDER]++;
    this.log('warn', `cancel of order ${orderId} refused: no such open order`, { orderId });
    return false;
  }

  /** Cancels every pending or open order; returns how many. */
  cancelAll(): number {
    return this.cancelWhere(-1, R.CANCEL_REQUESTED);
  }

  private cancelWhere(symbol: number, reason: number): number {
    let cancelled = 0;
    const active = this.active.list;
    for (let i = 0; i < active.length;) {
      const order = active[i]!;
      if (symbol === -1 || order.symbol === symbol) {
        this.finish(order, CANCELLED, reason);
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
  flatten(symbolIndex: SymbolIndex | -1): number {
    if (symbolIndex !== -1 && !isIndex(symbolIndex, this.symbols.length)) {
      this.rejections[R.INVALID_ORDER]++;
      this.log('error', `flatten refused: symbol index ${symbolIndex} is not a configured symbol`, {
        symbolIndex,
      });
      return 0;
    }
    let sent = 0;
    for (let symbol = 0; symbol < this.symbols.length; symbol++) {
      if (symbolIndex !== -1 && symbol !== symbolIndex) continue;
      this.cancelWhere(symbol, R.FLATTEN);
      for (let strategy = 0; strategy < this.strategyIds.length; strategy++) {
        const held = this.positionBook.get(strategy, symbol).qty;
        if (held === 0) continue;
        uuidToWords(this.rng.uuid(), this.uuidWords, 0);
        const order = flatteningOrder(
          this.pool.take(),
          this.nextInternalOrderId++ as OrderId,
          strategy,
          symbol as SymbolIndex,
          held,
          this.nowUs,
          this.uuidWords,
        );
        this.history.add(order);
        this.records.order(order);
        this.active.push(order);
        this.activate(order);
        if (order.remaining > 0) {
          this.log(
            'warn',
            `flatten of ${this.symbols[symbol]} for ${this.strategyIds[strategy]} left ${order.remaining} units open`,
            { orderId: order.orderId },
          );
        }
        sent++;
      }
    }
    return sent;
  }

  /** Applies the control block's trading-state word. */
  setTradingState(code: number): void {
    if (!isTradingStateCode(code)) {
      throw new Error(
        `trading state code must be 0 (ACTIVE), 1 (REDUCING) or 2 (HALTED), got ${code}`,
      );
    }
    if (code === this.tradingState) return;
    this.tradingState = code;
    if (code === TradingStateCode.HALTED) {
      const cancelled = this.cancelWhere(-1, R.KILL_SWITCH_CANCEL);
      this.log('warn', `trading HALTED: cancelled ${cancelled} open orders`, { cancelled });
    } else if (code === TradingStateCode.REDUCING) {
      const active = this.active.list;
      for (let i = 0; i < active.length;) {
        const order = active[i]!;
        if (!order.isFlatten && !this.reduces(order))
          this.finish(order, CANCELLED, R.REDUCING_ONLY_CANCEL);
        else i++;
      }
    }
  }

  get tradingStateCode(): TradingStateCode {
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
      this.checkTables(p.strategyIndex, p.symbolIndex, 'restored position has');
      this.positionBook.restore(p.strategyIndex, p.symbolIndex, p.qty, p.avgCost, p.realizedPnl);
    }
    for (const o of openOrders) {
      this.checkTables(o.strategyIndex, o.symbolIndex, `restored order ${o.orderId} has`);
      if (isTerminalStatus(o.status as PaperOrder['status']))
        throw new Error(`restored order ${o.orderId} is not open (status index ${o.status})`);
      const order = restoredOrder(this.pool.take(), o, this.latency.entryLatencyUs());
      this.engines[order.symbol]!.rejoin(order);
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

  private checkTables(strategyIndex: number, symbolIndex: number, what: string): void {
    if (
      !isIndex(strategyIndex, this.strategyIds.length) ||
      !isIndex(symbolIndex, this.symbols.length)
    ) {
      throw new Error(
        `${what} strategy index ${strategyIndex} / symbol index ${symbolIndex}, outside the configured tables`,
      );
    }
  }

  /**
   * Brings into cache what the next new order touches first — the pooled object it will
   * take, the history slot it will fill and the order it will evict — for keep_warm's
   * dry passes: on a machine whose caches are emptied between frames these were cold
   * misses inside the tick. Reads only.
   */
  prepareNextOrder(): number {
    return this.pool.peekNext() + this.history.peekNext() + this.active.length;
  }

  // ------------------------------------------------------------------ views (views.ts)

  /** Net signed quantity of a symbol over all strategies. */
  position(symbolIndex: SymbolIndex): Qty {
    return this.positionBook.netQty(symbolIndex) as Qty;
  }

  /** Remaining size of a symbol's pending and open orders on one side (the risk check counts it). */
  openQuantity(symbolIndex: SymbolIndex, side: SideCode): Qty {
    return this.views.openQuantity(symbolIndex, side);
  }

  /** Every (strategy, symbol) position with its PnL marked to the mid. */
  positions(): PositionSnapshot[] {
    return this.views.positions();
  }

  positionViews(): PositionView[] {
    return this.views.positions().map((p) => p.view);
  }

  openOrders(): OrderView[] {
    return this.views.openOrders();
  }

  /** Up to `n` orders, newest first, open or finished. */
  recentOrders(n: number): OrderView[] {
    return this.views.recentOrders(n);
  }

  /** The window's Orders table: open orders (newest first), then recent finished ones. */
  orderViews(n: number): OrderView[] {
    return this.views.orderViews(n);
  }

  recentFills(n: number): FillView[] {
    return this.views.recentFills(n);
  }

  /** Rejections by reason name, for the health panel and the replay summary. */
  rejectionCounts(): Record<string, number> {
    return this.views.rejectionCounts(this.rejections);
  }

  /** End-of-run numbers for the replay summary (PnL in quote currency, quantities in base units). */
  summary(): BrokerSummary {
    return this.views.summary(this.counters, this.rejections);
  }

  /**
   * Realized + unrealized PnL over every position, 1e-8 quote units, marked to the mid;
   * NaN while a symbol with a position has no mid. Allocation-free: the drawdown check
   * calls it after every event.
   */
  totalPnl(): number {
    let total = 0;
    for (let strategy = 0; strategy < this.strategyIds.length; strategy++) {
      for (let symbol = 0; symbol < this.symbols.length; symbol++) {
        total += this.positionBook.get(strategy, symbol).realizedPnl;
        if (this.positionBook.get(strategy, symbol).qty !== 0)
          total += this.positionBook.unrealizedPnl(strategy, symbol, this.engines[symbol]!.mid());
      }
    }
    return total;
  }

  /** The mid of a symbol's book in 1e-8 units, NaN without both sides. */
  mid(symbolIndex: SymbolIndex): number {
    return this.engines[symbolIndex]?.mid() ?? NaN;
  }
}

type Terminal = typeof FILLED | typeof CANCELLED | typeof REJECTED;

function isIndex(value: number, length: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < length;
}
