import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPeerBooks, measurePeerBooks } from '../../main/engine/bench/peer-books.js';
import { FIXTURE_DIR } from './market-helpers.js';

test('bench peers: ccxt, JSON.parse + Map and Lockstep keep the same book on both real recordings', () => {
  const result = measurePeerBooks(FIXTURE_DIR, 1);
  assert.equal(result.skipped, '', 'ccxt (a dev dependency) and both fixtures are here');
  assert.deepEqual(
    result.fixtures.map((f) => f.symbol),
    ['BTCUSDT', 'ETHUSDT'],
  );
  for (const fixture of result.fixtures) {
    assert.equal(fixture.disagreement, '', fixture.symbol);
    assert.ok(fixture.frames > 3000);
    assert.deepEqual(
      fixture.rows.map((row) => row.name.split(' ')[0]),
      ['ccxt', 'JSON.parse', 'Lockstep,', 'Lockstep,', 'Lockstep'],
    );
    for (const row of fixture.rows) assert.ok(row.p50Us > 0 && row.p99Us >= row.p50Us, row.name);
  }
  const text = formatPeerBooks(result);
  assert.match(text, /BTCUSDT: 3451 depth frames/);
  assert.match(text, /books agree after every run/);
  assert.doesNotMatch(text, /DISAGREE/);
});
