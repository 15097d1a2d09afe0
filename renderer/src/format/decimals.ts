import {
  FIXED_DECIMALS,
  FIXED_SCALE,
  formatFixed,
  parseFixed,
  symbolSpecFor,
} from '../../../shared/domain.js';

/**
 * Fixed decimals per symbol, derived from the exchange's tick and step sizes, so a price
 * column of BTCUSDT always shows 2 decimals and its sizes 5, and columns line up.
 */
export interface SymbolDecimals {
  readonly price: number;
  readonly qty: number;
}

/** Fractional digits of a 1e-8 grid step: 1_000_000 (0.01) → 2, 1 (1e-8) → 8, 1e8 (1) → 0. */
export function decimalsOfStep(units: number): number {
  if (!(units > 0)) return FIXED_DECIMALS;
  const text = formatFixed(units);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

const cache = new Map<string, SymbolDecimals>();

export function decimalsFor(symbol: string): SymbolDecimals {
  let found = cache.get(symbol);
  if (!found) {
    const spec = symbolSpecFor(symbol);
    found = { price: decimalsOfStep(spec.tickSize), qty: decimalsOfStep(spec.stepSize) };
    cache.set(symbol, found);
  }
  return found;
}

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * Formats 1e-8 units with exactly `decimals` fractional digits, rounding half away from
 * zero. Integer arithmetic, so 0.1 + 0.2 never shows as 0.30000000000000004.
 */
export function formatUnits(units: number, decimals: number): string {
  const places = Math.max(0, Math.min(FIXED_DECIMALS, Math.trunc(decimals)));
  const negative = units < 0;
  const step = POW10[FIXED_DECIMALS - places];
  const rounded = Math.round(Math.abs(units) / step);
  const scale = FIXED_SCALE / step;
  const whole = Math.floor(rounded / scale);
  const frac = rounded - whole * scale;
  const sign = negative && rounded !== 0 ? '-' : '';
  if (places === 0) return sign + String(whole);
  return `${sign}${whole}.${String(frac).padStart(places, '0')}`;
}

/** Parses a possibly signed decimal string to 1e-8 units; NaN when it is not one. */
export function parseSignedFixed(text: string): number {
  if (text.startsWith('-')) return -parseFixed(text.slice(1));
  return parseFixed(text);
}

/**
 * Formats a decimal string from the engine with fixed decimals. Text that is not a
 * decimal is shown as it came rather than hidden: a wrong-looking cell is better than a
 * silently blank one.
 */
export function formatDecimalText(text: string, decimals: number): string {
  const units = parseSignedFixed(text);
  return Number.isNaN(units) ? text : formatUnits(units, decimals);
}
