import type { ReplaySummary } from '../process/replay-runner.js';
import { limitFillRatio, type Analysis } from './backtest-analysis.js';
import type { RunRows } from './run-rows.js';

/**
 * The totals table of a run (the report's and each sweep row's): counts and money from
 * the run's database rows, unrealized PnL and the signal and rejection counts from the
 * engine's summary (the database has no mark), drawdown and round trips from the curve.
 */
export interface BacktestTotals {
  readonly trades: number;
  /** Base quantity traded, all symbols. */
  readonly volume: number;
  /** Quote notional traded. */
  readonly notional: number;
  readonly fees: number;
  readonly realized_pnl: number;
  readonly unrealized_pnl: number;
  readonly total_pnl: number;
  readonly max_drawdown: number;
  /** Closing fills with a gain over closing fills; null when nothing closed. */
  readonly win_rate: number | null;
  readonly average_holding_ms: number | null;
  readonly limit_fill_ratio: number | null;
  readonly orders: number;
  readonly rejections: number;
  readonly rejections_by_reason: Readonly<Record<string, number>>;
  readonly signals_fired: number;
  readonly signals_suppressed: number;
  readonly final_position: number;
}

/** Rounds money to 1e-8 so sums of doubles print as the exact decimals they stand for. */
const money = (x: number): number => Math.round(x * 1e8) / 1e8;

export function backtestTotals(
  rows: RunRows,
  summary: ReplaySummary,
  analysis: Pick<Analysis, 'maxDrawdown' | 'roundTrips'>,
): BacktestTotals {
  const realized = money(rows.positions.reduce((sum, p) => sum + p.realizedPnl, 0));
  const holding = analysis.roundTrips.holdingUs;
  return {
    trades: rows.fills.length,
    volume: money(rows.fills.reduce((sum, f) => sum + f.qty, 0)),
    notional: money(rows.fills.reduce((sum, f) => sum + f.qty * f.price, 0)),
    fees: money(rows.orders.reduce((sum, o) => sum + o.fees, 0)),
    realized_pnl: realized,
    unrealized_pnl: money(summary.unrealized_pnl),
    total_pnl: money(realized + summary.unrealized_pnl),
    max_drawdown: money(analysis.maxDrawdown),
    win_rate:
      analysis.roundTrips.closingFills > 0
        ? analysis.roundTrips.winningFills / analysis.roundTrips.closingFills
        : null,
    average_holding_ms:
      holding.length > 0 ? holding.reduce((sum, us) => sum + us, 0) / holding.length / 1000 : null,
    limit_fill_ratio: limitFillRatio(rows.orders),
    orders: rows.orders.length,
    rejections: summary.rejections,
    rejections_by_reason: summary.rejections_by_reason,
    signals_fired: summary.signals,
    signals_suppressed: summary.suppressed_signals,
    final_position: summary.final_position,
  };
}
