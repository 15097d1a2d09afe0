import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FeatureBuffer,
  FeatureColumn,
  FEATURE_COLUMN_COUNT,
} from '../../main/engine/core/feature-buffer.js';

/** Pushes an entry whose every column is derived from k, so any value identifies its entry. */
function pushEntry(buffer: FeatureBuffer, k: number, tsUs = k * 100): void {
  buffer.push(tsUs, 1000 + k, 999 + k, 1001 + k, k / 1000, k + 0.5);
}

test('feature buffer: newest first, every column, before and after wrap-around', () => {
  const buffer = new FeatureBuffer(5);
  assert.equal(buffer.capacity, 5);
  assert.equal(buffer.size, 0);
  for (let k = 0; k < 13; k++) {
    pushEntry(buffer, k);
    assert.equal(buffer.size, Math.min(k + 1, 5));
    for (let i = 0; i < buffer.size; i++) {
      const expected = k - i;
      assert.equal(buffer.get(FeatureColumn.TS_US, i), expected * 100);
      assert.equal(buffer.get(FeatureColumn.MID, i), 1000 + expected);
      assert.equal(buffer.get(FeatureColumn.BEST_BID, i), 999 + expected);
      assert.equal(buffer.get(FeatureColumn.BEST_ASK, i), 1001 + expected);
      assert.equal(buffer.get(FeatureColumn.IMBALANCE, i), expected / 1000);
      assert.equal(buffer.get(FeatureColumn.SPREAD_BPS, i), expected + 0.5);
      assert.equal(buffer.column(FeatureColumn.MID)[buffer.physicalIndex(i)], 1000 + expected);
    }
  }
});

test('feature buffer: window counts the newest entries with ts >= since at every wrap position', () => {
  const capacity = 7;
  const buffer = new FeatureBuffer(capacity);
  for (let k = 0; k < 3 * capacity; k++) {
    pushEntry(buffer, k);
    const newestTs = k * 100;
    const oldestTs = (k - buffer.size + 1) * 100;
    // Older than everything held: the whole buffer.
    assert.equal(buffer.window(oldestTs - 1), buffer.size);
    assert.equal(buffer.window(-Infinity), buffer.size);
    // Exactly the oldest: still the whole buffer (>= is inclusive).
    assert.equal(buffer.window(oldestTs), buffer.size);
    // Newer than everything: nothing.
    assert.equal(buffer.window(newestTs + 1), 0);
    // Exactly the newest: just it.
    assert.equal(buffer.window(newestTs), 1);
    // Every boundary and every point between two entries.
    for (let n = 1; n <= buffer.size; n++) {
      const tsOfNth = (k - n + 1) * 100;
      assert.equal(buffer.window(tsOfNth), n, `k=${k} boundary n=${n}`);
      // Halfway to the next older entry: that one is excluded, so still n.
      assert.equal(buffer.window(tsOfNth - 50), n, `k=${k} between n=${n}`);
      assert.equal(buffer.window(tsOfNth + 50), n - 1, `k=${k} just after n=${n}`);
    }
  }
});

test('feature buffer: window with equal timestamps counts all of them', () => {
  const buffer = new FeatureBuffer(4);
  for (const ts of [10, 20, 20, 20, 30, 30]) buffer.push(ts, 1, 1, 1, 0, 0);
  // Held (oldest first): 20, 20, 30, 30.
  assert.equal(buffer.window(30), 2);
  assert.equal(buffer.window(20), 4);
  assert.equal(buffer.window(25), 2);
  assert.equal(buffer.window(31), 0);
});

test('feature buffer: empty, clear, capacity one', () => {
  const buffer = new FeatureBuffer(1);
  assert.equal(buffer.window(0), 0);
  pushEntry(buffer, 1);
  pushEntry(buffer, 2);
  assert.equal(buffer.size, 1);
  assert.equal(buffer.get(FeatureColumn.MID, 0), 1002);
  assert.equal(buffer.window(200), 1);
  buffer.clear();
  assert.equal(buffer.size, 0);
  assert.equal(buffer.window(-Infinity), 0);
  assert.throws(() => buffer.get(FeatureColumn.MID, 0), /entry 0 is outside/);
});

test('feature buffer: default capacity is 1000', () => {
  assert.equal(new FeatureBuffer().capacity, 1000);
});

test('feature buffer: extra columns are zeroed on push and settable on the newest entry', () => {
  const buffer = new FeatureBuffer(3, FEATURE_COLUMN_COUNT + 1);
  const extra = FEATURE_COLUMN_COUNT;
  pushEntry(buffer, 1);
  buffer.setExtra(extra, 42);
  pushEntry(buffer, 2);
  assert.equal(buffer.get(extra, 0), 0);
  assert.equal(buffer.get(extra, 1), 42);
});

test('feature buffer: bad arguments fail with a message that says what was wrong', () => {
  assert.throws(() => new FeatureBuffer(0), /capacity must be a positive integer, got 0/);
  assert.throws(() => new FeatureBuffer(2.5), /capacity must be a positive integer/);
  assert.throws(() => new FeatureBuffer(10, 3), /at least 6 columns/);
  const buffer = new FeatureBuffer(4);
  pushEntry(buffer, 1);
  assert.throws(() => buffer.get(FeatureColumn.MID, 1), /entry 1 is outside 0\.\.0/);
  assert.throws(() => buffer.get(FeatureColumn.MID, -1), /outside/);
  assert.throws(() => buffer.get(99, 0), /column 99 is outside 0\.\.5/);
  assert.throws(() => buffer.column(6), /column 6 is outside/);
  assert.throws(() => new FeatureBuffer(2).setExtra(6, 1), /empty/);
});
