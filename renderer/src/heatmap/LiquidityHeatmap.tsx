import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { IChartApi } from 'lightweight-charts';
import type { EngineState } from '../../../shared/api.js';
import { useServices } from '../app/app-context.js';
import { useSelectedSymbol } from '../app/use-symbol.js';
import { setText, useTransient } from '../app/use-transient.js';
import { decimalsFor } from '../format/decimals.js';
import { formatClockUs } from '../format/numbers.js';
import { HeatmapPainter, type PaintView, type VisibleColumns } from './heatmap-painter.js';
import { HeatmapTimeAxis } from './heatmap-time-axis.js';
import {
  HeatmapRing,
  priceWindowFor,
  windowHolds,
  type HeatColumn,
  type PriceWindow,
} from './heatmap-ring.js';

/** Columns kept: at 30 updates a second, a minute; far more than any canvas is wide. */
const RING_COLUMNS = 2048;
const HEIGHT_PX = 180;
const SUMMARY_EVERY_MS = 500;

/**
 * The book over time (Bookmap's view): resting quantity at each price level as colour
 * intensity, the mid as a line, trades as circles sized by volume, one column per state
 * update, on the price chart's time axis (`chart`): it zooms and scrolls with the chart.
 * The canvas is as wide as the chart; the strip under the chart's price scale names the
 * heatmap's prices. Fed from the same state stream as the chart, so a replay
 * draws exactly as the live market does. The colour scale (the quantity drawn at full
 * intensity, on a log slider) starts at the largest level of the first book and is the
 * trader's to change.
 */
export function LiquidityHeatmap({ chart }: { readonly chart: IChartApi | null }) {
  const { engine } = useServices();
  const symbol = useSelectedSymbol();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const summaryId = useId();
  const ring = useMemo(() => new HeatmapRing(RING_COLUMNS), []);
  const painter = useRef<HeatmapPainter | null>(null);
  const priceWindow = useRef<PriceWindow | null>(null);
  const lastState = useRef<EngineState | null>(null);
  const lastSummaryMs = useRef(0);
  // log10 of the full-intensity quantity; null = not chosen yet (set from the first book).
  const [scaleLog, setScaleLog] = useState<number | null>(null);
  const scaleRef = useRef<number | null>(scaleLog);
  scaleRef.current = scaleLog;
  const symbolRef = useRef(symbol);
  symbolRef.current = symbol;
  const axis = useMemo(
    () => (chart === null ? null : new HeatmapTimeAxis(chart, ring)),
    [chart, ring],
  );
  const axisRef = useRef(axis);
  axisRef.current = axis;

  const view = (): PaintView | null =>
    priceWindow.current === null || scaleRef.current === null
      ? null
      : { window: priceWindow.current, fullQty: 10 ** scaleRef.current };

  const markWindow = (window: PriceWindow): void => {
    priceWindow.current = window;
    const canvas = canvasRef.current;
    if (canvas === null) return;
    // For readers of the picture (tests, tools): which prices the top and bottom rows are.
    canvas.dataset.priceHigh = String(window.high);
    canvas.dataset.priceLow = String(window.low);
  };

  const redraw = (): void => {
    const v = view();
    const a = axisRef.current;
    if (painter.current !== null && v !== null && a !== null) painter.current.redraw(ring, v, a);
    summarise(true);
  };

  const summarise = (force: boolean): void => {
    const now = performance.now();
    if (!force && now - lastSummaryMs.current < SUMMARY_EVERY_MS) return;
    lastSummaryMs.current = now;
    const a = axisRef.current;
    const shown = a === null || painter.current === null ? null : painter.current.visible(ring, a);
    setText(summaryRef.current, summaryText(ring, shown, symbolRef.current, canvasRef.current));
  };

  // The chart scrolled or zoomed (or moved on with a new bar): the picture follows it,
  // once per animation frame however many range events the chart fired.
  useEffect(() => {
    if (chart === null) return;
    let frame: number | null = null;
    const onRange = (): void => {
      if (frame !== null) return;
      frame = requestAnimationFrame(() => {
        frame = null;
        const v = view();
        const a = axisRef.current;
        if (painter.current === null || v === null || a === null) return;
        painter.current.follow(ring, v, a);
        summarise(true);
      });
    };
    const scale = chart.timeScale();
    scale.subscribeVisibleLogicalRangeChange(onRange);
    scale.subscribeSizeChange(onRange);
    redraw();
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      scale.unsubscribeVisibleLogicalRangeChange(onRange);
      scale.unsubscribeSizeChange(onRange);
    };
  }, [chart]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    painter.current = new HeatmapPainter(canvas);
    const resize = (): void => {
      const width = Math.max(1, Math.floor(canvas.clientWidth));
      if (canvas.width === width && canvas.height === HEIGHT_PX) return;
      canvas.width = width;
      canvas.height = HEIGHT_PX;
      redraw();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  // A new symbol is a new picture.
  useEffect(() => {
    ring.clear();
    priceWindow.current = null;
    redraw();
    summarise(true);
  }, [symbol]);

  useEffect(redraw, [scaleLog]);

  useTransient(engine.store, (current) => {
    const state = current.state;
    const name = symbolRef.current;
    if (state === null || state === lastState.current || name === null) return;
    const previousState = lastState.current;
    lastState.current = state;
    const book = state.books.find((b) => b.symbol === name);
    if (book === undefined || (book.bids.length === 0 && book.asks.length === 0)) return;
    // A clock that went back is another market (a replay began or ended): start again.
    const newest = ring.newest;
    if (
      newest !== null &&
      (state.tsUs < newest.tsUs || previousState?.replay?.runId !== state.replay?.runId)
    ) {
      ring.clear();
      priceWindow.current = null;
    }
    const column: HeatColumn = ring.push(state.tsUs, book, state.trades);
    let full = false;
    if (scaleRef.current === null) {
      let max = 0;
      for (let k = 0; k < column.levels; k++) max = Math.max(max, column.qtys[k]!);
      if (max > 0) {
        const chosen = Math.round(Math.log10(max) * 10) / 10;
        scaleRef.current = chosen;
        setScaleLog(chosen);
      }
    }
    if (priceWindow.current === null || !windowHolds(priceWindow.current, column)) {
      const window = priceWindowFor(column);
      if (window !== null) markWindow(window);
      full = true;
    }
    const v = view();
    const a = axisRef.current;
    if (painter.current !== null && v !== null && a !== null) {
      if (full) painter.current.redraw(ring, v, a);
      else painter.current.append(ring, v, a);
    }
    summarise(full);
  });

  const decimals = symbol !== null ? decimalsFor(symbol).qty : 3;
  return (
    <div className="heatmap">
      <canvas
        ref={canvasRef}
        className="heatmap-canvas"
        role="img"
        aria-label="Liquidity heatmap"
        aria-describedby={summaryId}
        style={{ height: `${HEIGHT_PX}px` }}
      />
      <div className="heatmap-footer">
        <p id={summaryId} ref={summaryRef} className="heatmap-summary">
          No book yet.
        </p>
        <label className="heatmap-scale">
          Colour scale{' '}
          <input
            type="range"
            aria-label="Colour scale"
            min={-4}
            max={4}
            step={0.1}
            value={scaleLog ?? 0}
            disabled={scaleLog === null}
            onChange={(event) => setScaleLog(Number(event.target.value))}
          />{' '}
          <output>
            {scaleLog === null ? '—' : `full at ${(10 ** scaleLog).toFixed(decimals)}`}
          </output>
        </label>
      </div>
    </div>
  );
}

/** What the picture shows, in words: symbol, times, prices, and where the most size rests. */
function summaryText(
  ring: HeatmapRing,
  shown: VisibleColumns | null,
  symbol: string | null,
  canvas: HTMLCanvasElement | null,
): string {
  if (ring.newest === null || symbol === null) return 'No book yet.';
  if (shown === null) return `${symbol}: no updates in the chart's visible time range.`;
  const first = ring.at(shown.first);
  const newest = ring.at(shown.last);
  const visible = shown.last - shown.first + 1;
  const decimals = decimalsFor(symbol);
  let bestQty = 0;
  let bestPrice = NaN;
  for (let k = 0; k < newest.levels; k++) {
    if (newest.qtys[k]! > bestQty) {
      bestQty = newest.qtys[k]!;
      bestPrice = newest.prices[k]!;
    }
  }
  const low = canvas?.dataset.priceLow;
  const high = canvas?.dataset.priceHigh;
  const band =
    low !== undefined && high !== undefined
      ? ` Prices ${Number(low).toFixed(decimals.price)} to ${Number(high).toFixed(decimals.price)}.`
      : '';
  const mid = Number.isFinite(newest.mid) ? ` Mid ${newest.mid.toFixed(decimals.price + 1)}.` : '';
  const largest = Number.isFinite(bestPrice)
    ? ` Largest resting size ${bestQty.toFixed(decimals.qty)} at ${bestPrice.toFixed(decimals.price)}.`
    : '';
  return `${symbol} from ${formatClockUs(first.tsUs)} to ${formatClockUs(newest.tsUs)}, ${visible} updates.${band}${mid}${largest}`;
}
