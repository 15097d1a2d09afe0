import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Rng } from '../../main/engine/core/rng.js';
import { PaperBroker } from '../../main/engine/execution/paper-broker.js';
import { PersistenceWriter } from '../../main/engine/persistence/sqlite-writer.js';
import {
  afterHistory,
  loadWindowHistory,
  withHistory,
} from '../../main/engine/persistence/window-history.js';
import { BASE_BOOK, bookRecord, newOrder, testConfig } from './execution-fixtures.js';
import { signalRow, tempDir } from './persistence-fixtures.js';

const SYMBOLS = ['BTCUSDT'];
const STRATEGIES = ['imbalance_v1'];

test('a restarted engine gets the window history the database holds, in the order the window expects', (t) => {
  const path = join(tempDir(t), 'lockstep.sqlite');
  assert.deepEqual(loadWindowHistory(path).orders, [], 'no database yet: empty, no error');
  const writer = new PersistenceWriter(path, { symbols: SYMBOLS, strategyIds: STRATEGIES });
  const broker = new PaperBroker(testConfig(), {
    symbols: SYMBOLS,
    strategyIds: STRATEGIES,
    rng: new Rng(1),
    sink: (rec) => writer.writeRecord(rec, 0),
  });
  broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  broker.onOrder(
    newOrder({ id: 2, ts: 2_000, side: 'Buy', type: 'Limit', price: '99', qty: '0.5' }),
    0,
  );
  writer.writeRecord(signalRow({ tsUs: 3_000, strength: 0.4, suppressed: true }), 0);
  // Refused by the risk check in reduce only (REJECT_REASONS index 1).
  writer.writeRecord(signalRow({ tsUs: 4_000, strength: 0.9, rejectReason: 1 }), 0);
  writer.writeParamChange({ tsUs: 5_000, key: 'a', oldValue: 1, newValue: 2, source: 'trader' });
  writer.writeParamChange({ tsUs: 6_000, key: 'b', oldValue: 3, newValue: 4, source: 'reset' });
  writer.flush();
  writer.close();

  const history = loadWindowHistory(path);
  assert.deepEqual(
    history.orders.map((o) => [o.orderId, o.status]),
    [
      [2, 'Open'],
      [1, 'Filled'],
    ],
    'orders newest first',
  );
  assert.deepEqual(
    history.fills.map((f) => f.orderId),
    [1],
  );
  assert.deepEqual(
    history.signals.map((s) => s.tsUs),
    [3_000, 4_000],
    'signals oldest first, as the strategy thread reports them',
  );
  assert.deepEqual(
    history.signals.map((s) => s.reason),
    ['confidence 0.80 below min_confidence', 'reduce only'],
    'the reasons come back too (the min_confidence of the time is not stored)',
  );
  assert.deepEqual(
    history.paramHistory.map((c) => [c.key, c.source]),
    [
      ['a', 'trader'],
      ['b', 'reset'],
    ],
  );
});

test('live rows come first and win over the restored row with the same id; the total is bounded', () => {
  const key = (row: { id: number }) => row.id;
  const restored = [
    { id: 3, v: 'old' },
    { id: 2, v: 'old' },
    { id: 1, v: 'old' },
  ];
  assert.deepEqual(withHistory([], restored, key, 10), restored, 'nothing live yet: all restored');
  assert.deepEqual(
    withHistory(
      [
        { id: 3, v: 'live' },
        { id: 9, v: 'live' },
      ],
      restored,
      key,
      3,
    ),
    [
      { id: 3, v: 'live' },
      { id: 9, v: 'live' },
      { id: 2, v: 'old' },
    ],
  );
  const full = [{ id: 7, v: 'live' }];
  assert.equal(withHistory(full, restored, key, 1), full, 'enough live rows: restored ones gone');
  assert.deepEqual(afterHistory([4, 5], [1, 2, 3], 4), [2, 3, 4, 5]);
  assert.deepEqual(afterHistory([4, 5], [], 4), [4, 5]);
});
