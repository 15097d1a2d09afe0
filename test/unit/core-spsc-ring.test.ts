import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpscRing } from '../../main/engine/core/spsc-ring.js';
import { roundUpToPowerOfTwo } from '../../main/engine/core/sab-layout.js';

function record(value: number, slots: number): Float64Array {
  const out = new Float64Array(slots);
  for (let i = 0; i < slots; i++) out[i] = value * 10 + i;
  return out;
}

test('spsc ring: FIFO through many wrap-arounds, attach sees the same ring', () => {
  const producer = SpscRing.create(3, 8);
  const consumer = SpscRing.attach(producer.buffer);
  assert.equal(consumer.recordSlots, 3);
  assert.equal(consumer.capacity, 8);
  assert.equal(consumer.records.length, 24);
  const out = new Float64Array(3);
  let next = 0;
  let pushed = 0;
  for (let k = 0; k < 100; k++) {
    // Push a varying number so the read and write positions wrap at different times.
    const n = 1 + (k % 8);
    for (let i = 0; i < n; i++) assert.ok(producer.tryPush(record(k * 100 + i, 3)));
    pushed += n;
    assert.equal(consumer.len(), n);
    for (let i = 0; i < n; i++) {
      assert.ok(consumer.tryPop(out));
      assert.deepEqual([...out], [...record(k * 100 + i, 3)]);
      next++;
    }
    assert.equal(consumer.tryPop(out), false);
  }
  assert.equal(next, pushed);
  assert.equal(producer.fullCount(), 0);
});

test('spsc ring: full is refused and counted, space comes back after release', () => {
  const ring = SpscRing.create(2, 4);
  for (let i = 0; i < 4; i++) assert.ok(ring.tryPush(record(i, 2)));
  assert.equal(ring.len(), 4);
  assert.equal(ring.utilization(), 1);
  assert.equal(ring.claim(), -1);
  assert.equal(ring.tryPush(record(9, 2)), false);
  assert.equal(ring.claimBatch(3), 0);
  assert.equal(ring.fullCount(), 3);
  assert.equal(ring.freeCount(), 0);
  assert.equal(ring.fullCount(), 3, 'freeCount only looks, it does not count a full event');
  const out = new Float64Array(2);
  assert.ok(ring.tryPop(out));
  assert.deepEqual([...out], [0, 1]);
  assert.equal(ring.utilization(), 0.75);
  assert.ok(ring.tryPush(record(4, 2)));
  const seen: number[] = [];
  while (ring.tryPop(out)) seen.push(out[0]!);
  assert.deepEqual(seen, [10, 20, 30, 40]);
});

test('spsc ring: claim writes in place and publish makes it visible; claim twice is the same record', () => {
  const ring = SpscRing.create(4, 4);
  const at = ring.claim();
  assert.equal(ring.claim(), at);
  ring.records[at] = 7;
  ring.records[at + 3] = 8;
  assert.equal(ring.peek(), -1, 'not visible before publish');
  ring.publish();
  const read = ring.peek();
  assert.equal(read, at);
  assert.equal(ring.records[read], 7);
  assert.equal(ring.records[read + 3], 8);
  assert.equal(ring.peek(), read, 'peek does not consume');
  ring.release();
  assert.equal(ring.peek(), -1);
  assert.equal(ring.hasData(), false);
});

test('spsc ring: batches claim up to what is free and read up to what is ready, across the wrap', () => {
  const ring = SpscRing.create(1, 8);
  const consumer = SpscRing.attach(ring.buffer);
  let written = 0;
  let read = 0;
  for (let round = 0; round < 20; round++) {
    const n = ring.claimBatch(5);
    for (let k = 0; k < n; k++) ring.records[ring.claimOffset(k)] = written++;
    ring.publishBatch(n);
    const m = consumer.peekBatch(3);
    assert.ok(m <= 3);
    for (let k = 0; k < m; k++) assert.equal(consumer.records[consumer.peekOffset(k)], read++);
    consumer.releaseBatch(m);
  }
  assert.ok(written > 20);
  // Drain what is left.
  for (let m = consumer.peekBatch(100); m > 0; m = consumer.peekBatch(100)) {
    for (let k = 0; k < m; k++) assert.equal(consumer.records[consumer.peekOffset(k)], read++);
    consumer.releaseBatch(m);
  }
  assert.equal(read, written);
});

test('spsc ring: the Int32 counters wrap past 2^31 and 2^32 without losing or reordering records', () => {
  const ring = SpscRing.create(1, 4);
  // White box: start both counters just below the signed wrap, as after 2^31 records.
  const words = new Int32Array(ring.buffer);
  words[16] = 0x7ffffffd; // head
  words[32] = 0x7ffffffd; // tail
  const producer = SpscRing.attach(ring.buffer);
  const consumer = SpscRing.attach(ring.buffer);
  const out = new Float64Array(1);
  for (let i = 0; i < 40; i++) {
    assert.ok(producer.tryPush(Float64Array.of(i)));
    assert.ok(producer.tryPush(Float64Array.of(i + 0.5)));
    assert.equal(consumer.len(), 2);
    assert.ok(consumer.tryPop(out));
    assert.equal(out[0], i);
    assert.ok(consumer.tryPop(out));
    assert.equal(out[0], i + 0.5);
  }
  for (let i = 0; i < 4; i++) assert.ok(producer.tryPush(Float64Array.of(i)));
  assert.equal(
    producer.tryPush(Float64Array.of(9)),
    false,
    'full is still detected after the wrap',
  );
  assert.equal(consumer.len(), 4);
  words[16] = -1; // head at 0xffffffff unsigned
  words[32] = -1;
  const again = SpscRing.attach(ring.buffer);
  assert.ok(again.tryPush(Float64Array.of(42)));
  assert.equal(again.len(), 1);
  assert.ok(again.tryPop(out));
  assert.equal(out[0], 42);
});

test('spsc ring: bad shapes and foreign buffers are refused with a reason', () => {
  assert.throws(() => SpscRing.create(4, 1000), /power of two between 2 and 2\^30, got 1000/);
  assert.throws(() => SpscRing.create(4, 1), /power of two/);
  assert.throws(() => SpscRing.create(0, 8), /record size must be 1\.\.65536/);
  assert.throws(
    () => SpscRing.attach(new SharedArrayBuffer(1024)),
    /not a ring created by SpscRing\.create/,
  );
  assert.throws(
    () => SpscRing.attach(new SharedArrayBuffer(8)),
    /expected the SharedArrayBuffer of a ring/,
  );
  assert.equal(roundUpToPowerOfTwo(1000), 1024);
  assert.equal(roundUpToPowerOfTwo(8192), 8192);
  assert.throws(() => roundUpToPowerOfTwo(0), /cannot round 0/);
});
