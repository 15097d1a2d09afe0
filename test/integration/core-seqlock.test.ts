import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarketSnapshots } from '../../main/engine/core/market-snapshot.js';
import { startWorker, stopAll } from './core-thread-harness.js';

const MIN_READS = 2_000_000;
const MIN_DISTINCT = 10_000;
const MAX_READS = 500_000_000;

test('seqlock: a writer flat out and two readers, zero torn reads, sequence monotone per reader', async (t) => {
  const snapshots = MarketSnapshots.create(2);
  const flags = new SharedArrayBuffer(8);
  const writer = startWorker({ role: 'snapshot-writer', snapshots: snapshots.buffer, flags });
  const readers = [0, 1].map(() =>
    startWorker({
      role: 'snapshot-reader',
      snapshots: snapshots.buffer,
      flags,
      reads: MIN_READS,
      distinct: MIN_DISTINCT,
      maxReads: MAX_READS,
    }),
  );
  try {
    const results = await Promise.all(readers.map((r) => r.result));
    Atomics.store(new Int32Array(flags), 0, 1);
    const written = await writer.result;
    for (const [i, result] of results.entries()) {
      assert.equal(result.firstProblem, null, `reader ${i}`);
      assert.equal(result.bad, 0, `reader ${i}`);
      assert.ok(result.count >= MIN_READS);
      // The reader saw the snapshot move many times: its reads overlapped the writes.
      assert.ok(
        result.distinct >= MIN_DISTINCT,
        `reader ${i} saw only ${result.distinct} distinct snapshots`,
      );
      t.diagnostic(`reader ${i}: ${result.count} reads, ${result.distinct} distinct snapshots`);
    }
    t.diagnostic(`writer: ${written.count} writes per symbol`);
  } finally {
    Atomics.store(new Int32Array(flags), 0, 1);
    await stopAll([writer, ...readers]);
  }
});
