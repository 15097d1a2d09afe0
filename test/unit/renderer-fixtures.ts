import type { BookView, EngineState, LevelView } from '../../shared/api.js';
import { DEFAULT_RISK_LIMITS, DEFAULT_STRATEGY_PARAMS } from '../../shared/config.js';

/** A complete EngineState for renderer unit tests; `overrides` replaces top-level fields. */
export function engineState(overrides: Partial<EngineState> = {}): EngineState {
  return {
    seq: 1,
    tsUs: 1_752_000_000_000_000,
    engineRunning: true,
    books: [book('BTCUSDT', 119000, 5)],
    trades: [],
    signals: [],
    signalCounts: { fired: 0, suppressed: 0, none: 0 },
    orders: [],
    fills: [],
    positions: [],
    totals: { realizedPnl: 0, unrealizedPnl: 0 },
    killSwitch: {
      state: 'ACTIVE',
      reason: 'armed at start',
      source: 'trader',
      changedUs: 1_752_000_000_000_000,
      settled: true,
    },
    health: {
      feed: 'live',
      messagesPerSecond: 10,
      tickToTrade: { p50Us: 8, p99Us: 15, count: 40 },
      latencies: [],
      ringUtilization: { market: 0.01 },
      uptimeSeconds: 12,
      restarts: 0,
      rejections: {},
      ordersSubmitted: 0,
    },
    params: { ...DEFAULT_STRATEGY_PARAMS },
    riskLimits: { ...DEFAULT_RISK_LIMITS },
    paramHistory: [],
    symbols: ['BTCUSDT'],
    ...overrides,
  };
}

/** A book around `mid` with `levels` levels a side one cent apart, sizes 0.1, 0.2, ... */
export function book(symbol: string, mid: number, levels: number): BookView {
  const bids: LevelView[] = [];
  const asks: LevelView[] = [];
  for (let i = 0; i < levels; i++) {
    bids.push([(mid - 0.01 * (i + 1)).toFixed(2), ((i + 1) / 10).toFixed(5)]);
    asks.push([(mid + 0.01 * (i + 1)).toFixed(2), ((i + 1) / 10).toFixed(5)]);
  }
  return { symbol, synced: true, lastUpdateId: 1, bids, asks, mid, spreadBps: (0.02 / mid) * 1e4 };
}
