import { parseFixed } from '../../shared/domain.js';
import { MarketKind, MarketRecord, TradeRecord } from '../../shared/records.js';
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

export function bookRecord(
  spec: BookSpec,
  into = new Float64Array(MarketRecord.SLOTS),
  off = 0,
): Float64Array {
  into.fill(0, off, off + MarketRecord.SLOTS);
  into[off + MarketRecord.KIND] = MarketKind.BOOK;
  into[off + MarketRecord.SYMBOL] = spec.symbol ?? 0;
  into[off + MarketRecord.SEQ] = spec.seq ?? 1;
  into[off + MarketRecord.TS_US] = spec.tsUs;
  into[off + MarketRecord.T0_US] = spec.t0Us ?? 0;
  into[off + MarketRecord.UPDATE_ID] = spec.updateId ?? 0;
  into[off + MarketRecord.SYNCED] = spec.synced === false ? 0 : 1;
  into[off + MarketRecord.BID_COUNT] = spec.bids.length;
  into[off + MarketRecord.ASK_COUNT] = spec.asks.length;
  spec.bids.forEach(([price, qty], i) => {
    into[off + MarketRecord.BID_PRICE + i] = units(price);
    into[off + MarketRecord.BID_QTY + i] = units(qty);
  });
  spec.asks.forEach(([price, qty], i) => {
    into[off + MarketRecord.ASK_PRICE + i] = units(price);
    into[off + MarketRecord.ASK_QTY + i] = units(qty);
  });
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
  rec[MarketRecord.KIND] = MarketKind.TRADE;
  rec[MarketRecord.SYMBOL] = symbol;
  rec[MarketRecord.TS_US] = tsUs;
  rec[TradeRecord.PRICE] = units(price);
  rec[TradeRecord.QTY] = units(qty);
  rec[TradeRecord.IS_BUYER_MAKER] = isBuyerMaker ? 1 : 0;
  return rec;
}

export function feedStateRecord(symbol: number, feedStateIndex: number): Float64Array {
  const rec = new Float64Array(MarketRecord.SLOTS);
  rec[MarketRecord.KIND] = MarketKind.FEED_STATE;
  rec[MarketRecord.SYMBOL] = symbol;
  rec[MarketRecord.FLAGS] = feedStateIndex;
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
