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
export function divRoundHalfAway(numerator: bigint, denominator: bigint): bigint {
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
export const MICRO_BPS_PER_BP = 1_000_000;
export const microBps = (bps: number): bigint => BigInt(Math.round(bps * MICRO_BPS_PER_BP));
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

/** round_half_away(a × b / d) for safe integers a, b and a positive safe integer d. */
export function mulDivRoundHalfAway(a: number, b: number, d: number): number {
  if (Math.abs(a) * Math.abs(b) < SAFE_PRODUCT) return divRoundHalfAwayNum(a * b, d);
  return Number(divRoundHalfAway(BigInt(a) * BigInt(b), BigInt(d)));
}

/**
 * The quantity-weighted mean of two prices, rounded half away from zero to an integer
 * unit: (priceA × qtyA + priceB × qtyB) / (qtyA + qtyB), all non-negative integers.
 */
export function weightedMean(priceA: number, qtyA: number, priceB: number, qtyB: number): number {
  if (priceA * qtyA < SAFE_PRODUCT && priceB * qtyB < SAFE_PRODUCT) {
    return divRoundHalfAwayNum(priceA * qtyA + priceB * qtyB, qtyA + qtyB);
  }
  const sum = BigInt(priceA) * BigInt(qtyA) + BigInt(priceB) * BigInt(qtyB);
  return Number(divRoundHalfAway(sum, BigInt(qtyA + qtyB)));
}
