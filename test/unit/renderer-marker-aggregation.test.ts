import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChartMarker } from '../../renderer/src/chart/chart-history.js';
import {
  aggregateMarkers,
  bucketSecondsFor,
  markerSize,
} from '../../renderer/src/chart/marker-aggregation.js';

const fill = (time: number, side: 'buy' | 'sell', n: number): ChartMarker => ({
  time,
  kind: side,
  detail: `${side === 'buy' ? 'Buy' : 'Sell'} 0.01 @ ${100 + n}`,
  id: `fill-${n}`,
});

test('nearby markers of a kind become one marker with a count; kinds stay apart', () => {
  const markers: ChartMarker[] = [
    fill(1000.1, 'buy', 1),
    fill(1000.5, 'buy', 2),
    fill(1001.0, 'sell', 3),
    fill(1004.9, 'buy', 4),
    fill(1005.0, 'buy', 5), // the next 5 s bucket
  ];
  const out = aggregateMarkers(markers, 5);
  assert.deepEqual(
    out.map((m) => [m.time, m.kind, m.count]),
    [
      [1000.1, 'buy', 3],
      [1001.0, 'sell', 1],
      [1005.0, 'buy', 1],
    ],
  );
  assert.equal(out[0]!.detail, '3 buy fills\nBuy 0.01 @ 101\nBuy 0.01 @ 102\nBuy 0.01 @ 104');
  assert.equal(out[1]!.detail, '1 sell fill\nSell 0.01 @ 103');
  assert.equal(new Set(out.map((m) => m.id)).size, out.length, 'ids are unique');
});

test('an hour of busy trading stays a bounded, readable set of markers', () => {
  // One fill every 2 s and one signal every 0.5 s for an hour: 9,000 events.
  const markers: ChartMarker[] = [];
  for (let t = 0; t < 3600; t += 0.5) {
    markers.push({ time: t, kind: 'signal-suppressed', detail: 's', id: `s${t}` });
    if (t % 2 === 0) markers.push(fill(t, t % 4 === 0 ? 'buy' : 'sell', t));
  }
  const bucket = bucketSecondsFor(3600);
  assert.equal(bucket, 60, 'a hour on screen: one-minute buckets');
  const out = aggregateMarkers(markers, bucket);
  assert.ok(out.length <= 3 * 60, `${out.length} markers for 60 buckets × 3 kinds`);
  assert.equal(
    out.reduce((sum, m) => sum + m.count, 0),
    markers.length,
    'every event is counted once',
  );
  const detail = out.find((m) => m.kind === 'signal-suppressed')!.detail;
  assert.match(detail, /^120 suppressed signals\n(s\n){3}s\n… and 116 more$/);
  assert.ok(
    out.every((m, i) => i === 0 || out[i - 1]!.time <= m.time),
    'in time order',
  );
});

test('the bucket follows the zoom, and size grows slowly with the count', () => {
  assert.equal(bucketSecondsFor(60), 1);
  assert.equal(bucketSecondsFor(600), 10);
  assert.equal(bucketSecondsFor(1e9), 21600);
  assert.equal(markerSize(1), 1);
  assert.equal(markerSize(4), 2);
  assert.equal(markerSize(1000), 3);
});
