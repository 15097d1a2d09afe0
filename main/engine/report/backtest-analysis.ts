import type { FillRow, OrderRow, RunRows, SignalRow } from './run-rows.js';
import { midAt, type MidSeries } from './mid-series.js';

/**
 * What the report says about a run, computed from the run's database rows and the
 * recording's mids: the equity curve (realized + unrealized, fees included) and its
 * drawdown, the position over time, the round trips (win rate, holding time) and each
 * signal's outcome over its holding period. Average-cost accounting as the engine's
 * (execution/positions.ts); the engine's exact totals come from the database and the
 * summary, this curve is for seeing how the run got there.
 */
export interface TimelinePoint {
  readonly tsUs: number;
  readonly equity: number;
  readonly drawdown: number;
  /** Position of the first symbol (base units). */
  readonly position: number;
  /** Mid of the first symbol. */
  readonly mid: number;
}

export interface RoundTrips {
  /** Fills that closed (part of) a position. */
  readonly closingFills: number;
  readonly winningFills: number;
  /** Flat-to-flat (or flip) durations, µs. */
  readonly holdingUs: readonly number[];
}

export interface SignalBucket {
  readonly label: string;
  readonly signals: number;
  /** Mean of direction × (mid at the end of the holding period − mid at the signal), quote per unit. */
  readonly meanPnlPerUnit: number;
  readonly meanBps: number;
  /** Share of signals whose mid moved their way. */
  readonly hitRate: number;
}

export interface Analysis {
  readonly timeline: readonly TimelinePoint[];
  readonly maxDrawdown: number;
  readonly roundTrips: RoundTrips;
  readonly signalBuckets: readonly SignalBucket[];
}

const MAX_POINTS = 4000;

interface Book {
  qty: number;
  avg: number;
  realized: number;
  openedUs: number;
}

export function analyseRun(
  rows: RunRows,
  symbols: readonly string[],
  mids: ReadonlyMap<string, MidSeries>,
): Analysis {
  const feePerUnit = new Map<number, number>();
  for (const order of rows.orders)
    if (order.filledQty > 0) feePerUnit.set(order.orderId, order.fees / order.filledQty);
  const books = new Map<string, Book>(
    symbols.map((s) => [s, { qty: 0, avg: 0, realized: 0, openedUs: 0 }]),
  );
  const marks = new Map<string, number>();
  const first = symbols[0]!;
  const holdingUs: number[] = [];
  let closingFills = 0;
  let winningFills = 0;

  const applyFill = (fill: FillRow): void => {
    const book = books.get(fill.symbol);
    if (book === undefined) return;
    const signed = fill.side === 'Buy' ? fill.qty : -fill.qty;
    book.realized -= (feePerUnit.get(fill.orderId) ?? 0) * fill.qty;
    if (book.qty === 0) book.openedUs = fill.tsUs;
    if (book.qty !== 0 && Math.sign(signed) !== Math.sign(book.qty)) {
      const closed = Math.min(Math.abs(signed), Math.abs(book.qty));
      const pnl = (fill.price - book.avg) * closed * Math.sign(book.qty);
      book.realized += pnl;
      closingFills++;
      if (pnl > 0) winningFills++;
      const rest = Math.abs(signed) - closed;
      const after = book.qty + signed;
      if (Math.abs(after) < 1e-12 || rest > 1e-12) {
        holdingUs.push(fill.tsUs - book.openedUs);
        book.openedUs = fill.tsUs;
      }
      book.qty = Math.abs(after) < 1e-12 ? 0 : after;
      if (rest > 1e-12) book.avg = fill.price;
      if (book.qty === 0) book.avg = 0;
    } else {
      const after = book.qty + signed;
      book.avg = (book.avg * Math.abs(book.qty) + fill.price * Math.abs(signed)) / Math.abs(after);
      book.qty = after;
    }
  };

  const equity = (): number => {
    let total = 0;
    for (const [symbol, book] of books) {
      total += book.realized;
      const mark = marks.get(symbol);
      if (book.qty !== 0 && mark !== undefined) total += (mark - book.avg) * book.qty;
    }
    return total;
  };

  // One time-ordered walk over every book update and fill.
  type Event = { tsUs: number; fill?: FillRow; symbol?: string; mid?: number };
  const events: Event[] = [];
  for (const [symbol, series] of mids)
    for (let i = 0; i < series.tsUs.length; i++)
      events.push({ tsUs: series.tsUs[i]!, symbol, mid: series.mid[i]! });
  for (const fill of rows.fills) events.push({ tsUs: fill.tsUs, fill });
  // Stable: at one instant the book update comes before the fill it caused.
  events.sort((a, b) => a.tsUs - b.tsUs);
  const span = events.length > 0 ? events[events.length - 1]!.tsUs - events[0]!.tsUs : 0;
  const step = span / MAX_POINTS;
  const timeline: TimelinePoint[] = [];
  let peak = 0;
  let maxDrawdown = 0;
  let lastPointUs = -Infinity;
  for (const [i, event] of events.entries()) {
    if (event.fill) applyFill(event.fill);
    else marks.set(event.symbol!, event.mid!);
    const value = equity();
    peak = Math.max(peak, value);
    maxDrawdown = Math.max(maxDrawdown, peak - value);
    const last = i === events.length - 1;
    if (event.fill !== undefined || last || event.tsUs - lastPointUs >= step) {
      lastPointUs = event.tsUs;
      timeline.push({
        tsUs: event.tsUs,
        equity: value,
        drawdown: value - peak,
        position: books.get(first)!.qty,
        mid: marks.get(first) ?? NaN,
      });
    }
  }
  return {
    timeline,
    maxDrawdown,
    roundTrips: { closingFills, winningFills, holdingUs },
    signalBuckets: signalOutcomes(rows.signals, mids),
  };
}

const BUCKETS = [
  { label: '|strength| < 0.25', low: 0, high: 0.25 },
  { label: '0.25 – 0.5', low: 0.25, high: 0.5 },
  { label: '0.5 – 0.75', low: 0.5, high: 0.75 },
  { label: '≥ 0.75', low: 0.75, high: Infinity },
];

/** Each fired signal scored by the mid's move over its own holding period, by strength. */
function signalOutcomes(
  signals: readonly SignalRow[],
  mids: ReadonlyMap<string, MidSeries>,
): SignalBucket[] {
  return BUCKETS.map(({ label, low, high }) => {
    let n = 0;
    let pnl = 0;
    let bps = 0;
    let hits = 0;
    for (const signal of signals) {
      const strength = Math.abs(signal.strength);
      if (signal.suppressed || strength < low || strength >= high) continue;
      const series = mids.get(signal.symbol);
      if (series === undefined || series.tsUs.length === 0) continue;
      const endUs = signal.tsUs + signal.holdingPeriodMs * 1000;
      if (endUs > series.tsUs[series.tsUs.length - 1]!) continue; // the recording ended first
      const start = midAt(series, signal.tsUs);
      const end = midAt(series, endUs);
      if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
      const move = (signal.side === 'Buy' ? 1 : -1) * (end - start);
      n++;
      pnl += move;
      bps += (move / start) * 1e4;
      if (move > 0) hits++;
    }
    return {
      label,
      signals: n,
      meanPnlPerUnit: n > 0 ? pnl / n : 0,
      meanBps: n > 0 ? bps / n : 0,
      hitRate: n > 0 ? hits / n : 0,
    };
  });
}

/** Limit (and post-only) orders that filled at least in part, over all of them. */
export function limitFillRatio(orders: readonly OrderRow[]): number | null {
  const limits = orders.filter((o) => o.type === 'Limit' || o.type === 'PostOnly');
  if (limits.length === 0) return null;
  return limits.filter((o) => o.filledQty > 0).length / limits.length;
}
