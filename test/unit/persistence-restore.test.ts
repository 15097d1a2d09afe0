import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TradingStateCode, asOrderId, asSymbolIndex } from '../../shared/domain.js';
import { Rng } from '../../main/engine/core/rng.js';
import { INTERNAL_ORDER_ID_BASE, PaperBroker } from '../../main/engine/execution/paper-broker.js';
import {
  loadLastKillSwitch,
  loadParamHistory,
  loadRecentFills,
  loadRecentOrders,
  loadRecentSignals,
  restoreBrokerState,
} from '../../main/engine/persistence/restore.js';
import { openDatabase } from '../../main/engine/persistence/schema.js';
import { PersistenceWriter } from '../../main/engine/persistence/sqlite-writer.js';
import { BASE_BOOK, bookRecord, newOrder, testConfig, u } from './execution-fixtures.js';
import { signalRow, tempDir } from './persistence-fixtures.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const STRATEGIES = ['imbalance_v1'];

/** A broker whose rows go straight into a writer on `path`. */
function brokerWritingTo(path: string, execution: Record<string, unknown> = {}) {
  const config = testConfig({ taker_fee_bps: 7.5, ...execution });
  const writer = new PersistenceWriter(path, { symbols: SYMBOLS, strategyIds: STRATEGIES });
  const broker = new PaperBroker(config, {
    symbols: SYMBOLS,
    strategyIds: STRATEGIES,
    rng: new Rng(1),
    sink: (rec) => writer.writeRecord(rec, 0),
  });
  return { broker, writer, config };
}

test('restore: a restarted broker gets the positions, open orders and id counters it wrote', (t) => {
  const path = join(tempDir(t), 'lockstep.sqlite');
  const first = brokerWritingTo(path);
  first.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  first.broker.onMarket(
    bookRecord({ ts: 1_000, symbol: 1, bids: [['2000', '10']], asks: [['2001', '10']] }),
    0,
  );
  first.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '2.5' }), 0);
  first.broker.onOrder(newOrder({ id: 2, ts: 1_001, side: 'Sell', type: 'Market', qty: '1' }), 0);
  first.broker.onOrder(
    newOrder({ id: 3, ts: 1_002, side: 'Sell', type: 'Market', qty: '3', symbol: 1 }),
    0,
  );
  first.broker.onOrder(
    newOrder({ id: 4, ts: 1_003, side: 'Sell', type: 'Limit', price: '101', qty: '0.5' }),
    0,
  );
  first.broker.onOrder(
    newOrder({ id: 5, ts: 1_004, side: 'Buy', type: 'Limit', price: '99', qty: '0.25' }),
    0,
  );
  first.broker.onOrder(
    newOrder({ id: 6, ts: 1_005, side: 'Buy', type: 'Limit', price: '98', qty: '1' }),
    0,
  );
  first.broker.cancelOrder(asOrderId(6));
  first.broker.flatten(asSymbolIndex(1));
  const before = first.broker.positions();
  assert.equal(first.writer.close(), 0);

  const state = restoreBrokerState(path, SYMBOLS, STRATEGIES);
  assert.deepEqual(state.skipped, []);
  assert.deepEqual(
    state.positions.map((p) => [p.symbolIndex, p.qty, p.avgCost, p.realizedPnl]),
    before.map((p) => [p.symbolIndex, p.qty, p.avgCost, p.realizedPnl]),
  );
  assert.deepEqual(
    state.openOrders.map((o) => [o.orderId, o.side, o.price, o.qty, o.status]),
    [
      [4, -1, u('101'), u('0.5'), 1],
      [5, 1, u('99'), u('0.25'), 1],
    ],
  );
  assert.equal(state.ids.nextTradeId, first.broker.counters.fills + 1);
  assert.equal(state.ids.nextInternalOrderId, INTERNAL_ORDER_ID_BASE + 1);
  assert.equal(state.maxStrategyOrderId, 6);

  const second = brokerWritingTo(path);
  second.broker.restore(state.positions, state.openOrders, state.ids);
  assert.deepEqual(
    second.broker.positions().map((p) => [p.qty, p.avgCost, p.realizedPnl]),
    before.map((p) => [p.qty, p.avgCost, p.realizedPnl]),
  );
  assert.deepEqual(
    second.broker.openOrders().map((o) => o.orderId),
    [4, 5],
  );
  // Coming back HALTED cancels the restored orders, and the database says so.
  second.broker.setTradingState(TradingStateCode.HALTED);
  second.broker.onMarket(bookRecord({ ts: 9_000, ...BASE_BOOK }), 0);
  second.broker.flatten(asSymbolIndex(0));
  second.writer.close();
  const db = openDatabase(path);
  t.after(() => db.close());
  assert.deepEqual(
    db
      .prepare('SELECT order_id, reason FROM orders WHERE order_id IN (4, 5) ORDER BY order_id')
      .all(),
    [
      { order_id: 4, reason: 'kill_switch_cancel' },
      { order_id: 5, reason: 'kill_switch_cancel' },
    ],
  );
  // Trade ids continued: no id was reused (a reuse would have landed in malformed_rows).
  assert.equal(
    (db.prepare('SELECT count(*) AS n FROM malformed_rows').get() as { n: number }).n,
    0,
  );
  const trades = db.prepare('SELECT trade_id, order_id FROM trades ORDER BY trade_id').all() as {
    trade_id: number;
    order_id: number;
  }[];
  assert.deepEqual(
    trades.map((r) => r.trade_id),
    trades.map((_, i) => i + 1),
  );
  assert.equal(trades.at(-1)!.order_id, INTERNAL_ORDER_ID_BASE + 1);
  assert.equal(
    restoreBrokerState(db, SYMBOLS, STRATEGIES).positions.every((p) => p.qty === 0),
    true,
  );
});

test('restore: a missing database is an empty state; rows of symbols no longer configured are listed, not loaded', (t) => {
  const dir = tempDir(t);
  const empty = restoreBrokerState(join(dir, 'none.sqlite'), SYMBOLS, STRATEGIES);
  assert.deepEqual(empty.positions, []);
  assert.deepEqual(empty.ids, { nextTradeId: 1, nextInternalOrderId: INTERNAL_ORDER_ID_BASE });

  const path = join(dir, 'lockstep.sqlite');
  const run = brokerWritingTo(path);
  run.broker.onMarket(
    bookRecord({ ts: 1_000, symbol: 1, bids: [['2000', '10']], asks: [['2001', '10']] }),
    0,
  );
  run.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1', symbol: 1 }),
    0,
  );
  run.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Limit', price: '1990', qty: '1', symbol: 1 }),
    0,
  );
  run.writer.close();
  const onlyBtc = restoreBrokerState(path, ['BTCUSDT'], STRATEGIES);
  assert.deepEqual(onlyBtc.positions, []);
  assert.deepEqual(onlyBtc.openOrders, []);
  assert.deepEqual(onlyBtc.skipped, [
    'position imbalance_v1/ETHUSDT not restored: that symbol is not configured',
    'order 2 not restored: its symbol ETHUSDT is not configured',
  ]);
});

test('history for the window: recent orders, fills, signals, parameter changes, last kill-switch state', (t) => {
  const path = join(tempDir(t), 'lockstep.sqlite');
  const run = brokerWritingTo(path);
  run.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  run.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1.5' }), 0);
  run.broker.onOrder(
    newOrder({ id: 2, ts: 2_000, side: 'Buy', type: 'PostOnly', price: '100.2', qty: '1' }),
    0,
  );
  run.writer.writeRecord(signalRow({ tsUs: 3_000, strength: 0.7 }), 0);
  run.writer.writeParamChange({
    tsUs: 4_000,
    key: 'min_confidence',
    oldValue: 0.7,
    newValue: 0.6,
    source: 'trader',
  });
  run.writer.writeKillSwitchEvent({
    tsUs: 5_000,
    state: 'HALTED',
    reason: 'trader pressed it',
    source: 'trader',
  });
  run.writer.flush();
  const db = run.writer.db;
  const orders = loadRecentOrders(db, 10);
  assert.deepEqual(
    orders.map((o) => [o.orderId, o.status, o.reason ?? null]),
    [
      [2, 'Rejected', 'post_only_would_cross'],
      [1, 'Filled', null],
    ],
  );
  assert.equal(orders[1]!.avgFillPrice, '100.13333333');
  assert.deepEqual(loadRecentFills(db, 10), [
    {
      tradeId: 2,
      orderId: 1,
      symbol: 'BTCUSDT',
      side: 'Buy',
      price: '100.2',
      qty: '0.5',
      tsUs: 1_000,
    },
    {
      tradeId: 1,
      orderId: 1,
      symbol: 'BTCUSDT',
      side: 'Buy',
      price: '100.1',
      qty: '1',
      tsUs: 1_000,
    },
  ]);
  assert.deepEqual(
    loadRecentSignals(db, 5).map((s) => [s.tsUs, s.side, s.strength]),
    [[3_000, 'Buy', 0.7]],
  );
  assert.deepEqual(loadParamHistory(db, 5), [
    { tsUs: 4_000, key: 'min_confidence', oldValue: 0.7, newValue: 0.6, source: 'trader' },
  ]);
  assert.deepEqual(loadLastKillSwitch(db), {
    state: 'HALTED',
    reason: 'trader pressed it',
    source: 'trader',
    changedUs: 5_000,
  });
  run.writer.close();
});
