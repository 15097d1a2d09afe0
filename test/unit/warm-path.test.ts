import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIRST_ID, depthTemplate, syntheticHotLoop, writeUpdateId } from './hot-loop-frames.js';

/**
 * keep_warm's dry passes run the live parser on a copy of the latest frame and a shadow
 * strategy and broker: they must leave no trace. Two loops take the same frames, one
 * with three dry passes before every frame; every row, counter and summary must match.
 */
test('dry passes between frames change nothing live: rows, counters and summaries equal a loop without them', () => {
  const run = (passes: number) => {
    const rows: number[][] = [];
    const signals: number[][] = [];
    const loop = syntheticHotLoop(passes > 0, {
      persistRow: (record) => rows.push(Array.from(record)),
      signalRow: (record) => signals.push(Array.from(record)),
    });
    const frames = [depthTemplate(true), depthTemplate(false)];
    for (let n = 0, id = FIRST_ID; n < 4000; n++, id++) {
      for (let k = 0; k < passes; k++) loop.warmPass();
      const frame = frames[Math.floor(id / 40) % 2]!;
      writeUpdateId(frame, id);
      const tsUs = 1_700_000_000_000_000 + n * 1000;
      loop.onFrame(frame.bytes, tsUs, tsUs);
    }
    return { loop, rows, signals };
  };
  const plain = run(0);
  const warm = run(3);

  assert.ok(plain.rows.length > 300, `the frames must trade: ${plain.rows.length} rows`);
  assert.ok(
    warm.loop.warmOrders > 100,
    `the dry passes reach the shadow broker: ${warm.loop.warmOrders}`,
  );
  assert.equal(plain.loop.warmOrders, 0);
  // Times differ run to run; rows carry none that depend on the dry passes, so compare whole.
  assert.deepEqual(warm.rows, plain.rows, 'the same broker rows in the same order');
  assert.deepEqual(warm.signals, plain.signals, 'the same signal rows');
  assert.deepEqual(warm.loop.pipeline.counters, plain.loop.pipeline.counters);
  assert.deepEqual(warm.loop.summaries(), plain.loop.summaries());
  const book = (loop: typeof plain.loop) => loop.pipeline.book('BTCUSDT').book.bids.levels();
  assert.deepEqual(book(warm.loop), book(plain.loop), 'the live book is untouched');
});
