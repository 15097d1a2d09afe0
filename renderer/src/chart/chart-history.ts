import type { EngineState, FillView, SignalView } from '../../../shared/api.js';
import { parseSignedFixed } from '../format/decimals.js';

/**
 * What the price chart has seen, kept independently of the chart library so the window
 * can switch symbols, hide and show the PnL pane, and test the bookkeeping in Node.
 * Time is bucketed to 100 ms: the state stream brings up to 30 (in tests 100) states a
 * second, and one point per bucket keeps an hour of history in a few tens of thousands
 * of points. Within a bucket the newest value wins.
 */
export const BUCKET_US = 100_000;
export const MAX_POINTS = 36_000;
/** Raw fill and signal events kept per symbol; the chart draws them aggregated (marker-aggregation.ts). */
export const MAX_MARKERS = 5000;

export interface ChartPoint {
  /** Seconds since the epoch, fractional (lightweight-charts' UTCTimestamp). */
  time: number;
  value: number;
}

export type ChartMarkerKind = 'buy' | 'sell' | 'signal-buy' | 'signal-sell' | 'signal-suppressed';

export interface ChartMarker {
  readonly time: number;
  readonly kind: ChartMarkerKind;
  /** One line for the hover tooltip: what happened, at what price or confidence. */
  readonly detail: string;
  readonly id: string;
}

export const bucketTime = (tsUs: number): number =>
  Math.floor(tsUs / BUCKET_US) / (1_000_000 / BUCKET_US);

/** How a series changed since it was last drawn. */
export type SeriesChange = 'none' | 'update' | 'reset';

/** An append-only series with the newest bucket overwritten in place. */
export class PointSeries {
  readonly points: ChartPoint[] = [];
  /** 'update': draw the last point; 'reset': redraw everything (trimmed or rewound). */
  change: SeriesChange = 'none';
  /** The first point not yet drawn as it is now (after an 'update'). */
  private pendingFrom = 0;

  add(tsUs: number, value: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(tsUs)) return;
    const time = bucketTime(tsUs);
    const last = this.points[this.points.length - 1];
    if (last !== undefined && time < last.time) {
      // A clock that went back (engine restart, replayed data): history after it would
      // be out of order, which the chart refuses. Start the series again from here.
      this.points.length = 0;
      this.change = 'reset';
    }
    const tail = this.points[this.points.length - 1];
    if (tail !== undefined && tail.time === time) {
      if (tail.value === value) return;
      tail.value = value;
    } else {
      this.points.push({ time, value });
    }
    this.pendingFrom = Math.min(this.pendingFrom, this.points.length - 1);
    if (this.points.length > MAX_POINTS) {
      this.points.splice(0, Math.ceil(MAX_POINTS / 10));
      this.change = 'reset';
    }
    if (this.change === 'none') this.change = 'update';
  }

  /** Returns and clears the pending change. */
  takeChange(): SeriesChange {
    const change = this.change;
    this.change = 'none';
    return change;
  }

  /**
   * The points added or changed since the last call, oldest first: every bucket must reach
   * the chart, not only the newest (the heatmap draws on the chart's bars, one per bucket).
   */
  takePending(): readonly ChartPoint[] {
    const pending = this.points.slice(this.pendingFrom);
    this.pendingFrom = this.points.length;
    return pending;
  }

  get last(): ChartPoint | undefined {
    return this.points[this.points.length - 1];
  }
}

function fillMarker(fill: FillView): ChartMarker {
  return {
    time: bucketTime(fill.tsUs),
    kind: fill.side === 'Buy' ? 'buy' : 'sell',
    detail: `${fill.side} ${fill.qty} @ ${fill.price}`,
    id: `fill-${fill.tradeId}`,
  };
}

function signalMarker(signal: SignalView): ChartMarker {
  return {
    time: bucketTime(signal.tsUs),
    kind: signal.suppressed
      ? 'signal-suppressed'
      : signal.side === 'Buy'
        ? 'signal-buy'
        : 'signal-sell',
    detail: `${signal.side} signal, strength ${signal.strength.toFixed(2)}, confidence ${signal.confidence.toFixed(2)}${signal.reason ? ` (${signal.suppressed ? 'suppressed' : 'refused'}: ${signal.reason})` : ''}`,
    id: `signal-${signal.symbol}-${signal.tsUs}-${signal.side}`,
  };
}

/** The price to plot for a symbol: the book's mid, else the last trade. */
export function priceOf(state: EngineState, symbol: string): number | null {
  const book = state.books.find((b) => b.symbol === symbol);
  if (book && book.mid !== null && Number.isFinite(book.mid)) return book.mid;
  for (let i = state.trades.length - 1; i >= 0; i--) {
    const trade = state.trades[i];
    if (trade.symbol === symbol) {
      const units = parseSignedFixed(trade.price);
      return Number.isNaN(units) ? null : units / 1e8;
    }
  }
  return null;
}

/** Mid history per symbol, PnL history, and the fill and signal markers per symbol. */
export class ChartHistory {
  private readonly prices = new Map<string, PointSeries>();
  readonly pnl = new PointSeries();
  private readonly markers = new Map<string, ChartMarker[]>();
  private readonly seenMarkers = new Set<string>();
  /** Symbols whose marker list changed since last taken. */
  private readonly markersChanged = new Set<string>();
  /** Which market the history is of: the live one, or one replay run. */
  private source: string | null = null;

  /** Forgets everything: another market begins (a replay started or ended). */
  private reset(): void {
    for (const series of [...this.prices.values(), this.pnl]) {
      series.points.length = 0;
      series.change = 'reset';
    }
    for (const symbol of this.markers.keys()) this.markersChanged.add(symbol);
    this.markers.clear();
    this.seenMarkers.clear();
  }

  priceSeries(symbol: string): PointSeries {
    let series = this.prices.get(symbol);
    if (!series) {
      series = new PointSeries();
      this.prices.set(symbol, series);
    }
    return series;
  }

  markersFor(symbol: string): readonly ChartMarker[] {
    return this.markers.get(symbol) ?? [];
  }

  /** Returns whether the symbol's markers changed since the last call, and clears it. */
  takeMarkersChanged(symbol: string): boolean {
    return this.markersChanged.delete(symbol);
  }

  private addMarker(symbol: string, marker: ChartMarker): void {
    if (this.seenMarkers.has(marker.id)) return;
    this.seenMarkers.add(marker.id);
    let list = this.markers.get(symbol);
    if (!list) {
      list = [];
      this.markers.set(symbol, list);
    }
    // Markers must be in time order; fills and signals come in order almost always.
    let at = list.length;
    while (at > 0 && list[at - 1].time > marker.time) at--;
    list.splice(at, 0, marker);
    if (list.length > MAX_MARKERS) {
      for (const dropped of list.splice(0, list.length - MAX_MARKERS))
        this.seenMarkers.delete(dropped.id);
    }
    this.markersChanged.add(symbol);
  }

  ingest(state: EngineState): void {
    const source = state.replay ? `replay ${state.replay.runId}` : 'live';
    if (source !== this.source) {
      if (this.source !== null) this.reset();
      this.source = source;
    }
    for (const symbol of state.symbols) {
      const price = priceOf(state, symbol);
      if (price !== null) this.priceSeries(symbol).add(state.tsUs, price);
    }
    this.pnl.add(state.tsUs, state.totals.realizedPnl + state.totals.unrealizedPnl);
    for (const fill of state.fills) this.addMarker(fill.symbol, fillMarker(fill));
    for (const signal of state.signals) this.addMarker(signal.symbol, signalMarker(signal));
  }
}
