import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapSampler } from '../../main/engine/process/heap-sampler.js';

test('the heap is read at most once a second; the next second reads it again', () => {
  const sampler = new HeapSampler();
  const first = sampler.usedBytes(10_000);
  assert.ok(first > 0);
  // Grow the heap by tens of MB, kept alive: a fresh read could not return `first`.
  const kept = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `row ${i}` }));
  assert.equal(sampler.usedBytes(10_999), first, 'within the second: the last reading');
  assert.ok(sampler.usedBytes(11_000) > first, 'a second later: read again');
  assert.equal(kept.length, 200_000);
});
