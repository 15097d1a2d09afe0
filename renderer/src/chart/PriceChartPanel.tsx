import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import {
  ColorType,
  CrosshairMode,
  LineSeries,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useServices } from '../app/app-context.js';
import { useSelectedSymbol } from '../app/use-symbol.js';
import { useTransient } from '../app/use-transient.js';
import { decimalsFor } from '../format/decimals.js';
import { Panel } from '../components/Panel.js';
import { ChartHistory, type ChartPoint, type PointSeries } from './chart-history.js';
import { LiquidityHeatmap } from '../heatmap/LiquidityHeatmap.js';
import {
  aggregateMarkers,
  bucketSecondsFor,
  markerSize,
  type AggregatedMarker,
} from './marker-aggregation.js';

/**
 * Mid price over time with the trader's fills and the strategy's signals as markers, and
 * total PnL in a second pane. Fed from the store's frame callback: at most one chart
 * update per animation frame, never a React render.
 */
const COLORS = {
  text: '#c9d1d9',
  grid: '#1f2630',
  mid: '#58a6ff',
  pnl: '#d2a8ff',
  buy: '#3fb950',
  sell: '#f85149',
  suppressed: '#6e7681',
} as const;

const CHART_DRAW_EVERY_MS = 100;

const toLinePoint = (point: ChartPoint) => ({
  time: point.time as UTCTimestamp,
  value: point.value,
});

function toSeriesMarker(marker: AggregatedMarker): SeriesMarker<Time> {
  const time = marker.time as UTCTimestamp;
  const size = markerSize(marker.count);
  // No text by default: a count only where markers were merged, the details on hover.
  const text = marker.count > 1 ? String(marker.count) : undefined;
  const common = { time, id: marker.id, ...(text === undefined ? {} : { text }) };
  switch (marker.kind) {
    case 'buy':
      return { ...common, position: 'belowBar', shape: 'arrowUp', color: COLORS.buy, size };
    case 'sell':
      return { ...common, position: 'aboveBar', shape: 'arrowDown', color: COLORS.sell, size };
    case 'signal-buy':
      return { ...common, position: 'inBar', shape: 'circle', color: COLORS.buy, size: size * 0.6 };
    case 'signal-sell':
      return {
        ...common,
        position: 'inBar',
        shape: 'circle',
        color: COLORS.sell,
        size: size * 0.6,
      };
    case 'signal-suppressed':
      return {
        ...common,
        position: 'inBar',
        shape: 'square',
        color: COLORS.suppressed,
        size: size * 0.4,
      };
  }
}

/** Draws a PointSeries' pending change: the points new since the last draw, or all after a reset. */
function sync(series: ISeriesApi<'Line'>, points: PointSeries): void {
  const change = points.takeChange();
  const pending = points.takePending();
  if (change === 'reset') series.setData(points.points.map(toLinePoint));
  else if (change === 'update') for (const point of pending) series.update(toLinePoint(point));
}

interface ChartParts {
  readonly chart: IChartApi;
  readonly mid: ISeriesApi<'Line'>;
  readonly markers: ISeriesMarkersPluginApi<Time>;
  pnl: ISeriesApi<'Line'> | null;
}

export function PriceChartPanel() {
  const { engine, layout } = useServices();
  const symbol = useSelectedSymbol();
  const pnlPane = useStore(layout, (l) => l.pnlPane);
  const host = useRef<HTMLDivElement>(null);
  const parts = useRef<ChartParts | null>(null);
  // The heatmap draws on this chart's time axis.
  const [chartApi, setChartApi] = useState<IChartApi | null>(null);
  // The heatmap can be turned off (it is the costliest drawing in the window).
  const [heatmap, setHeatmap] = useState(true);
  const history = useMemo(() => new ChartHistory(), []);
  const symbolRef = useRef(symbol);
  symbolRef.current = symbol;
  const tooltip = useRef<HTMLDivElement>(null);
  // The aggregation bucket follows the zoom; the drawn markers by id, for the tooltip.
  const bucketSeconds = useRef(5);
  const drawnMarkers = useRef(new Map<string, AggregatedMarker>());
  const setMarkers = (p: ChartParts, name: string): void => {
    const aggregated = aggregateMarkers(history.markersFor(name), bucketSeconds.current);
    drawnMarkers.current = new Map(aggregated.map((m) => [m.id, m]));
    p.markers.setMarkers(aggregated.map(toSeriesMarker));
  };

  const redrawAll = (): void => {
    const p = parts.current;
    const name = symbolRef.current;
    if (p === null || name === null) return;
    const series = history.priceSeries(name);
    series.takeChange();
    series.takePending();
    p.mid.setData(series.points.map(toLinePoint));
    const decimals = decimalsFor(name).price;
    p.mid.applyOptions({
      priceFormat: { type: 'price', precision: decimals, minMove: 10 ** -decimals },
    });
    history.takeMarkersChanged(name);
    setMarkers(p, name);
    if (p.pnl) {
      history.pnl.takeChange();
      history.pnl.takePending();
      p.pnl.setData(history.pnl.points.map(toLinePoint));
    }
  };

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const chart = createChart(element, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: COLORS.text,
        fontFamily: 'inherit',
        panes: { separatorColor: COLORS.grid, enableResize: true },
      },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      timeScale: {
        timeVisible: true,
        secondsVisible: true,
        rightOffset: 5,
        shiftVisibleRangeOnNewBar: true,
      },
      rightPriceScale: { borderColor: COLORS.grid },
      handleScroll: true,
      handleScale: true,
    });
    const mid = chart.addSeries(LineSeries, { color: COLORS.mid, lineWidth: 2, title: 'mid' });
    const markers = createSeriesMarkers(mid, []);
    parts.current = { chart, mid, markers, pnl: null };
    setChartApi(chart);
    // For readers of the picture (tests, tools): the chart's API on its element, so a
    // time's x can be asked of the chart itself (as the heatmap's rows carry their prices).
    Object.defineProperty(element, 'lockstepChart', { value: chart, configurable: true });
    // Zooming changes the bucket; markers are re-aggregated only when it does.
    const onRange = (): void => {
      const range = chart.timeScale().getVisibleRange();
      const name = symbolRef.current;
      if (range === null || name === null || parts.current === null) return;
      const next = bucketSecondsFor(Number(range.to) - Number(range.from));
      if (next === bucketSeconds.current) return;
      bucketSeconds.current = next;
      setMarkers(parts.current, name);
    };
    chart.timeScale().subscribeVisibleTimeRangeChange(onRange);
    // Details on hover: the chart names the marker under the pointer.
    const onMove = (param: MouseEventParams<Time>): void => {
      const box = tooltip.current;
      if (box === null) return;
      const hovered =
        typeof param.hoveredObjectId === 'string'
          ? drawnMarkers.current.get(param.hoveredObjectId)
          : undefined;
      if (hovered === undefined || param.point === undefined) {
        box.hidden = true;
        return;
      }
      box.textContent = hovered.detail;
      box.style.left = `${Math.round(param.point.x + 12)}px`;
      box.style.top = `${Math.round(param.point.y + 12)}px`;
      box.hidden = false;
    };
    chart.subscribeCrosshairMove(onMove);
    return () => {
      chart.timeScale().unsubscribeVisibleTimeRangeChange(onRange);
      chart.unsubscribeCrosshairMove(onMove);
      parts.current = null;
      setChartApi(null);
      delete (element as { lockstepChart?: unknown }).lockstepChart;
      chart.remove();
    };
  }, []);

  // The PnL pane comes and goes with the trader's choice; its history is kept regardless.
  useEffect(() => {
    const p = parts.current;
    if (p === null) return;
    if (pnlPane && p.pnl === null) {
      p.pnl = p.chart.addSeries(
        LineSeries,
        {
          color: COLORS.pnl,
          lineWidth: 2,
          title: 'PnL',
          priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
        },
        1,
      );
      history.pnl.takeChange();
      history.pnl.takePending();
      p.pnl.setData(history.pnl.points.map(toLinePoint));
      p.chart.panes()[1]?.setHeight(110);
    } else if (!pnlPane && p.pnl !== null) {
      p.chart.removeSeries(p.pnl);
      p.pnl = null;
    }
  }, [pnlPane, history]);

  useEffect(redrawAll, [symbol]);

  const drawPending = (): void => {
    const p = parts.current;
    const name = symbolRef.current;
    if (p === null || name === null) return;
    sync(p.mid, history.priceSeries(name));
    if (history.takeMarkersChanged(name)) setMarkers(p, name);
    if (p.pnl) sync(p.pnl, history.pnl);
    else {
      history.pnl.takeChange();
      history.pnl.takePending();
    }
  };
  // The chart's resolution is one 100 ms bucket: redrawing it more often than that only
  // repaints the same last point. The trailing draw makes sure the newest state shows.
  const lastDrawMs = useRef(Number.NEGATIVE_INFINITY);
  const trailing = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (trailing.current !== null) clearTimeout(trailing.current);
    },
    [],
  );
  useTransient(engine.store, (current) => {
    const state = current.state;
    if (state === null) return;
    history.ingest(state);
    const wait = CHART_DRAW_EVERY_MS - (performance.now() - lastDrawMs.current);
    if (wait <= 0) {
      lastDrawMs.current = performance.now();
      drawPending();
    } else if (trailing.current === null) {
      trailing.current = setTimeout(() => {
        trailing.current = null;
        lastDrawMs.current = performance.now();
        drawPending();
      }, wait);
    }
  });

  return (
    <Panel
      id="chart"
      title="Price chart"
      actions={
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={pnlPane}
              onChange={(event) => layout.setPnlPane(event.target.checked)}
            />{' '}
            PnL pane
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={heatmap}
              onChange={(event) => setHeatmap(event.target.checked)}
            />{' '}
            Heatmap
          </label>
          <button
            type="button"
            onClick={() => parts.current?.chart.timeScale().scrollToRealTime()}
            title="Scroll back to the newest data"
          >
            Live
          </button>
          <button
            type="button"
            onClick={() => parts.current?.chart.timeScale().fitContent()}
            title="Zoom to show all history"
          >
            Fit
          </button>
        </>
      }
    >
      <div className="chart-frame">
        <div
          className="chart-host"
          ref={host}
          role="img"
          aria-label={`Price chart of ${symbol ?? 'no symbol'}: mid price with fills and signals${pnlPane ? ', and total PnL below' : ''}. Drag to scroll, wheel to zoom, point at a marker for its details.`}
        />
        <div className="chart-tooltip" role="tooltip" ref={tooltip} hidden />
      </div>
      {heatmap && <LiquidityHeatmap chart={chartApi} />}
      <p className="chart-legend" aria-hidden="true">
        <span style={{ color: COLORS.buy }}>▲ buy fill</span>{' '}
        <span style={{ color: COLORS.sell }}>▼ sell fill</span>{' '}
        <span style={{ color: COLORS.buy }}>● buy signal</span>{' '}
        <span style={{ color: COLORS.sell }}>● sell signal</span>{' '}
        <span style={{ color: COLORS.suppressed }}>■ suppressed</span>{' '}
        <span>· markers nearby merge, the number is how many</span>
      </p>
    </Panel>
  );
}
