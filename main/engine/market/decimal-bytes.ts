import { FIXED_DECIMALS } from '../../../shared/domain.js';

/**
 * Parses the bytes of a decimal string (without its quotes) into 1e-8 units, with
 * EXACTLY the rules of `parseFixed` in shared/domain.ts (so the fast scanner and the
 * JSON.parse fallback cannot disagree): digits with at most one '.', at most 8 fractional
 * digits that matter (further zeros are accepted, as Binance pads), no sign, no exponent.
 * Returns NaN for anything else or for a value beyond 2^53 units.
 */
export function parseFixedBytes(bytes: Uint8Array, start: number, end: number): number {
  let units = 0;
  let fractionDigits = -1;
  let sawDigit = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 46 /* . */) {
      if (fractionDigits >= 0) return NaN;
      fractionDigits = 0;
      continue;
    }
    if (c < 48 || c > 57) return NaN;
    sawDigit = true;
    if (fractionDigits >= 0) {
      if (fractionDigits >= FIXED_DECIMALS) {
        if (c !== 48) return NaN;
        continue;
      }
      fractionDigits++;
    }
    units = units * 10 + (c - 48);
  }
  if (!sawDigit) return NaN;
  // Scaling by a power of ten in one multiplication is exact for safe integers because
  // 10^k (k ≤ 8) is exact and the product is checked below.
  const scaleDigits = fractionDigits < 0 ? FIXED_DECIMALS : FIXED_DECIMALS - fractionDigits;
  units *= POWERS_OF_TEN[scaleDigits]!;
  return Number.isSafeInteger(units) ? units : NaN;
}

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
