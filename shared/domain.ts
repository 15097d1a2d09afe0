import type { Brand } from './brand.js';
import { indexMap, type IndexMap } from './index-map.js';

/**
 * Fixed-point scale of every price and quantity inside the engine: integer counts of
 * 1e-8, Binance's own precision. Doubles hold such integers exactly up to 2^53
 * (≈ 9e7 BTC at 1e-8, or a price of 9e7 USDT), so the book never drifts the way binary
 * floats of "0.1" would. Products (notional) leave that range and are computed
 * exactly with BigInt (execution/fixed-math.ts), or as approximate floats where only a limit
 * check needs them.
 */
export const FIXED_SCALE = 100_000_000;
export const FIXED_DECIMALS = 8;

/** Price in integer units of 1e-8 quote currency. */
export type Price = Brand<number, 'Price'>;
/** Quantity in integer units of 1e-8 base currency. Signed where it is a position. */
export type Qty = Brand<number, 'Qty'>;
/** A decimal number as the exchange writes it, e.g. "119000.01000000". */
export type DecimalString = Brand<string, 'DecimalString'>;
/** Engine-assigned order id, from an atomic counter. */
export type OrderId = Brand<number, 'OrderId'>;
/** `strategy_<uuid>` as the seed defines it. */
export type ClientOrderId = Brand<string, 'ClientOrderId'>;
/** Microseconds since the Unix epoch (the recording's `ts` clock). */
export type TimestampUs = Brand<number, 'TimestampUs'>;
/** Index of a symbol in the configured `strategy.symbols` list. */
export type SymbolIndex = Brand<number, 'SymbolIndex'>;

export const asPrice = (units: number): Price => units as Price;
export const asQty = (units: number): Qty => units as Qty;
export const asOrderId = (id: number): OrderId => id as OrderId;
export const asTimestampUs = (us: number): TimestampUs => us as TimestampUs;
export const asSymbolIndex = (i: number): SymbolIndex => i as SymbolIndex;

/**
 * Parses a non-negative decimal string exactly into 1e-8 units. Returns NaN for
 * anything that is not a plain decimal with at most 8 fractional digits that matter
 * (extra trailing zeros are accepted, as Binance pads to 8 decimals).
 */
export function parseFixed(text: string): number {
  let units = 0;
  let fractionDigits = -1;
  let sawDigit = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
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
  const scaleDigits = fractionDigits < 0 ? FIXED_DECIMALS : FIXED_DECIMALS - fractionDigits;
  for (let i = 0; i < scaleDigits; i++) units *= 10;
  return Number.isSafeInteger(units) ? units : NaN;
}

/** Formats 1e-8 units as a decimal string without trailing zeros ("119000.01", "0.00001", "5"). */
export function formatFixed(units: number): DecimalString {
  const negative = units < 0;
  const abs = Math.abs(units);
  const whole = Math.floor(abs / FIXED_SCALE);
  const frac = abs - whole * FIXED_SCALE;
  let text = String(whole);
  if (frac !== 0) {
    text += '.' + String(frac).padStart(FIXED_DECIMALS, '0').replace(/0+$/, '');
  }
  return ((negative ? '-' : '') + text) as DecimalString;
}

/** Exchange rules of a symbol, in 1e-8 units. */
export interface SymbolSpec {
  readonly symbol: string;
  readonly tickSize: Price;
  readonly stepSize: Qty;
}

/** Binance spot's filters for the symbols the simulator and the fixtures use. */
export const KNOWN_SYMBOL_SPECS: Readonly<Record<string, SymbolSpec>> = {
  BTCUSDT: { symbol: 'BTCUSDT', tickSize: asPrice(1_000_000), stepSize: asQty(1_000) },
  ETHUSDT: { symbol: 'ETHUSDT', tickSize: asPrice(1_000_000), stepSize: asQty(10_000) },
  SOLUSDT: { symbol: 'SOLUSDT', tickSize: asPrice(1_000_000), stepSize: asQty(1_000_000) },
};

/** Any other symbol: 1e-8 grid, which is always exact for Binance strings. */
export function symbolSpecFor(symbol: string): SymbolSpec {
  return KNOWN_SYMBOL_SPECS[symbol] ?? { symbol, tickSize: asPrice(1), stepSize: asQty(1) };
}

/**
 * The strategy id of the trader's own orders (the ladder, market buttons): the engine's
 * strategy table is [strategy.strategy_id, MANUAL_STRATEGY_ID], so orders, trades and
 * positions of manual trading carry it in the database, beside the strategy's.
 */
export const MANUAL_STRATEGY_ID = 'manual';

export const SIDES = ['Buy', 'Sell'] as const;
export type Side = (typeof SIDES)[number];
/** Wire code of a side in ring records: +1 buy, -1 sell (the sign of the position change). */
export const sideCode = (side: Side): 1 | -1 => (side === 'Buy' ? 1 : -1);
export const sideFromCode = (code: number): Side => (code > 0 ? 'Buy' : 'Sell');
/** +1 buy, -1 sell: the sign a fill gives the position. */
export type SideCode = 1 | -1;
/** A signal's direction: the sign of its strength, 0 exactly at the threshold. */
export type SignalSideCode = SideCode | 0;

export const ORDER_TYPES = ['Market', 'Limit', 'PostOnly', 'IOC', 'FOK'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
/** ORDER_TYPES indices, as ring records and the broker carry them. */
export const OrderTypeCode = indexMap(ORDER_TYPES);
export type OrderTypeCode = (typeof OrderTypeCode)[keyof typeof OrderTypeCode];

export const ORDER_STATUSES = [
  'Pending',
  'Open',
  'PartiallyFilled',
  'Filled',
  'Cancelled',
  'Rejected',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** ORDER_STATUSES indices, as ring records and the broker carry them. */
export const OrderStatusCode = indexMap(ORDER_STATUSES);
export type OrderStatusCode = (typeof OrderStatusCode)[keyof typeof OrderStatusCode];

/** The control block's trading-state word (DESIGN.md §1). */
export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TRADING_STATES)[number];
export const TradingStateCode = indexMap(TRADING_STATES);
export type TradingStateCode = (typeof TradingStateCode)[keyof typeof TradingStateCode];
/** Whether a number read from a shared word or a row is a trading-state code. */
export const isTradingStateCode = (code: number): code is TradingStateCode =>
  code === TradingStateCode.ACTIVE ||
  code === TradingStateCode.REDUCING ||
  code === TradingStateCode.HALTED;

/** Feed state published by the market-data thread. */
export const FEED_STATES = ['connecting', 'syncing', 'live', 'stale', 'down'] as const;
export type FeedState = (typeof FEED_STATES)[number];
/** FEED_STATES index. */
export type FeedStateCode = IndexMap<typeof FEED_STATES>[FeedState];
export const feedStateCode = (state: FeedState): FeedStateCode =>
  FEED_STATES.indexOf(state) as FeedStateCode;

/** Why the risk check refused an order; each is counted separately. */
export const REJECT_REASONS = [
  'kill_switch',
  'reducing_only',
  'position_limit',
  'order_size',
  'notional_exposure',
  'rate_limit',
  'feed_not_live',
  'book_unsynced',
  'zero_size',
  'post_only_would_cross',
  'fok_unfillable',
  'unknown_order',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
/** REJECT_REASONS indices, as the risk check returns them and the counters are ordered. */
export const RejectReasonCode = indexMap(REJECT_REASONS);
