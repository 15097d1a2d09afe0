import { randomUUID } from 'node:crypto';
import type { Command } from '../../../shared/api.js';
import type { RiskLimits } from '../../../shared/config.js';
import {
  FEED_STATES,
  FIXED_SCALE,
  MANUAL_STRATEGY_ID,
  ORDER_TYPES,
  formatFixed,
  parseFixed,
  sideCode,
  symbolSpecFor,
  type OrderId,
  type TimestampUs,
} from '../../../shared/domain.js';
import { uuidToWords } from '../../../shared/client-order-id.js';
import {
  MarketKind,
  MarketRecord,
  OrderCommandKind,
  OrderRecord,
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
  const qty = parseFixed(command.qty);
  if (!(qty > 0))
    return {
      ok: false,
      reason: `quantity ${command.qty} must be a decimal above 0 with at most 8 decimals`,
    };
  if (qty % spec.stepSize !== 0)
    return {
      ok: false,
      reason: `quantity ${command.qty} is not a multiple of the ${command.symbol} step size ${formatFixed(spec.stepSize)}`,
    };
  let price = 0;
  if (command.orderType === 'Limit') {
    if (command.price === undefined) return { ok: false, reason: 'a Limit order needs a price' };
    price = parseFixed(command.price);
    if (!(price > 0))
      return {
        ok: false,
        reason: `price ${command.price} must be a decimal above 0 with at most 8 decimals`,
      };
    if (price % spec.tickSize !== 0)
      return {
        ok: false,
        reason: `price ${command.price} is not a multiple of the ${command.symbol} tick size ${formatFixed(spec.tickSize)}`,
      };
  } else if (command.price !== undefined) {
    return { ok: false, reason: 'a Market order takes no price' };
  }
  const orderId = nextOrderId() as OrderId;
  out.fill(0);
  out[OrderRecord.KIND] = OrderCommandKind.NEW;
  out[OrderRecord.ORDER_ID] = orderId;
  out[OrderRecord.SYMBOL] = symbolIndex;
  out[OrderRecord.SIDE] = sideCode(command.side);
  out[OrderRecord.TYPE] = ORDER_TYPES.indexOf(command.orderType);
  out[OrderRecord.PRICE] = price;
  out[OrderRecord.QTY] = qty;
  out[OrderRecord.TS_US] = tsUs;
  out[OrderRecord.T0_US] = t0Us;
  uuidToWords(randomUUID(), out, OrderRecord.CLIENT_ID_0);
  out[OrderRecord.STRATEGY] = MANUAL_STRATEGY_INDEX;
  return { ok: true, orderId };
}

const FEED_LIVE = FEED_STATES.indexOf('live');

/**
 * The strategy's risk check, run where the broker runs, for manual orders. It keeps its
 * own view of what the check needs from the market records the broker also sees (book
 * sync, feed state) and reads positions, open orders and marks from the broker itself,
 * so it is exact at the moment of the order. Its rate bucket is its own: the trader's
 * clicks do not spend the strategy's tokens, and the same max_orders_per_second bounds both.
 */
export class ManualOrderGate {
  private readonly risk: RiskValidator;

  constructor(
    private readonly symbolCount: number,
    limits: RiskLimits,
  ) {
    this.risk = new RiskValidator(symbolCount, limits);
    for (let s = 0; s < symbolCount; s++) this.risk.setFeedState(s, FEED_LIVE);
  }

  setLimits(limits: RiskLimits): void {
    this.risk.setLimits(limits);
  }

  setTradingState(code: number): void {
    this.risk.setTradingState(code);
  }

  /** Refusals so far, by REJECT_REASONS index. */
  get rejections(): Float64Array {
    return this.risk.rejections;
  }

  /** Every market record the broker gets passes here too (book sync, feed state). */
  onMarket(rec: Float64Array, off: number): void {
    const symbol = rec[off + MarketRecord.SYMBOL]!;
    if (!(symbol >= 0 && symbol < this.symbolCount)) return;
    const kind = rec[off + MarketRecord.KIND]!;
    if (kind === MarketKind.BOOK)
      this.risk.setBookSynced(symbol, rec[off + MarketRecord.SYNCED] === 1);
    else if (kind === MarketKind.FEED_STATE)
      this.risk.setFeedState(symbol, rec[off + MarketRecord.FLAGS]!);
  }

  /**
   * Decides the NEW order record at rec[off..]: RISK_ACCEPTED, or the refusal's index in
   * REJECT_REASONS. A record the broker would refuse as malformed is let through to it.
   */
  check(broker: PaperBroker, rec: Float64Array, off: number): number {
    const symbol = rec[off + OrderRecord.SYMBOL]!;
    if (!(Number.isInteger(symbol) && symbol >= 0 && symbol < this.symbolCount))
      return RISK_ACCEPTED;
    const risk = this.risk;
    for (let s = 0; s < this.symbolCount; s++) {
      risk.setPosition(s, broker.position(s));
      const mid = broker.mid(s);
      risk.setMark(s, Number.isFinite(mid) ? mid / FIXED_SCALE : 0);
    }
    risk.setOpenOrders(symbol, broker.openQuantity(symbol, 1), broker.openQuantity(symbol, -1));
    const side = rec[off + OrderRecord.SIDE]!;
    const limit = rec[off + OrderRecord.PRICE]!;
    // A market order's notional is judged at the mid it will trade near.
    const price = limit > 0 ? limit : broker.mid(symbol);
    return risk.check(
      symbol,
      side,
      rec[off + OrderRecord.QTY]!,
      Number.isFinite(price) ? price : 0,
      rec[off + OrderRecord.TS_US]!,
    );
  }
}

/**
 * One record from the trader's command ring, where the broker runs (the execution thread,
 * or the hot thread): a NEW order passes the gate first and is recorded Rejected with the
 * reason when it says no; cancels and flatten go straight to the broker.
 */
export function dispatchCommand(
  broker: PaperBroker,
  gate: ManualOrderGate,
  rec: Float64Array,
  off: number,
): void {
  if (rec[off + OrderRecord.KIND] !== OrderCommandKind.NEW) {
    broker.onOrder(rec, off);
    return;
  }
  const verdict = gate.check(broker, rec, off);
  if (verdict === RISK_ACCEPTED) broker.onOrder(rec, off);
  else broker.refuseOrder(rec, off, orderReasonOf(verdict));
}
