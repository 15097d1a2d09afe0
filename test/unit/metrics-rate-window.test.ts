import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow } from '../../main/engine/metrics/rate-window.js';

test('a bursty feed reads as a steady rate: 30 frames every 100 ms, sampled every 33 ms', () => {
  const rate = new RateWindow(5000);
  let total = 0;
  const readings: number[] = [];
  for (let nowMs = 0; nowMs <= 20_000; nowMs += 33) {
    total = 30 * (Math.floor(nowMs / 100) + 1); // a burst lands at every 100 ms boundary
    const value = rate.sample(nowMs, total);
    if (nowMs >= 5000) readings.push(value);
  }
  const min = Math.min(...readings);
  const max = Math.max(...readings);
  // The per-interval rate of this feed jumps between 0 and ~900/s; the window stays near 300.
  assert.ok(min > 290 && max < 310, `readings between ${min} and ${max}`);
});

test('the rate follows a change of pace within the window, and starts at 0', () => {
  const rate = new RateWindow(1000);
  assert.equal(rate.sample(0, 0), 0, 'one sample: no rate yet');
  let total = 0;
  let last = 0;
  for (let t = 100; t <= 3000; t += 100) last = rate.sample(t, (total += 10)); // 100/s
  assert.ok(Math.abs(last - 100) < 1e-9, String(last));
  for (let t = 3100; t <= 5000; t += 100) last = rate.sample(t, total); // silence
  assert.equal(last, 0, 'a silent feed reads 0 once the window has passed');
  assert.throws(() => new RateWindow(0), /rate window must be > 0 ms/);
});

test('more samples than capacity keep the newest ones', () => {
  const rate = new RateWindow(60_000, 8);
  let last = 0;
  for (let t = 0; t <= 1000; t += 10) last = rate.sample(t, t * 2); // 2 per ms = 2000/s
  assert.ok(Math.abs(last - 2000) < 1e-9, String(last));
});
