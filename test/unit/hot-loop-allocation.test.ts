import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { validateConfig } from '../../shared/config.js';
import { ControlBlock } from '../../main/engine/core/control-block.js';
import { MarketSnapshots } from '../../main/engine/core/market-snapshot.js';
import { HotLoop } from '../../main/engine/process/hot-loop.js';

// A full garbage collection before each heap reading, so the readings compare live data.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const TICKS = 1_000_000;
const FIRST_ID = 1_000_000_001;
const MID = 60_000;

/** Depth frame bytes with 10-digit U and u at fixed offsets, rewritten in place per tick. */
function template(bidHeavy: boolean): { bytes: Buffer; idAt: number[] } {
  const level = (price: number, qty: number): string =>
    `["${price.toFixed(2)}","${qty.toFixed(8)}"]`;
  const side = (sign: 1 | -1, heavy: boolean): string =>
    Array.from({ length: 5 }, (_, i) => level(MID + sign * (i + 1) * 0.01, heavy ? 2 : 0.1)).join(
      ',',
    );
  const text =
    `{"e":"depthUpdate","E":1700000000000,"s":"BTCUSDT","U":${FIRST_ID},"u":${FIRST_ID},` +
    `"b":[${side(-1, bidHeavy)}],"a":[${side(1, !bidHeavy)}]}`;
  const first = text.indexOf(String(FIRST_ID));
  const second = text.indexOf(String(FIRST_ID), first + 1);
  return { bytes: Buffer.from(text), idAt: [first, second] };
}

function writeId(frame: { bytes: Buffer; idAt: number[] }, id: number): void {
  for (const at of frame.idAt) {
    let value = id;
    for (let i = 9; i >= 0; i--) {
      frame.bytes[at + i] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
  }
}

test('a million ticks through the hot loop allocate nothing: heap and GC counts stay flat', () => {
  const config = validateConfig({
    strategy: {
      symbols: ['BTCUSDT'],
      params: { min_confidence: 0.3, imbalance_threshold: 0.2, max_position_size: 100 },
      risk_limits: {
        max_position_size: 1000,
        max_order_size: 500,
        max_notional_exposure: 1e12,
        max_orders_per_second: 10_000,
      },
    },
  });
  const control = ControlBlock.create({ symbols: config.strategy.symbols });
  control.writeParams(config.strategy.params, config.strategy.risk_limits);
  let orderId = 0;
  let rows = 0;
  const loop = new HotLoop({
    config,
    control,
    snapshots: MarketSnapshots.create(1),
    nextOrderId: () => ++orderId,
    persistRow: () => void rows++,
    signalRow: () => void rows++,
    keepWarm: true,
  });
  const snapshotLevels = (sign: 1 | -1): string[][] =>
    Array.from({ length: 20 }, (_, i) => [(MID + sign * (i + 1) * 0.01).toFixed(2), '0.5']);
  loop.pipeline.onSnapshot(
    'BTCUSDT',
    JSON.stringify({
      lastUpdateId: FIRST_ID - 1,
      bids: snapshotLevels(-1),
      asks: snapshotLevels(1),
    }),
    1_700_000_000_000_000,
    0,
  );
  const frames = [template(true), template(false)];
  let id = FIRST_ID;
  const run = (ticks: number): void => {
    for (let n = 0; n < ticks; n++, id++) {
      const frame = frames[Math.floor(id / 40) % 2]!;
      writeId(frame, id);
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
    assert.ok(orders > 10_000, `the path must reach the broker to prove anything: ${orders} orders`);
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
    assert.ok(gcFirstHalf + gcSecondHalf <= 10, `${gcFirstHalf + gcSecondHalf} GCs in ${TICKS} ticks`);
  } finally {
    observer.disconnect();
  }
});
