import type { RiskLimits, StrategyParams } from '../../../../shared/config.js';
import {
  FIXED_SCALE,
  ORDER_TYPES,
  type OrderType,
  type SymbolSpec,
} from '../../../../shared/domain.js';
import { MarketRecord, OrderCommandKind, OrderRecord } from '../../../../shared/records.js';
import type { Rng } from '../../core/rng.js';

const POST_ONLY = ORDER_TYPES.indexOf('PostOnly');

export interface OrderFactoryOptions {
  readonly symbolSpecs: readonly SymbolSpec[];
  /** Engine-wide order ids (an atomic counter when several producers share it). */
  readonly nextOrderId: () => number;
  /** Seeded, so a replay mints the same client order ids. */
  readonly rng: Rng;
  readonly orderType: OrderType;
  /** Index of the strategy id in the engine's strategy table. */
  readonly strategyIndex: number;
}

/**
 * Turns a fired signal into a NEW OrderRecord, in two steps so the risk check sits
 * between them and a refused order spends no id: `plan` (side, type, price, quantity)
 * then `write` (ids, record).
 *
 * Side: the sign of strength (+ buy, − sell).
 * Price: Limit, IOC, FOK and Market orders are priced at the touch on the far side (a buy
 *   at the best ask, a sell at the best bid: marketable, as the seed did); a PostOnly
 *   order joins its own side (a buy at the best bid) so it rests instead of crossing.
 * Quantity: toward a target position, target = strength × params.max_position_size, so a
 *   repeated signal tops up instead of piling on: qty = target − (position + open orders)
 *   in the signal's direction (nothing when already there or beyond), capped at
 *   risk_limits.max_order_size, rounded DOWN to the symbol's step size. Zero → no order.
 * All prices and quantities are integer 1e-8 units.
 *
 * Client order id: `strategy_<uuid>`, the uuid being exactly `rng.uuid()` of
 * core/rng.ts as `uuidToWords` would store it (a test holds the two equal), but drawn
 * straight into the record's four words: no strings on the order path.
 */
export class OrderFactory {
  /** The last plan: valid after `plan` returned true. */
  side = 0;
  typeIndex: number;
  priceUnits = 0;
  qtyUnits = 0;

  private targetUnitsPerStrength = 0;
  private maxOrderUnits = 0;
  private readonly stepUnits: Float64Array;

  constructor(private readonly options: OrderFactoryOptions) {
    this.typeIndex = ORDER_TYPES.indexOf(options.orderType);
    this.stepUnits = Float64Array.from(options.symbolSpecs, (spec) => spec.stepSize);
  }

  setSizing(params: StrategyParams, limits: RiskLimits): void {
    this.targetUnitsPerStrength = params.max_position_size * FIXED_SCALE;
    this.maxOrderUnits = Math.round(limits.max_order_size * FIXED_SCALE);
  }

  /**
   * Plans the order answering `strength` for the book at rec[off..], given the symbol's
   * position plus open-order quantity (signed 1e-8 units). False when no order is due
   * (zero strength, target reached, size rounds to zero, or no price on that side).
   */
  plan(
    symbolIndex: number,
    strength: number,
    exposureUnits: number,
    rec: Float64Array,
    off: number,
  ): boolean {
    if (!(strength !== 0)) return false;
    const side = strength > 0 ? 1 : -1;
    const target = Math.round(strength * this.targetUnitsPerStrength);
    let qty = side > 0 ? target - exposureUnits : exposureUnits - target;
    if (qty > this.maxOrderUnits) qty = this.maxOrderUnits;
    const step = this.stepUnits[symbolIndex]!;
    qty -= qty % step;
    if (!(qty > 0)) return false;

    const joinOwnSide = this.typeIndex === POST_ONLY;
    const takeAsk = side > 0 !== joinOwnSide;
    const count = rec[off + (takeAsk ? MarketRecord.ASK_COUNT : MarketRecord.BID_COUNT)]!;
    if (!(count > 0)) return false;
    this.side = side;
    this.qtyUnits = qty;
    this.priceUnits = rec[off + (takeAsk ? MarketRecord.ASK_PRICE : MarketRecord.BID_PRICE)]!;
    return true;
  }

  /**
   * Writes the planned order as an OrderRecord at out[outOff..], answering the market
   * record at rec[off..]. Returns the order id.
   */
  write(
    out: Float64Array,
    outOff: number,
    symbolIndex: number,
    rec: Float64Array,
    off: number,
    strength: number,
    confidence: number,
  ): number {
    const orderId = this.options.nextOrderId();
    out[outOff + OrderRecord.KIND] = OrderCommandKind.NEW;
    out[outOff + OrderRecord.ORDER_ID] = orderId;
    out[outOff + OrderRecord.SYMBOL] = symbolIndex;
    out[outOff + OrderRecord.SIDE] = this.side;
    out[outOff + OrderRecord.TYPE] = this.typeIndex;
    out[outOff + OrderRecord.PRICE] = this.priceUnits;
    out[outOff + OrderRecord.QTY] = this.qtyUnits;
    out[outOff + OrderRecord.TICK_SEQ] = rec[off + MarketRecord.SEQ]!;
    out[outOff + OrderRecord.TS_US] = rec[off + MarketRecord.TS_US]!;
    out[outOff + OrderRecord.T0_US] = rec[off + MarketRecord.T0_US]!;
    out[outOff + OrderRecord.STRENGTH] = strength;
    out[outOff + OrderRecord.CONFIDENCE] = confidence;
    this.drawUuidWords(out, outOff + OrderRecord.CLIENT_ID_0);
    out[outOff + OrderRecord.STRATEGY] = this.options.strategyIndex;
    return orderId;
  }

  /** Rng.uuid()'s four draws and version/variant bits, as words (see the class comment). */
  private drawUuidWords(out: Float64Array, at: number): void {
    const rng = this.options.rng;
    const w0 = rng.nextUint32();
    const w1 = rng.nextUint32();
    const w2 = rng.nextUint32();
    const w3 = rng.nextUint32();
    out[at] = w0;
    out[at + 1] = ((w1 & 0xffff0fff) | 0x00004000) >>> 0;
    out[at + 2] = ((w2 & 0x3fffffff) | 0x80000000) >>> 0;
    out[at + 3] = w3;
  }
}
