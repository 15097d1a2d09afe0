import { FIXED_SCALE } from '../../../shared/domain.js';
import { MICRO_BPS_PER_UNIT, microBps, mulMulDivRoundHalfAway } from './fixed-math.js';

/** Which side of the book a fill took: a resting order (maker) or a crossing one (taker). */
export const Liquidity = { MAKER: 0, TAKER: 1 } as const;
export type LiquidityCode = (typeof Liquidity)[keyof typeof Liquidity];

/**
 * What a fill costs, as hftbacktest's `FeeModel` trait: the matching engine asks it per
 * fill. Prices and quantities are integer 1e-8 units; the fee is in 1e-8 quote units
 * (negative for a rebate).
 */
export interface FeeModel {
  fee(price: number, qty: number, liquidity: LiquidityCode): number;
}

export interface FeeRates {
  readonly makerFeeBps: number;
  readonly takerFeeBps: number;
}

/** 1e-8 quote units: notional (price × qty) is in 1e-16, fee rates in 1e-6 bp (1e18, exact in a double). */
const FEE_DENOMINATOR = FIXED_SCALE * Number(MICRO_BPS_PER_UNIT);

/**
 * execution.maker_fee_bps / taker_fee_bps of the notional, rounded half away from zero
 * to 1e-8 quote, computed exactly in integers.
 */
export class BpsFeeModel implements FeeModel {
  private readonly makerMicroBps: number;
  private readonly takerMicroBps: number;

  constructor(rates: FeeRates) {
    this.makerMicroBps = microBps(rates.makerFeeBps);
    this.takerMicroBps = microBps(rates.takerFeeBps);
  }

  fee(price: number, qty: number, liquidity: LiquidityCode): number {
    const rate = liquidity === Liquidity.MAKER ? this.makerMicroBps : this.takerMicroBps;
    return rate === 0 ? 0 : mulMulDivRoundHalfAway(price, qty, rate, FEE_DENOMINATOR);
  }
}
