import { FIXED_SCALE } from '../../../shared/domain.js';
import { BpsFeeModel, type FeeModel, type FeeRates, type LiquidityCode } from './fee-model.js';
import { mulDivRoundHalfAway, weightedMean } from './fixed-math.js';

/**
 * Positions and PnL per (strategy, symbol), by the AVERAGE-COST method, in exact integers:
 *
 * - quantity: signed integer 1e-8 base units (long > 0).
 * - average cost: integer 1e-8 quote units per base unit (a price). A fill that grows the
 *   position (or opens it) moves the average to the quantity-weighted mean of the old
 *   average and the fill price, ROUNDED half away from zero to 1e-8: the one rounding
 *   this book makes on cost, worth at most 0.5e-8 quote per unit held.
 * - a fill that shrinks the position realizes (fill − avg) × closed qty (sign flipped for
 *   a short), rounded half away from zero to 1e-8 quote units; the average is unchanged.
 * - a fill larger than the position FLIPS it: the whole position closes at the fill price
 *   (realizing as above), and the rest opens a new position at the fill price.
 * - fees: the FeeModel's (fee-model.ts: notional × maker_fee_bps or taker_fee_bps / 1e4,
 *   rounded half away from zero to 1e-8 quote), subtracted from realized PnL (a negative
 *   rate is a rebate and adds).
 * - unrealized PnL: (mark − avg) × quantity, marked to the mid; a float, for display.
 *
 * Products of price × quantity exceed 2^53; fixed-math.ts rounds them exactly anyway,
 * deciding on doubles when the double estimate cannot be on the wrong side of a half and
 * falling back to BigInt for the rare near-ties, so the per-fill path allocates nothing
 * in the common case and never uses decimal.js.
 */

export { Liquidity, type FeeRates, type LiquidityCode } from './fee-model.js';

export class PositionState {
  /** Signed quantity, 1e-8 base units. */
  qty = 0;
  /** Average cost of the open quantity, 1e-8 quote per base unit; 0 when flat. */
  avgCost = 0;
  /** Realized PnL after fees, 1e-8 quote units. */
  realizedPnl = 0;
  /** Fees paid (rebates negative), 1e-8 quote units; already inside realizedPnl. */
  fees = 0;
  /** Number of fills applied since start (or restore). */
  fills = 0;
}

/** What one fill did; one reused object, read it before the next fill. */
export interface FillOutcome {
  qtyAfter: number;
  avgCostAfter: number;
  realizedAfter: number;
  /** This fill's fee, 1e-8 quote units. */
  fee: number;
  /** Realized PnL this fill added, fee included. */
  realizedDelta: number;
}

export class PositionBook {
  private readonly states: PositionState[];
  private feeModel: FeeModel;
  private readonly outcome: FillOutcome = {
    qtyAfter: 0,
    avgCostAfter: 0,
    realizedAfter: 0,
    fee: 0,
    realizedDelta: 0,
  };

  constructor(
    readonly strategyCount: number,
    readonly symbolCount: number,
    fees: FeeRates | FeeModel,
  ) {
    if (!Number.isInteger(strategyCount) || strategyCount < 1)
      throw new Error(`strategy count must be a positive integer, got ${strategyCount}`);
    if (!Number.isInteger(symbolCount) || symbolCount < 1)
      throw new Error(`symbol count must be a positive integer, got ${symbolCount}`);
    this.states = Array.from({ length: strategyCount * symbolCount }, () => new PositionState());
    this.feeModel = 'fee' in fees ? fees : new BpsFeeModel(fees);
  }

  setFees(fees: FeeRates | FeeModel): void {
    this.feeModel = 'fee' in fees ? fees : new BpsFeeModel(fees);
  }

  get(strategy: number, symbol: number): Readonly<PositionState> {
    return this.state(strategy, symbol);
  }

  /** Net quantity of a symbol over all strategies. */
  netQty(symbol: number): number {
    let total = 0;
    for (let s = 0; s < this.strategyCount; s++)
      total += this.states[s * this.symbolCount + symbol]!.qty;
    return total;
  }

  /** Unrealized PnL in 1e-8 quote units at `mark` (1e-8 price units); 0 when flat. */
  unrealizedPnl(strategy: number, symbol: number, mark: number): number {
    const state = this.state(strategy, symbol);
    if (state.qty === 0) return 0;
    return ((mark - state.avgCost) * state.qty) / FIXED_SCALE;
  }

  /** Puts back a position read from the database (integers in 1e-8 units). */
  restore(
    strategy: number,
    symbol: number,
    qty: number,
    avgCost: number,
    realizedPnl: number,
  ): void {
    for (const [name, value] of [
      ['quantity', qty],
      ['average cost', avgCost],
      ['realized PnL', realizedPnl],
    ] as const) {
      if (!Number.isSafeInteger(value))
        throw new Error(`restored ${name} must be an integer count of 1e-8 units, got ${value}`);
    }
    if (avgCost < 0) throw new Error(`restored average cost must not be negative, got ${avgCost}`);
    const state = this.state(strategy, symbol);
    state.qty = qty;
    state.avgCost = qty === 0 ? 0 : avgCost;
    state.realizedPnl = realizedPnl;
    state.fees = 0;
    state.fills = 0;
  }

  /**
   * Applies one fill: `side` +1 buy / -1 sell, `price` and `qty` positive integers in
   * 1e-8 units. Returns the shared outcome object.
   */
  applyFill(
    strategy: number,
    symbol: number,
    side: number,
    price: number,
    qty: number,
    liquidity: LiquidityCode,
  ): FillOutcome {
    const state = this.state(strategy, symbol);
    const fee = this.feeModel.fee(price, qty, liquidity);
    const held = state.qty;
    let realizedDelta = -fee;
    if (held === 0 || held > 0 === side > 0) {
      // Opening or adding: the average moves to the weighted mean.
      const absHeld = Math.abs(held);
      state.avgCost = held === 0 ? price : weightedMean(state.avgCost, absHeld, price, qty);
      state.qty = held + side * qty;
    } else {
      const absHeld = Math.abs(held);
      const closed = qty < absHeld ? qty : absHeld;
      const direction = held > 0 ? 1 : -1;
      realizedDelta += mulDivRoundHalfAway(
        (price - state.avgCost) * direction,
        closed,
        FIXED_SCALE,
      );
      const opened = qty - closed;
      state.qty = held + side * qty;
      if (state.qty === 0) state.avgCost = 0;
      else if (opened > 0) state.avgCost = price;
    }
    state.realizedPnl += realizedDelta;
    state.fees += fee;
    state.fills++;
    const out = this.outcome;
    out.qtyAfter = state.qty;
    out.avgCostAfter = state.avgCost;
    out.realizedAfter = state.realizedPnl;
    out.fee = fee;
    out.realizedDelta = realizedDelta;
    return out;
  }

  private state(strategy: number, symbol: number): PositionState {
    if (
      strategy < 0 ||
      strategy >= this.strategyCount ||
      symbol < 0 ||
      symbol >= this.symbolCount
    ) {
      throw new Error(`no position slot for strategy index ${strategy}, symbol index ${symbol}`);
    }
    return this.states[strategy * this.symbolCount + symbol]!;
  }
}
