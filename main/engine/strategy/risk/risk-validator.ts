import type { RiskLimits } from '../../../../shared/config.js';
import {
  FEED_STATES,
  FIXED_SCALE,
  REJECT_REASONS,
  RejectReasonCode,
  TradingStateCode,
  type FeedStateCode,
  type Price,
  type Qty,
  type SideCode,
  type SymbolIndex,
  type TimestampUs,
} from '../../../../shared/domain.js';
import { GATE_OPEN, tradingGate } from '../../core/trading-gate.js';
import { TokenBucket } from './token-bucket.js';

/** `check` result for an order that may go out. */
export const RISK_ACCEPTED = -1;

const FEED_LIVE = FEED_STATES.indexOf('live');

/**
 * The pre-trade check every new order passes (budget 2 µs, allocation-free). In order:
 *   0. zero_size          quantity ≤ 0 (the factory never makes one; guarded anyway)
 *   1. kill_switch        trading state HALTED: nothing but cancels (see checkCancel)
 *      reducing_only      trading state REDUCING: only an order on the opposite side of
 *                         the position that, with the open orders on its side, is no
 *                         larger than it, so |position| shrinks and never flips
 *                         (core/trading-gate.ts: the same function the broker asks)
 *   2. position_limit     the worst case on the order's side exceeds max_position_size:
 *                         |position + open same-side remaining + signed qty| (resting
 *                         orders fill later, so counting only the position lets the
 *                         limit be overrun by a burst of orders)
 *   3. order_size         qty > max_order_size
 *   4. notional_exposure  Σ_symbols |position|·mark + qty·price > max_notional_exposure
 *                         (mark = the symbol's latest mid; quote currency)
 *   5. feed_not_live      the symbol's feed state is not `live`
 *   6. book_unsynced      the book the order was priced from may be wrong
 *   7. rate_limit         no token in the max_orders_per_second bucket (data clock);
 *                         last, so an order refused for another reason spends no token
 * The first failing check is the reason; each reason is counted in `rejections`.
 * Quantities and prices are integer 1e-8 units, limits come in base/quote units.
 *
 * The feed state starts `live` for every symbol: the book-sync flag on each market record
 * already blocks trading on a book that is not built yet, and a market pipeline that
 * publishes FEED_STATE records (setFeedState) narrows it further.
 */
export class RiskValidator {
  /** Refusals per REJECT_REASONS index. */
  readonly rejections = new Float64Array(REJECT_REASONS.length);
  accepted = 0;

  private maxPositionUnits = 0;
  private maxOrderUnits = 0;
  private maxNotional = 0;
  private readonly bucket: TokenBucket;
  private tradingState: TradingStateCode = TradingStateCode.ACTIVE;
  private readonly positions: Float64Array;
  /** Remaining quantity of open buy / sell orders per symbol (1e-8 units, ≥ 0). */
  private readonly openBuys: Float64Array;
  private readonly openSells: Float64Array;
  private readonly marks: Float64Array;
  private readonly feedStates: Int32Array;
  private readonly synced: Uint8Array;

  constructor(symbolCount: number, limits: RiskLimits) {
    this.positions = new Float64Array(symbolCount);
    this.openBuys = new Float64Array(symbolCount);
    this.openSells = new Float64Array(symbolCount);
    this.marks = new Float64Array(symbolCount);
    this.feedStates = new Int32Array(symbolCount).fill(FEED_LIVE);
    this.synced = new Uint8Array(symbolCount);
    this.bucket = new TokenBucket(limits.max_orders_per_second);
    this.setLimits(limits);
  }

  setLimits(limits: RiskLimits): void {
    this.maxPositionUnits = Math.round(limits.max_position_size * FIXED_SCALE);
    this.maxOrderUnits = Math.round(limits.max_order_size * FIXED_SCALE);
    this.maxNotional = limits.max_notional_exposure;
    this.bucket.setRate(limits.max_orders_per_second);
  }

  setTradingState(code: TradingStateCode): void {
    this.tradingState = code;
  }

  get tradingStateCode(): TradingStateCode {
    return this.tradingState;
  }

  setFeedState(symbolIndex: SymbolIndex, feedState: FeedStateCode): void {
    this.feedStates[symbolIndex] = feedState;
  }

  setBookSynced(symbolIndex: SymbolIndex, synced: boolean): void {
    this.synced[symbolIndex] = synced ? 1 : 0;
  }

  /** Remaining size of the open orders per side, from the execution side. */
  setOpenOrders(symbolIndex: SymbolIndex, buyUnits: Qty, sellUnits: Qty): void {
    this.openBuys[symbolIndex] = buyUnits;
    this.openSells[symbolIndex] = sellUnits;
  }

  /** Signed position, from the execution side. */
  setPosition(symbolIndex: SymbolIndex, qtyUnits: Qty): void {
    this.positions[symbolIndex] = qtyUnits;
  }

  position(symbolIndex: SymbolIndex): Qty {
    return this.positions[symbolIndex] as Qty;
  }

  /** Latest mid in quote units, for the notional check. */
  setMark(symbolIndex: SymbolIndex, mid: number): void {
    this.marks[symbolIndex] = mid;
  }

  /**
   * Checks a new order (side +1 buy / −1 sell, qty and price in 1e-8 units) at data time
   * `tsUs`. Returns RISK_ACCEPTED (and spends a rate token) or the refusal's index in
   * REJECT_REASONS (and counts it).
   */
  check(
    symbolIndex: SymbolIndex,
    side: SideCode,
    qtyUnits: Qty,
    priceUnits: Price,
    tsUs: TimestampUs,
  ): number {
    const code = this.firstFailure(symbolIndex, side, qtyUnits, priceUnits, tsUs);
    if (code === RISK_ACCEPTED) {
      this.bucket.take();
      this.accepted++;
    } else {
      this.rejections[code]!++;
    }
    return code;
  }

  /** Cancels pass in every trading state: they can only reduce risk. */
  checkCancel(): number {
    return RISK_ACCEPTED;
  }

  reset(): void {
    this.rejections.fill(0);
    this.accepted = 0;
    this.bucket.reset();
  }

  private firstFailure(
    symbolIndex: SymbolIndex,
    side: SideCode,
    qtyUnits: Qty,
    priceUnits: Price,
    tsUs: TimestampUs,
  ): number {
    if (!(qtyUnits > 0)) return RejectReasonCode.zero_size;
    const position = this.positions[symbolIndex] as Qty;
    const sameSideOpen = (side > 0 ? this.openBuys : this.openSells)[symbolIndex] as Qty;
    const gate = tradingGate(this.tradingState, side, qtyUnits, position, sameSideOpen);
    if (gate !== GATE_OPEN) return gate;
    const worstCase =
      side > 0
        ? position + this.openBuys[symbolIndex]! + qtyUnits
        : position - this.openSells[symbolIndex]! - qtyUnits;
    if (Math.abs(worstCase) > this.maxPositionUnits) return RejectReasonCode.position_limit;
    if (qtyUnits > this.maxOrderUnits) return RejectReasonCode.order_size;
    let exposure = (qtyUnits / FIXED_SCALE) * (priceUnits / FIXED_SCALE);
    for (let s = 0; s < this.positions.length; s++) {
      exposure += (Math.abs(this.positions[s]!) / FIXED_SCALE) * this.marks[s]!;
    }
    if (exposure > this.maxNotional) return RejectReasonCode.notional_exposure;
    if (this.feedStates[symbolIndex] !== FEED_LIVE) return RejectReasonCode.feed_not_live;
    if (this.synced[symbolIndex] !== 1) return RejectReasonCode.book_unsynced;
    if (!this.bucket.available(tsUs)) return RejectReasonCode.rate_limit;
    return RISK_ACCEPTED;
  }
}
