/**
 * Exact integer arithmetic for the few products that leave the double's exact range:
 * price × quantity in 1e-8 units is up to ~1e21 for one BTC at 119000 USDT, beyond 2^53.
 * BigInt keeps those exact; the results (average cost, PnL, fees) fit back into doubles
 * as integers and are rounded once, with the rule named here, never accumulated in floats.
 */

const ZERO = BigInt(0);
const ONE = BigInt(1);
const TWO = BigInt(2);

/**
 * `numerator / denominator` rounded half away from zero (0.5 → 1, -0.5 → -1): the rule a
 * ledger uses, symmetric for gains and losses. `denominator` must be positive.
 */
function divRoundHalfAway(numerator: bigint, denominator: bigint): bigint {
  if (numerator >= ZERO) return (TWO * numerator + denominator) / (TWO * denominator);
  return -((TWO * -numerator + denominator) / (TWO * denominator));
}

/** Ceiling of `numerator / denominator` for a positive denominator. */
export function divCeil(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return q * denominator < numerator ? q + ONE : q;
}

/** Floor of `numerator / denominator` for a positive denominator. */
export function divFloor(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return q * denominator > numerator ? q - ONE : q;
}

/**
 * A rate in basis points (a config double such as 7.5) as an exact integer count of
 * 1e-6 bp: the precision every fee and slippage computation here works to.
 */
const MICRO_BPS_PER_BP = 1_000_000;
export const microBps = (bps: number): number => Math.round(bps * MICRO_BPS_PER_BP);
/** 1e4 bp per unit × 1e6 micro-bp per bp. */
export const MICRO_BPS_PER_UNIT = BigInt(10_000 * MICRO_BPS_PER_BP);

/** Products below this are exact in doubles with room for one addition. */
const SAFE_PRODUCT = 2 ** 51;

/**
 * Integer `n / d` rounded half away from zero, for safe integers `n` and positive `d`.
 * `%` and the division of an exact multiple are exact on doubles, so no float rounding
 * can move a result across a .5 boundary.
 */
export function divRoundHalfAwayNum(n: number, d: number): number {
  const r = n % d;
  const t = (n - r) / d;
  if (2 * Math.abs(r) >= d) return n < 0 ? t - 1 : t + 1;
  return t;
}

/**
 * A quotient estimated in doubles is within a few ulps of the exact one (every term is a
 * product or sum of positive exact integers, so there is no cancellation: relative error
 * ≤ 4 × 2^-53). Its rounding is then certainly the exact rounding unless the fraction lies
 * within that error of one half; this margin is 32 times wider. Only those rare near-ties
 * (and quotients beyond 2^52) take the exact BigInt path, which keeps BigInt and its
 * garbage off nearly every fill.
 */
const TIE_MARGIN = 2 ** -48;

/** round_half_away(estimate), or NaN when the estimate cannot decide the rounding. */
function roundEstimate(estimate: number): number {
  const magnitude = Math.abs(estimate);
  if (!(magnitude < 2 ** 52)) return NaN;
  const whole = Math.floor(magnitude);
  if (Math.abs(magnitude - whole - 0.5) <= magnitude * TIE_MARGIN) return NaN;
  const rounded = Math.floor(magnitude + 0.5);
  return estimate < 0 ? -rounded : rounded;
}

/** round_half_away(a × b / d) for safe integers a, b and a positive safe integer d. */
export function mulDivRoundHalfAway(a: number, b: number, d: number): number {
  const product = a * b;
  if (Math.abs(product) < SAFE_PRODUCT) return divRoundHalfAwayNum(product, d);
  const fast = roundEstimate(product / d);
  if (!Number.isNaN(fast)) return fast;
  return Number(divRoundHalfAway(BigInt(a) * BigInt(b), BigInt(d)));
}

/**
 * round_half_away(a × b × c / d) for safe integers a, b ≥ 0, a safe integer c and a
 * positive integer d that a double holds exactly (1e18 is): a fee, notional × rate.
 */
export function mulMulDivRoundHalfAway(a: number, b: number, c: number, d: number): number {
  const fast = roundEstimate((a * b * c) / d);
  if (!Number.isNaN(fast)) return fast;
  return Number(divRoundHalfAway(BigInt(a) * BigInt(b) * BigInt(c), BigInt(d)));
}

/**
 * The quantity-weighted mean of two prices, rounded half away from zero to an integer
 * unit: (priceA × qtyA + priceB × qtyB) / (qtyA + qtyB), all non-negative integers.
 */
export function weightedMean(priceA: number, qtyA: number, priceB: number, qtyB: number): number {
  const costA = priceA * qtyA;
  const costB = priceB * qtyB;
  if (costA < SAFE_PRODUCT && costB < SAFE_PRODUCT)
    return divRoundHalfAwayNum(costA + costB, qtyA + qtyB);
  const fast = roundEstimate((costA + costB) / (qtyA + qtyB));
  if (!Number.isNaN(fast)) return fast;
  const sum = BigInt(priceA) * BigInt(qtyA) + BigInt(priceB) * BigInt(qtyB);
  return Number(divRoundHalfAway(sum, BigInt(qtyA + qtyB)));
}
