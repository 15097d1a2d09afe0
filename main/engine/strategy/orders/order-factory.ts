import type { RiskLimits, StrategyParams } from '../../../../shared/config.js';
import {
  FIXED_SCALE,
  ORDER_TYPES,
  OrderTypeCode,
  asOrderId,
  type OrderId,
  type OrderType,
  type Price,
  type Qty,
  type SideCode,
  type SymbolIndex,
  type SymbolSpec,
} from '../../../../shared/domain.js';
import { OrderCommand, OrderCommandKind, type MarketUpdate } from '../../../../shared/records.js';
import type { Rng } from '../../core/rng.js';

const POST_ONLY = OrderTypeCode.PostOnly;

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
 * Turns a fired signal into a NEW OrderCommand, in two steps so the risk check sits
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
  side: SideCode = 1;
  typeIndex: OrderTypeCode;
  priceUnits = 0 as Price;
  qtyUnits = 0 as Qty;

  private targetUnitsPerStrength = 0;
  private maxOrderUnits = 0;
  private readonly stepUnits: Float64Array;
  private readonly command = new OrderCommand();

  constructor(private readonly options: OrderFactoryOptions) {
    this.typeIndex = ORDER_TYPES.indexOf(options.orderType) as OrderTypeCode;
    this.stepUnits = Float64Array.from(options.symbolSpecs, (spec) => spec.stepSize);
  }

  setSizing(params: StrategyParams, limits: RiskLimits): void {
    this.targetUnitsPerStrength = params.max_position_size * FIXED_SCALE;
    this.maxOrderUnits = Math.round(limits.max_order_size * FIXED_SCALE);
  }

  /**
   * Plans the order answering `strength` for `book`, given the symbol's
   * position plus open-order quantity (signed 1e-8 units). False when no order is due
   * (zero strength, target reached, size rounds to zero, or no price on that side).
   */
  plan(
    symbolIndex: SymbolIndex,
    strength: number,
    exposureUnits: number,
    book: MarketUpdate,
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
    const count = takeAsk ? book.askCount : book.bidCount;
    if (!(count > 0)) return false;
    this.side = side;
    this.qtyUnits = qty as Qty;
    this.priceUnits = takeAsk ? book.askPrice(0) : book.bidPrice(0);
    return true;
  }

  /**
   * Writes the planned order as a NEW OrderCommand at out[outOff..], answering the book
   * record `book`. Returns the order id.
   */
  write(
    out: Float64Array,
    outOff: number,
    symbolIndex: SymbolIndex,
    book: MarketUpdate,
    strength: number,
    confidence: number,
  ): OrderId {
    const orderId = asOrderId(this.options.nextOrderId());
    const cmd = this.command.begin(out, outOff, OrderCommandKind.NEW);
    cmd.orderId = orderId;
    cmd.symbol = symbolIndex;
    cmd.side = this.side;
    cmd.type = this.typeIndex;
    cmd.price = this.priceUnits;
    cmd.qty = this.qtyUnits;
    cmd.tsUs = book.tsUs;
    cmd.t0Us = book.t0Us;
    cmd.strength = strength;
    cmd.confidence = confidence;
    this.drawUuidWords(cmd);
    cmd.strategy = this.options.strategyIndex;
    return orderId;
  }

  /** Rng.uuid()'s four draws and version/variant bits, as words (see the class comment). */
  private drawUuidWords(cmd: OrderCommand): void {
    const rng = this.options.rng;
    const w0 = rng.nextUint32();
    const w1 = rng.nextUint32();
    const w2 = rng.nextUint32();
    const w3 = rng.nextUint32();
    cmd.setClientIdWord(0, w0);
    cmd.setClientIdWord(1, ((w1 & 0xffff0fff) | 0x00004000) >>> 0);
    cmd.setClientIdWord(2, ((w2 & 0x3fffffff) | 0x80000000) >>> 0);
    cmd.setClientIdWord(3, w3);
  }
}
