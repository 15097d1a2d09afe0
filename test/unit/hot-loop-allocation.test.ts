import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FIRST_ID, depthTemplate, syntheticHotLoop, writeUpdateId } from './hot-loop-frames.js';

// A full garbage collection before each heap reading, so the readings compare live data.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const TICKS = 1_000_000;

test('a million ticks through the hot loop allocate nothing: heap and GC counts stay flat', () => {
  const loop = syntheticHotLoop();
  const frames = [depthTemplate(true), depthTemplate(false)];
  let id = FIRST_ID;
  const run = (ticks: number): void => {
    for (let n = 0; n < ticks; n++, id++) {
      const frame = frames[Math.floor(id / 40) % 2]!;
      writeUpdateId(frame, id);
      const tsUs = 1_700_000_000_000_000 + (id - FIRST_ID) * 1000;
      loop.onFrame(frame.bytes, tsUs, tsUs);
      // The dry pass between ticks must be allocation-free as well.
      if ((n & 7) === 0) loop.warmPass();
    }
  };

  let gcs = 0;
  const observer = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  try {
    run(100_000); // JIT warm-up
    collect();
    const ordersBefore = loop.core.counters.ordersCreated;
    const heap0 = process.memoryUsage().heapUsed;
    const gc0 = gcs;
    run(TICKS / 2);
    const gcFirstHalf = gcs - gc0;
    collect();
    const heap1 = process.memoryUsage().heapUsed;
    const gc1 = gcs;
    run(TICKS / 2);
    const gcSecondHalf = gcs - gc1;
    collect();
    const heap2 = process.memoryUsage().heapUsed;
    const orders = loop.core.counters.ordersCreated - ordersBefore;

    assert.equal(loop.pipeline.counters.gaps, 0, 'the frames apply in sequence');
    assert.ok(
      orders > 10_000,
      `the path must reach the broker to prove anything: ${orders} orders`,
    );
    assert.ok(loop.broker.counters.fills > 1000, 'and the broker fills them');
    // Flat: the second half keeps no more than the first (a leak grows with the ticks),
    // and neither half collects more than a handful of times (the observer's own entries
    // and the collections above are the only allocation left).
    const growth = heap2 - heap1;
    assert.ok(
      growth < 512 * 1024,
      `heap grew ${growth} bytes over ${TICKS / 2} ticks (first half: ${heap1 - heap0})`,
    );
    assert.ok(
      gcSecondHalf <= gcFirstHalf + 2,
      `GCs: ${gcFirstHalf} then ${gcSecondHalf} (must not grow)`,
    );
    assert.ok(
      gcFirstHalf + gcSecondHalf <= 10,
      `${gcFirstHalf + gcSecondHalf} GCs in ${TICKS} ticks`,
    );
  } finally {
    observer.disconnect();
  }
});
