import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarketSnapshots, SnapshotView } from '../../main/engine/core/market-snapshot.js';

test('market snapshot: write then read per symbol, mid derived from bid and ask', () => {
  const writer = MarketSnapshots.create(2);
  const reader = MarketSnapshots.attach(writer.buffer);
  assert.equal(reader.symbolCount, 2);
  const view = new SnapshotView();
  assert.equal(reader.read(0, view), false, 'nothing written yet');
  assert.equal(view.sequence, 0, 'a failed read leaves the view untouched');
  writer.write(
    1,
    1_700_000_000_000_000,
    11_900_001_000_000,
    11_900_002_000_000,
    250_000_000,
    84,
    17,
  );
  assert.equal(reader.read(0, view), false, 'symbols are independent');
  assert.equal(reader.read(1, view), true);
  assert.deepEqual(
    { ...view },
    {
      timestampUs: 1_700_000_000_000_000,
      bestBid: 11_900_001_000_000,
      bestAsk: 11_900_002_000_000,
      mid: 11_900_001_500_000,
      imbalanceE9: 250_000_000,
      spreadBpsE2: 84,
      sequence: 17,
    },
  );
  const version = reader.version(1);
  writer.write(1, 2, 0, 500, 0, 0, 18);
  assert.equal(
    reader.version(1),
    version + 2,
    'every write moves the version by 2 (even = stable)',
  );
  assert.ok(reader.read(1, view));
  assert.equal(view.mid, 0, 'no mid when a side is empty');
  assert.equal(view.bestAsk, 500);
});

test('market snapshot: bad symbol indexes and foreign buffers are refused with a reason', () => {
  const snapshots = MarketSnapshots.create(1);
  assert.throws(() => snapshots.write(1, 0, 1, 2, 0, 0, 1), /symbol index 1 is outside 0\.\.0/);
  assert.throws(() => snapshots.read(-1, new SnapshotView()), /symbol index -1/);
  assert.throws(() => MarketSnapshots.create(0), /1\.\.1024 symbols, got 0/);
  assert.throws(
    () => MarketSnapshots.attach(new SharedArrayBuffer(128)),
    /not made by MarketSnapshots\.create/,
  );
});
