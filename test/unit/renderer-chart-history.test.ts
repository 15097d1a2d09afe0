import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUCKET_US,
  ChartHistory,
  MAX_MARKERS,
  MAX_POINTS,
  PointSeries,
  bucketTime,
  priceOf,
} from '../../renderer/src/chart/chart-history.js';
import type { FillView, SignalView } from '../../shared/api.js';
import { book, engineState } from './renderer-fixtures.js';

const T0 = 1_752_000_000_000_000;

test('points are bucketed to 100 ms and the newest value in a bucket wins', () => {
  const series = new PointSeries();
  series.add(T0, 1);
  assert.equal(series.takeChange(), 'update');
  series.add(T0 + 10_000, 2);
  series.add(T0 + 20_000, 3);
  assert.equal(series.points.length, 1);
  assert.equal(series.last?.value, 3);
  series.add(T0 + BUCKET_US, 4);
  assert.equal(series.points.length, 2);
  assert.ok(Math.abs(series.points[1].time - series.points[0].time - 0.1) < 1e-4);
  assert.equal(bucketTime(T0 + 150_000), 1_752_000_000.1);
  series.takeChange();
  series.add(T0 + BUCKET_US, 4);
  assert.equal(series.takeChange(), 'none', 'an unchanged point needs no redraw');
});

test('every bucket added between two draws reaches the chart, not only the newest', () => {
  const series = new PointSeries();
  series.add(T0, 1);
  assert.deepEqual(
    series.takePending().map((p) => p.value),
    [1],
  );
  // Three buckets (the first still the drawn one, changed) before the next draw.
  series.add(T0 + 50_000, 2);
  series.add(T0 + BUCKET_US, 3);
  series.add(T0 + 2 * BUCKET_US, 4);
  assert.deepEqual(
    series.takePending().map((p) => p.value),
    [2, 3, 4],
  );
  assert.deepEqual(series.takePending(), [], 'drawn points are not drawn again');
});

test('a clock that goes back restarts the series instead of feeding the chart out of order', () => {
  const series = new PointSeries();
  series.add(T0 + 10 * BUCKET_US, 1);
  series.add(T0, 2);
  assert.equal(series.takeChange(), 'reset');
  assert.deepEqual(
    series.points.map((p) => p.value),
    [2],
  );
});

test('history is capped: the oldest tenth goes and the chart redraws', () => {
  const series = new PointSeries();
  for (let i = 0; i <= MAX_POINTS; i++) series.add(T0 + i * BUCKET_US, i);
  assert.equal(series.points.length, MAX_POINTS + 1 - Math.ceil(MAX_POINTS / 10));
  assert.equal(series.last?.value, MAX_POINTS);
  assert.equal(series.takeChange(), 'reset');
  series.add(T0 + (MAX_POINTS + 1) * BUCKET_US, 0);
  assert.equal(series.takeChange(), 'update');
});

test('the plotted price is the mid, else the last trade of that symbol', () => {
  const state = engineState({
    books: [{ ...book('BTCUSDT', 119000, 1), mid: null }, book('ETHUSDT', 3000, 1)],
    trades: [
      { symbol: 'BTCUSDT', tsUs: T0, price: '118990.50', qty: '0.1', isBuyerMaker: false },
      { symbol: 'ETHUSDT', tsUs: T0, price: '2999.00', qty: '1', isBuyerMaker: true },
    ],
  });
  assert.equal(priceOf(state, 'BTCUSDT'), 118990.5);
  assert.equal(priceOf(state, 'ETHUSDT'), 3000);
  assert.equal(priceOf(state, 'SOLUSDT'), null);
});

const fill = (tradeId: number, side: 'Buy' | 'Sell', tsUs: number): FillView => ({
  tradeId,
  orderId: tradeId,
  symbol: 'BTCUSDT',
  side,
  price: '119000.00',
  qty: '0.01',
  tsUs,
});
const signal = (tsUs: number, suppressed: boolean): SignalView => ({
  tsUs,
  symbol: 'BTCUSDT',
  side: 'Sell',
  strength: 0.5,
  confidence: 0.8,
  holdingPeriodMs: 2000,
  suppressed,
});

test('fills and signals become markers once each, in time order, per symbol', () => {
  const history = new ChartHistory();
  history.ingest(
    engineState({ tsUs: T0, fills: [fill(1, 'Buy', T0)], signals: [signal(T0, false)] }),
  );
  assert.equal(history.takeMarkersChanged('BTCUSDT'), true);
  // The same fills and signals arrive again in every state: no duplicates, no redraw.
  history.ingest(
    engineState({
      seq: 2,
      tsUs: T0 + 1,
      fills: [fill(1, 'Buy', T0)],
      signals: [signal(T0, false)],
    }),
  );
  assert.equal(history.takeMarkersChanged('BTCUSDT'), false);
  history.ingest(
    engineState({
      seq: 3,
      tsUs: T0 + 2 * BUCKET_US,
      fills: [fill(2, 'Sell', T0 + 2 * BUCKET_US), fill(3, 'Buy', T0 - BUCKET_US)],
      signals: [signal(T0 + BUCKET_US, true)],
    }),
  );
  const kinds = history.markersFor('BTCUSDT').map((m) => m.kind);
  assert.deepEqual(kinds, ['buy', 'buy', 'signal-sell', 'signal-suppressed', 'sell']);
  const times = history.markersFor('BTCUSDT').map((m) => m.time);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
  assert.match(history.markersFor('BTCUSDT')[0].detail, /^Buy 0\.01 @ /);
  assert.equal(history.markersFor('ETHUSDT').length, 0);
  // Three states in two 100 ms buckets.
  assert.equal(history.priceSeries('BTCUSDT').points.length, 2);
  assert.equal(history.pnl.points.length, 2);
});

test('markers are capped, dropping the oldest', () => {
  const history = new ChartHistory();
  const fills = Array.from({ length: MAX_MARKERS + 20 }, (_, i) =>
    fill(i + 1, 'Buy', T0 + i * BUCKET_US),
  );
  history.ingest(engineState({ fills }));
  const markers = history.markersFor('BTCUSDT');
  assert.equal(markers.length, MAX_MARKERS);
  assert.equal(markers[0].id, 'fill-21');
});
