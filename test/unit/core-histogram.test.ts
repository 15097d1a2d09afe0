import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HISTOGRAM_RELATIVE_ERROR,
  LatencyHistogram,
  PROMETHEUS_BOUNDS_SECONDS,
} from '../../main/engine/core/histogram.js';
import { Rng } from '../../main/engine/core/rng.js';

function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function checkQuantiles(name: string, values: Float64Array): void {
  const histogram = new LatencyHistogram();
  for (const v of values) histogram.record(v);
  const sorted = values.slice().sort();
  assert.equal(histogram.count, values.length);
  for (const q of [0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]) {
    const exact = exactQuantile(sorted, q);
    const approx = histogram.quantile(q);
    if (exact >= 64) {
      const relative = Math.abs(approx - exact) / exact;
      assert.ok(
        relative <= HISTOGRAM_RELATIVE_ERROR + 1e-12,
        `${name} q=${q}: ${approx} vs ${exact} (${relative})`,
      );
    } else {
      assert.ok(Math.abs(approx - exact) < 1, `${name} q=${q}: ${approx} vs ${exact}`);
    }
  }
  assert.equal(histogram.minNs, sorted[0]);
  assert.equal(histogram.maxNs, sorted[sorted.length - 1]);
}

test('histogram: quantiles within the stated relative error on known distributions', () => {
  const rng = new Rng(7);
  const n = 200_000;
  const uniform = new Float64Array(n).map(() => 1 + rng.int(1_000_000));
  const exponential = new Float64Array(n).map(() => rng.exponential(1 / 5_000));
  // Log-uniform over 1 ns .. 10 s covers every bucket range, including sub-64 ns.
  const logUniform = new Float64Array(n).map(() => Math.exp(rng.next() * Math.log(1e10)));
  // Latency-like: a tight body and a far tail.
  const bimodal = new Float64Array(n).map(() =>
    rng.next() < 0.99 ? 800 + rng.int(400) : 50_000 + rng.int(1e6),
  );
  assert.ok(HISTOGRAM_RELATIVE_ERROR <= 0.02, 'the error bound promised is ~2% or better');
  checkQuantiles('uniform', uniform);
  checkQuantiles('exponential', exponential);
  checkQuantiles('log-uniform', logUniform);
  checkQuantiles('bimodal', bimodal);
});

test('histogram: small integers are exact, sum and count add up', () => {
  const histogram = new LatencyHistogram();
  for (const v of [3, 3, 5, 63, 64, 65]) histogram.record(v);
  assert.equal(histogram.quantile(0), 3);
  assert.equal(histogram.quantile(0.5), 5);
  assert.equal(histogram.quantile(4 / 6), 63);
  assert.equal(histogram.quantile(5 / 6), 64.5, '64 ns: the middle of [64, 65)');
  assert.equal(histogram.sumNs, 3 + 3 + 5 + 63 + 64 + 65);
  assert.equal(histogram.sumSeconds, (3 + 3 + 5 + 63 + 64 + 65) / 1e9);
  assert.ok(Number.isNaN(new LatencyHistogram().quantile(0.5)), 'empty has no quantile');
  histogram.record(-5);
  assert.equal(histogram.minNs, 0, 'a negative latency (clock step) counts as 0');
});

test('histogram: Prometheus cumulative buckets are exact at the bounds (le is inclusive)', () => {
  const histogram = new LatencyHistogram();
  const values = [
    0, 999, 1000, 1000.5, 1001, 4999, 5000, 5001, 9999, 10000, 20000, 20001, 49999, 50000, 100000,
    100001, 2e6,
  ];
  for (const v of values) histogram.record(v);
  for (const seconds of PROMETHEUS_BOUNDS_SECONDS) {
    const expected = values.filter((v) => v <= seconds * 1e9).length;
    assert.equal(histogram.cumulativeBelow(seconds), expected, `le=${seconds}`);
  }
  assert.equal(histogram.cumulativeBelow(Infinity), values.length);
  // Any other threshold: whole buckets below it.
  assert.equal(histogram.cumulativeBelow(3e-9), 1);
  assert.equal(histogram.sumSeconds, values.reduce((a, b) => a + b, 0) / 1e9);
});

test('histogram: lives on shared memory, readable through a second view; merge and reset', () => {
  const shared = new Float64Array(new SharedArrayBuffer(8 * LatencyHistogram.SLOTS));
  const writer = new LatencyHistogram(shared);
  writer.record(1500);
  writer.record(2500);
  const reader = new LatencyHistogram(shared);
  assert.equal(reader.count, 2);
  assert.equal(reader.minNs, 1500, 'attaching a second view keeps the data');
  const other = new LatencyHistogram();
  other.record(100);
  reader.mergeFrom(other);
  assert.equal(writer.count, 3);
  assert.equal(writer.minNs, 100);
  assert.equal(writer.cumulativeBelow(1e-6), 1);
  writer.reset();
  assert.equal(reader.count, 0);
  assert.ok(Number.isNaN(reader.minNs));
});

test('histogram: bad arguments are refused with a reason', () => {
  assert.throws(
    () => new LatencyHistogram(new Float64Array(10)),
    /needs \d+ float64 slots, got 10/,
  );
  assert.throws(() => new LatencyHistogram().quantile(1.5), /within 0\.\.1, got 1\.5/);
  const huge = new LatencyHistogram();
  huge.record(1e15);
  assert.equal(huge.overflowCount, 1);
  assert.equal(huge.quantile(1), 1e15, 'clamped to the observed max');
});
