import { PROMETHEUS_BOUNDS_SECONDS, type LatencyHistogram } from '../core/histogram.js';

/**
 * What `/metrics` exposes (DESIGN.md §9), read once per scrape. The engine adapts its
 * control block to this; the metrics server knows nothing of rings or threads, so it is
 * tested with plain numbers and cannot disturb the hot path (reading happens on the
 * engine's main thread, only when Prometheus asks).
 */

/** `le` bounds of strategy_tick_to_trade_duration_seconds, in seconds (DESIGN.md §9). */
export const TICK_TO_TRADE_BUCKETS_SECONDS: readonly number[] = PROMETHEUS_BOUNDS_SECONDS;

export interface CumulativeHistogram {
  /** Observations ≤ each bound of TICK_TO_TRADE_BUCKETS_SECONDS, same order (cumulative). */
  readonly cumulativeCounts: ArrayLike<number>;
  /** Sum of all observations, seconds. */
  readonly sumSeconds: number;
  /** Number of observations (the +Inf bucket). */
  readonly count: number;
}

export interface MetricsSnapshot {
  readonly marketUpdates: number;
  readonly signalsGenerated: number;
  readonly ordersSubmitted: number;
  readonly tickToTrade: CumulativeHistogram;
  /** Realized + unrealized PnL, quote currency. */
  readonly pnlTotal: number;
  /** Signed position per symbol, base units. */
  readonly positions: ReadonlyArray<{ readonly symbol: string; readonly size: number }>;
  /** Fill ratio 0..1 per ring. */
  readonly channelUtilization: ReadonlyArray<{ readonly channel: string; readonly ratio: number }>;
  /** TradingStateCode: 0 ACTIVE, 1 REDUCING, 2 HALTED. */
  readonly tradingState: number;
}

export interface MetricsSource {
  read(): MetricsSnapshot;
}

/** The §9 histogram from one of the core's latency histograms (exact `le` counts). */
export function cumulativeFromLatencyHistogram(histogram: LatencyHistogram): CumulativeHistogram {
  return {
    cumulativeCounts: TICK_TO_TRADE_BUCKETS_SECONDS.map((bound) =>
      histogram.cumulativeBelow(bound),
    ),
    sumSeconds: histogram.sumSeconds,
    count: histogram.count,
  };
}
