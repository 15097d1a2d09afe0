import {
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  parseFixed,
  type FeedStateCode,
} from '../../shared/domain.js';
import { FeedStateUpdate, MarketRecord, MarketUpdate, TradeUpdate } from '../../shared/records.js';
import {
  validateConfig,
  type Config,
  type RiskLimits,
  type StrategyParams,
} from '../../shared/config.js';

/** Test helpers for the strategy's unit tests: market records from readable decimals. */

export type Level = readonly [price: string, qty: string];

export interface BookSpec {
  readonly tsUs: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
  readonly symbol?: number;
  readonly seq?: number;
  readonly updateId?: number;
  readonly synced?: boolean;
  readonly t0Us?: number;
}

export function units(decimal: string): number {
  const value = parseFixed(decimal);
  if (Number.isNaN(value)) throw new Error(`test fixture: not a decimal: ${decimal}`);
  return value;
}

const bookOut = new MarketUpdate();
const tradeOut = new TradeUpdate();
const feedOut = new FeedStateUpdate();

export function bookRecord(
  spec: BookSpec,
  into: Float64Array = new Float64Array(MarketRecord.SLOTS),
  off = 0,
): Float64Array {
  into.fill(0, off, off + MarketRecord.SLOTS);
  const book = bookOut.begin(
    into,
    off,
    asSymbolIndex(spec.symbol ?? 0),
    spec.seq ?? 1,
    asTimestampUs(spec.tsUs),
    spec.t0Us ?? 0,
  );
  book.updateId = spec.updateId ?? 0;
  book.synced = spec.synced !== false;
  book.bidCount = spec.bids.length;
  book.askCount = spec.asks.length;
  spec.bids.forEach(([price, qty], i) => book.setBid(i, asPrice(units(price)), asQty(units(qty))));
  spec.asks.forEach(([price, qty], i) => book.setAsk(i, asPrice(units(price)), asQty(units(qty))));
  return into;
}

export function tradeRecord(
  tsUs: number,
  price: string,
  qty: string,
  isBuyerMaker: boolean,
  symbol = 0,
): Float64Array {
  const rec = new Float64Array(MarketRecord.SLOTS);
  const trade = tradeOut.begin(rec, 0, asSymbolIndex(symbol), 0, asTimestampUs(tsUs), 0);
  trade.price = asPrice(units(price));
  trade.qty = asQty(units(qty));
  trade.isBuyerMaker = isBuyerMaker;
  return rec;
}

export function feedStateRecord(symbol: number, feedStateIndex: FeedStateCode): Float64Array {
  const rec = new Float64Array(MarketRecord.SLOTS);
  feedOut.begin(rec, 0, asSymbolIndex(symbol), 0, asTimestampUs(0)).feedState = feedStateIndex;
  return rec;
}

/**
 * The documented defaults. Every table is given explicitly because shared defaultConfig()
 * (validateConfig({})) trips over zod v4 not applying nested defaults inside `.default({})`.
 */
function defaultConfig(): Config {
  return validateConfig({
    market: {},
    strategy: { params: {}, risk_limits: {} },
    execution: {},
    engine: {},
    persistence: {},
    metrics: {},
  });
}

export function params(overrides: Partial<StrategyParams> = {}): StrategyParams {
  return { ...defaultConfig().strategy.params, ...overrides };
}

export function limits(overrides: Partial<RiskLimits> = {}): RiskLimits {
  return { ...defaultConfig().strategy.risk_limits, ...overrides };
}

export function config(
  strategy: Partial<Omit<Config['strategy'], 'params' | 'risk_limits'>> & {
    params?: Partial<StrategyParams>;
    risk_limits?: Partial<RiskLimits>;
  } = {},
): Config {
  const base = defaultConfig();
  return {
    ...base,
    strategy: {
      ...base.strategy,
      ...strategy,
      params: params(strategy.params),
      risk_limits: limits(strategy.risk_limits),
    },
  };
}

export const closeTo = (actual: number, expected: number, tolerance = 1e-12): boolean =>
  Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
