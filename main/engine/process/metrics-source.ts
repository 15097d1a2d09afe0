import { cumulativeFromLatencyHistogram, type MetricsSource } from '../metrics/metrics-source.js';
import type { EngineRuntime } from './engine-runtime.js';

/**
 * Adapts the running engine to what /metrics exposes: counters and the tick-to-trade
 * histogram straight from the control block, PnL and positions from the execution
 * thread's latest report. Read only when Prometheus scrapes.
 */
export function metricsSourceFor(runtime: EngineRuntime): MetricsSource {
  const control = runtime.control;
  return {
    read() {
      const state = runtime.state();
      for (const [name, ratio] of Object.entries(state.health.ringUtilization))
        control.setRingUtilization(name, ratio);
      return {
        marketUpdates: control.counter('market_updates'),
        signalsGenerated: control.counter('signals_fired'),
        ordersSubmitted: control.counter('orders_submitted'),
        tickToTrade: cumulativeFromLatencyHistogram(control.histogram('tick_to_trade')),
        pnlTotal: state.totals.realizedPnl + state.totals.unrealizedPnl,
        positions: state.symbols.map((symbol) => ({
          symbol,
          size: Number(state.positions.find((p) => p.symbol === symbol)?.qty ?? 0),
        })),
        tradingState: control.tradingState(),
        channelUtilization: Object.entries(state.health.ringUtilization).map(
          ([channel, ratio]) => ({ channel, ratio }),
        ),
      };
    },
  };
}
