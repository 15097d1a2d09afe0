import { randomUUID } from 'node:crypto';
import type { Command } from '../../../shared/api.js';
import type { RiskLimits } from '../../../shared/config.js';
import {
  FIXED_SCALE,
  MANUAL_STRATEGY_ID,
  OrderTypeCode,
  TradingStateCode,
  asOrderId,
  asPrice,
  asQty,
  asSymbolIndex,
  feedStateCode,
  formatFixed,
  parseFixed,
  sideCode,
  symbolSpecFor,
  type OrderId,
  type SymbolIndex,
  type TimestampUs,
} from '../../../shared/domain.js';
import { uuidToWords } from '../../../shared/client-order-id.js';
import {
  FeedStateUpdate,
  MarketHeader,
  MarketKind,
  MarketUpdate,
  OrderCommand,
  OrderCommandKind,
} from '../../../shared/records.js';
import { RISK_ACCEPTED, RiskValidator } from '../strategy/risk/risk-validator.js';
import { orderReasonOf } from './order-reasons.js';
import type { PaperBroker } from './paper-broker.js';

/**
 * The trader's own orders (the ladder's clicks, the market buttons). They take the same
 * road as the strategy's: the engine's main thread turns the command into an order record
 * on the command ring, and where the broker runs, the same RiskValidator the strategy
 * uses decides it before the broker sees it (trading state, size, position limit,
 * notional, feed, book sync, rate). A refusal becomes a Rejected order with the reason,
 * so the trader sees why in the Orders table.
 */

/** The engine's strategy table: the configured strategy, then the trader's own orders. */
export function engineStrategyIds(strategyId: string): readonly [string, string] {
  return [strategyId, MANUAL_STRATEGY_ID];
}
/** Index of MANUAL_STRATEGY_ID in engineStrategyIds. */
export const MANUAL_STRATEGY_INDEX = 1;

export type PlaceOrderCommand = Extract<Command, { type: 'placeOrder' }>;

const ENCODER = new OrderCommand();
const UUID_WORDS = new Float64Array(4);

/**
 * `text` as 1e-8 units when it is a decimal above 0 on the exchange's `grid` (step or
 * tick), else the sentence saying why not ("quantity 0.0001x must be …").
 */
function unitsOnGrid(what: string, text: string, grid: number, gridName: string): number | string {
  const units = parseFixed(text);
  if (!(units > 0)) return `${what} ${text} must be a decimal above 0 with at most 8 decimals`;
  if (units % grid !== 0)
    return `${what} ${text} is not a multiple of the ${gridName} ${formatFixed(grid)}`;
  return units;
}

/**
 * Checks a placeOrder command against the symbol's exchange rules (tick and step, exact)
 * and writes it as a NEW order record into `out`. Returns null when written, else the
 * reason in one sentence. The order id is drawn only for a valid order.
 */
export function encodeManualOrder(
  command: PlaceOrderCommand,
  symbols: readonly string[],
  nextOrderId: () => number,
  tsUs: TimestampUs,
  t0Us: number,
  out: Float64Array,
): { ok: true; orderId: OrderId } | { ok: false; reason: string } {
  const symbolIndex = symbols.indexOf(command.symbol);
  if (symbolIndex < 0)
    return {
      ok: false,
      reason: `unknown symbol ${command.symbol}; trading ${symbols.join(', ')}`,
    };
  const spec = symbolSpecFor(command.symbol);
  const qty = unitsOnGrid('quantity', command.qty, spec.stepSize, `${command.symbol} step size`);
  if (typeof qty === 'string') return { ok: false, reason: qty };
  let price = 0;
  if (command.orderType === 'Limit') {
    if (command.price === undefined) return { ok: false, reason: 'a Limit order needs a price' };
    const units = unitsOnGrid('price', command.price, spec.tickSize, `${command.symbol} tick size`);
    if (typeof units === 'string') return { ok: false, reason: units };
    price = units;
  } else if (command.price !== undefined) {
    return { ok: false, reason: 'a Market order takes no price' };
  }
  const orderId = asOrderId(nextOrderId());
  const order = ENCODER.begin(out, 0, OrderCommandKind.NEW);
  order.orderId = orderId;
  order.symbol = asSymbolIndex(symbolIndex);
  order.side = sideCode(command.side);
  order.type = command.orderType === 'Limit' ? OrderTypeCode.Limit : OrderTypeCode.Market;
  order.price = asPrice(price);
  order.qty = asQty(qty);
  order.tsUs = tsUs;
  order.t0Us = t0Us;
  uuidToWords(randomUUID(), UUID_WORDS, 0);
  for (let i = 0; i < 4; i++) order.setClientIdWord(i, UUID_WORDS[i]!);
  order.strategy = MANUAL_STRATEGY_INDEX;
  return { ok: true, orderId };
}

const FEED_LIVE = feedStateCode('live');

/**
 * The strategy's risk check, run where the broker runs, for manual orders. It keeps its
 * own view of what the check needs from the market records the broker also sees (book
 * sync, feed state) and reads positions, open orders and marks from the broker itself,
 * so it is exact at the moment of the order. Its rate bucket is its own: the trader's
 * clicks do not spend the strategy's tokens, and the same max_orders_per_second bounds both.
 */
export class ManualOrderGate {
  private readonly risk: RiskValidator;
  private readonly header = new MarketHeader();
  private readonly book = new MarketUpdate();
  private readonly feed = new FeedStateUpdate();
  private readonly order = new OrderCommand();

  constructor(
    private readonly symbolCount: number,
    limits: RiskLimits,
  ) {
    this.risk = new RiskValidator(symbolCount, limits);
    for (let s = 0; s < symbolCount; s++) this.risk.setFeedState(asSymbolIndex(s), FEED_LIVE);
  }

  setLimits(limits: RiskLimits): void {
    this.risk.setLimits(limits);
  }

  setTradingState(code: TradingStateCode): void {
    this.risk.setTradingState(code);
  }

  /** Refusals so far, by REJECT_REASONS index. */
  get rejections(): Float64Array {
    return this.risk.rejections;
  }

  /** Every market record the broker gets passes here too (book sync, feed state). */
  onMarket(rec: Float64Array, off: number): void {
    const header = this.header.at(rec, off);
    const symbol = header.symbol;
    if (!this.known(symbol)) return;
    if (header.kind === MarketKind.BOOK)
      this.risk.setBookSynced(symbol, this.book.read(rec, off).synced);
    else if (header.kind === MarketKind.FEED_STATE)
      this.risk.setFeedState(symbol, this.feed.read(rec, off).feedState);
  }

  /**
   * Decides the NEW order record at rec[off..]: RISK_ACCEPTED, or the refusal's index in
   * REJECT_REASONS. A record the broker would refuse as malformed is let through to it.
   */
  check(broker: PaperBroker, rec: Float64Array, off: number): number {
    const order = this.order.read(rec, off);
    const symbol = order.symbol;
    if (!this.known(symbol) || (order.side !== 1 && order.side !== -1)) return RISK_ACCEPTED;
    const risk = this.risk;
    for (let s = 0; s < this.symbolCount; s++) {
      const index = asSymbolIndex(s);
      risk.setPosition(index, broker.position(index));
      const mid = broker.mid(index);
      risk.setMark(index, Number.isFinite(mid) ? mid / FIXED_SCALE : 0);
    }
    risk.setOpenOrders(symbol, broker.openQuantity(symbol, 1), broker.openQuantity(symbol, -1));
    // A market order's notional is judged at the mid it will trade near.
    const mid = broker.mid(symbol);
    const price = order.price > 0 ? order.price : Number.isFinite(mid) ? mid : 0;
    return risk.check(symbol, order.side, order.qty, asPrice(price), order.tsUs);
  }

  private known(symbol: number): symbol is SymbolIndex {
    return Number.isInteger(symbol) && symbol >= 0 && symbol < this.symbolCount;
  }
}

/**
 * One record from the trader's command ring, where the broker runs (the execution thread,
 * or the hot thread): a NEW order passes the gate first and is recorded Rejected with the
 * reason when it says no; cancels and flatten go straight to the broker.
 */
const DISPATCH = new OrderCommand();

export function dispatchCommand(
  broker: PaperBroker,
  gate: ManualOrderGate,
  rec: Float64Array,
  off: number,
): void {
  if (DISPATCH.read(rec, off).kind !== OrderCommandKind.NEW) {
    broker.onOrder(rec, off);
    return;
  }
  const verdict = gate.check(broker, rec, off);
  if (verdict === RISK_ACCEPTED) broker.onOrder(rec, off);
  else broker.refuseOrder(rec, off, orderReasonOf(verdict));
}
