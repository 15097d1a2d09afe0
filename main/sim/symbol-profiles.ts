import { KNOWN_SYMBOL_SPECS } from '../../shared/domain.js';

/**
 * The generated market's per-symbol grid and scale. Prices are integer ticks and
 * quantities integer exchange steps inside the simulator; `tickUnits`/`stepUnits` turn
 * them into shared/domain.ts 1e-8 units for the wire. The order-flow model itself is
 * written in ticks and "typical orders", so one set of rates serves every symbol.
 */
export interface SymbolProfile {
  readonly symbol: string;
  /** One price tick in 1e-8 units (0.01 USDT = 1_000_000). */
  readonly tickUnits: number;
  /** One quantity step in 1e-8 units (0.00001 BTC = 1_000). */
  readonly stepUnits: number;
  /** Opening mid price, in ticks. */
  readonly startTicks: number;
  /** Median size of one limit order, in steps. */
  readonly orderMedianSteps: number;
  /** Event-rate multiplier (1 = BTCUSDT's pace). */
  readonly activity: number;
}

const USDT_TICK = 1_000_000; // 0.01

interface ProfileSeed {
  readonly price: number;
  /** Tick in 1e-8 units where the engine's table does not fix it (default 0.01). */
  readonly tickUnits?: number;
  readonly stepUnits: number;
  readonly orderMedian: number;
  readonly activity: number;
}

/** Real Binance grids for the well-known pairs, at plausible price levels. */
const PROFILE_SEEDS: Readonly<Record<string, ProfileSeed>> = {
  BTCUSDT: { price: 60_000, stepUnits: 1_000, orderMedian: 0.01, activity: 1 },
  ETHUSDT: { price: 3_000, stepUnits: 10_000, orderMedian: 0.2, activity: 0.7 },
  SOLUSDT: { price: 150, stepUnits: 1_000_000, orderMedian: 5, activity: 0.5 },
  BNBUSDT: { price: 600, stepUnits: 100_000, orderMedian: 1, activity: 0.4 },
  XRPUSDT: {
    price: 0.6,
    tickUnits: 10_000,
    stepUnits: 100_000_000,
    orderMedian: 500,
    activity: 0.4,
  },
};

/** Any other symbol: a 100 USDT-like instrument on a 0.01 / 0.001 grid. */
const DEFAULT_SEED: ProfileSeed = { price: 100, stepUnits: 100_000, orderMedian: 2, activity: 0.4 };

/** Binance symbol syntax: upper-case letters and digits. */
const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;

export function profileFor(symbol: string): SymbolProfile {
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new Error(
      `symbol "${symbol}" is not a Binance symbol (upper-case letters and digits, e.g. BTCUSDT)`,
    );
  }
  const seed = PROFILE_SEEDS[symbol] ?? DEFAULT_SEED;
  const known = KNOWN_SYMBOL_SPECS[symbol];
  // The engine's own table wins where it knows a symbol, so both sides agree on the grid.
  const tickUnits = known?.tickSize ?? seed.tickUnits ?? USDT_TICK;
  const stepUnits = known?.stepSize ?? seed.stepUnits;
  const priceUnits = seed.price * 1e8;
  return {
    symbol,
    tickUnits,
    stepUnits,
    startTicks: Math.max(1000, Math.round(priceUnits / tickUnits)),
    orderMedianSteps: Math.max(1, Math.round((seed.orderMedian * 1e8) / stepUnits)),
    activity: seed.activity,
  };
}
