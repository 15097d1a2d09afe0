import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { OrderId, Price, Qty, SymbolIndex, TimestampUs } from '../../shared/domain.js';
import {
  FillRow,
  KillSwitchEventRow,
  OrderRow,
  PersistRecord,
  RECORD_LAYOUTS,
  writeFlushRow,
} from '../../shared/records.js';
import { openDatabase } from '../../main/engine/persistence/schema.js';
import {
  PersistenceWriter,
  type PersistenceWriterOptions,
} from '../../main/engine/persistence/sqlite-writer.js';
import { fillRow, fillSequence, signalRow, tempDir } from './persistence-fixtures.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const STRATEGIES = ['imbalance_v1'];

function setup(
  t: { after(fn: () => void): void },
  options: Partial<PersistenceWriterOptions> = {},
) {
  const dir = tempDir(t);
  const path = join(dir, 'lockstep.sqlite');
  let nowMs = 1_000;
  const errors: Error[] = [];
  const written: number[] = [];
  const malformed: string[] = [];
  const writer = new PersistenceWriter(path, {
    symbols: SYMBOLS,
    strategyIds: STRATEGIES,
    now: () => nowMs,
    onError: (e) => errors.push(e),
    onRowsWritten: (n) => written.push(n),
    onMalformed: (p) => malformed.push(p),
    ...options,
  });
  t.after(() => {
    if (writer.db.open) writer.db.close();
  });
  return {
    path,
    writer,
    errors,
    written,
    malformed,
    db: writer.db,
    setNow: (ms: number) => (nowMs = ms),
    count: (table: string) =>
      (writer.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
  };
}

test('schema: WAL, synchronous NORMAL, and the seed tables column for column', (t) => {
  const { db } = setup(t);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('synchronous', { simple: true }), 1);
  const columns = (table: string) =>
    (
      db.pragma(`table_info(${table})`) as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[]
    ).map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` PK${c.pk}` : ''}`);
  assert.deepEqual(columns('trades'), [
    'trade_id INTEGER PK1',
    'order_id INTEGER NOT NULL',
    'strategy_id TEXT NOT NULL',
    'symbol TEXT NOT NULL',
    'side TEXT NOT NULL',
    'price REAL NOT NULL',
    'quantity REAL NOT NULL',
    'timestamp_ns INTEGER NOT NULL',
  ]);
  assert.deepEqual(columns('positions'), [
    'strategy_id TEXT NOT NULL PK1',
    'symbol TEXT NOT NULL PK2',
    'quantity REAL NOT NULL',
    'cost_basis REAL NOT NULL',
    'realized_pnl REAL NOT NULL',
  ]);
  for (const table of ['orders', 'signals', 'param_changes', 'kill_switch_events'])
    assert.ok(columns(table).length > 0, table);
  const indexes = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  ).map((r) => r.name);
  for (const name of ['orders_by_updated', 'orders_open', 'signals_by_ts'])
    assert.ok(indexes.includes(name), name);
});

test('a FILL row writes the trade and upserts the position, exact values as nearest doubles', (t) => {
  const s = setup(t);
  s.writer.writeRecord(
    fillRow({
      tradeId: 1,
      side: 1,
      price: 11_900_001_000_000,
      qty: 30_000_000,
      positionQty: 30_000_000,
      avgCost: 11_900_001_000_000,
      tsUs: 1_752_000_000_123_456,
    }),
    0,
  );
  s.writer.writeRecord(
    fillRow({
      tradeId: 2,
      side: -1,
      price: 11_900_002_000_000,
      qty: 10_000_000,
      positionQty: 20_000_000,
      avgCost: 11_900_001_000_000,
      realized: 100_000,
    }),
    0,
  );
  assert.equal(s.writer.flush(), 2);
  const trades = s.db.prepare('SELECT * FROM trades ORDER BY trade_id').all() as Record<
    string,
    unknown
  >[];
  assert.deepEqual(trades[0], {
    trade_id: 1,
    order_id: 1,
    strategy_id: 'imbalance_v1',
    symbol: 'BTCUSDT',
    side: 'Buy',
    price: 119000.01,
    quantity: 0.3,
    timestamp_ns: 1_752_000_000_123_456_000,
  });
  assert.equal(trades[1]!['side'], 'Sell');
  const exactNs = s.db
    .prepare('SELECT timestamp_ns FROM trades WHERE trade_id = 1')
    .safeIntegers(true)
    .get() as { timestamp_ns: bigint };
  assert.equal(exactNs.timestamp_ns, 1_752_000_000_123_456_000n);
  assert.deepEqual(s.db.prepare('SELECT * FROM positions').all(), [
    {
      strategy_id: 'imbalance_v1',
      symbol: 'BTCUSDT',
      quantity: 0.2,
      cost_basis: 119000.01,
      realized_pnl: 0.001,
    },
  ]);
});

test('batching: rows wait for a full batch or the time bound; transactions hold at most maxTransactionRows', (t) => {
  const s = setup(t, { batchRows: 3, maxDelayMs: 50, maxTransactionRows: 2 });
  const rows = fillSequence(5);
  s.setNow(1_000);
  s.writer.writeRecord(rows[0]!, 0);
  s.writer.writeRecord(rows[1]!, 0);
  assert.equal(s.writer.flushIfDue(1_010), 0);
  assert.equal(s.count('trades'), 0);
  s.writer.writeRecord(rows[2]!, 0);
  assert.equal(s.writer.flushIfDue(1_010), 3); // a full batch, in transactions of 2 + 1
  assert.equal(s.writer.stats.transactions, 2);
  assert.equal(s.count('trades'), 3);
  // A quiet market: one row, flushed once it is 50 ms old.
  s.setNow(2_000);
  s.writer.writeRecord(rows[3]!, 0);
  assert.equal(s.writer.flushIfDue(2_049), 0);
  assert.equal(s.writer.flushIfDue(2_050), 1);
  // A FLUSH record writes at once.
  s.writer.writeRecord(rows[4]!, 0);
  const flush = new Float64Array(PersistRecord.SLOTS);
  writeFlushRow(flush, 0);
  s.writer.writeRecord(flush, 0);
  assert.equal(s.count('trades'), 5);
  assert.equal(s.writer.pendingRows(), 0);
  assert.deepEqual(s.written, [3, 1, 1]);
});

test('the caller may reuse its record array: rows are copied when buffered', (t) => {
  const s = setup(t);
  const shared = new Float64Array(PersistRecord.SLOTS * 2);
  for (const [i, row] of fillSequence(2).entries()) {
    shared.set(row, PersistRecord.SLOTS);
    s.writer.writeRecord(shared, PersistRecord.SLOTS);
    shared.fill(0);
    assert.equal(s.writer.pendingRows(), i + 1);
  }
  s.writer.flush();
  assert.deepEqual(s.db.prepare('SELECT trade_id FROM trades').all(), [
    { trade_id: 1 },
    { trade_id: 2 },
  ]);
});

test('disk full (SQLITE_FULL): onError, every row kept, written once the error clears', (t) => {
  const s = setup(t, { retryDelayMs: 100 });
  const pages = s.db.pragma('page_count', { simple: true }) as number;
  s.db.pragma(`max_page_count = ${pages}`);
  const rows = fillSequence(400);
  for (const row of rows) s.writer.writeRecord(row, 0);
  s.setNow(5_000);
  assert.equal(s.writer.flush(), 0);
  assert.equal(s.errors.length, 1);
  assert.match(s.errors[0]!.message, /SQLITE_FULL/);
  assert.match(s.errors[0]!.message, /400 rows kept for retry/);
  assert.equal(s.writer.pendingRows(), 400);
  assert.equal(s.count('trades'), 0);
  // Still full: the retry waits for the back-off, then fails again (and backs off longer).
  assert.equal(s.writer.flushIfDue(5_050), 0);
  assert.equal(s.errors.length, 1);
  assert.equal(s.writer.flushIfDue(5_100), 0);
  assert.equal(s.errors.length, 2);
  // Space again: the next due retry writes everything, in order, once.
  s.db.pragma('max_page_count = 1073741823');
  assert.equal(s.writer.flushIfDue(5_250), 0); // back-off is 200 ms now
  assert.equal(s.writer.flushIfDue(5_300), 400);
  assert.equal(s.writer.pendingRows(), 0);
  const trades = s.db.prepare('SELECT trade_id FROM trades ORDER BY trade_id').all() as {
    trade_id: number;
  }[];
  assert.deepEqual(
    trades.map((r) => r.trade_id),
    rows.map((_, i) => i + 1),
  );
  const position = s.db.prepare('SELECT quantity FROM positions').get() as { quantity: number };
  assert.equal(
    Math.round(position.quantity * 1e8),
    new FillRow().read(rows.at(-1)!, 0).positionQty,
  );
});

test('read-only database (SQLITE_READONLY): rows and control rows kept, written after', (t) => {
  const s = setup(t);
  s.db.pragma('query_only = ON');
  for (const row of fillSequence(3)) s.writer.writeRecord(row, 0);
  s.writer.writeParamChange({
    tsUs: 1_000,
    key: 'imbalance_threshold',
    oldValue: 0.3,
    newValue: 0.4,
    source: 'trader',
  });
  assert.equal(s.errors.length, 1);
  assert.match(s.errors[0]!.message, /SQLITE_READONLY/);
  assert.equal(s.writer.flush(), 0);
  assert.equal(s.writer.pendingRows(), 4);
  s.db.pragma('query_only = OFF');
  assert.equal(s.writer.flush(), 4);
  assert.equal(s.count('trades'), 3);
  assert.equal(s.count('param_changes'), 1);
});

test('a database locked by another connection (SQLITE_BUSY): rows kept until the lock is released', (t) => {
  const s = setup(t, { retryDelayMs: 0 });
  const other = new Database(s.path);
  t.after(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  for (const row of fillSequence(2)) s.writer.writeRecord(row, 0);
  assert.equal(s.writer.flush(), 0);
  assert.match(s.errors[0]!.message, /SQLITE_BUSY/);
  assert.equal(s.writer.pendingRows(), 2);
  other.exec('COMMIT');
  assert.equal(s.writer.flushIfDue(1_000), 2);
  assert.equal(s.count('trades'), 2);
});

test('trade and position share one transaction: a refused position update takes its trade with it', (t) => {
  const s = setup(t);
  // A trigger that refuses ETHUSDT positions stands in for any failure between the two statements.
  s.db.exec(
    "CREATE TRIGGER refuse_eth BEFORE INSERT ON positions WHEN NEW.symbol = 'ETHUSDT' BEGIN SELECT RAISE(ABORT, 'no ETH positions'); END",
  );
  s.writer.writeRecord(
    fillRow({ tradeId: 1, side: 1, price: 100, qty: 5, positionQty: 5, avgCost: 100 }),
    0,
  );
  s.writer.writeRecord(
    fillRow({ tradeId: 2, symbol: 1, side: 1, price: 100, qty: 5, positionQty: 5, avgCost: 100 }),
    0,
  );
  s.writer.writeRecord(
    fillRow({ tradeId: 3, side: 1, price: 100, qty: 5, positionQty: 10, avgCost: 100 }),
    0,
  );
  assert.equal(s.writer.flush(), 3);
  assert.deepEqual(s.db.prepare('SELECT trade_id FROM trades ORDER BY trade_id').all(), [
    { trade_id: 1 },
    { trade_id: 3 },
  ]);
  assert.deepEqual(s.db.prepare('SELECT symbol, quantity FROM positions').all(), [
    { symbol: 'BTCUSDT', quantity: 1e-7 },
  ]);
  const quarantined = s.db.prepare('SELECT problem, content FROM malformed_rows').all() as {
    problem: string;
    content: string;
  }[];
  assert.equal(quarantined.length, 1);
  assert.match(quarantined[0]!.problem, /no ETH positions/);
  // malformed_rows keeps the row's raw slots, as they arrived.
  assert.equal(JSON.parse(quarantined[0]!.content)[RECORD_LAYOUTS.fillRow.slots.tradeId], 2);
  assert.equal(s.malformed.length, 1);
  assert.equal(s.errors.length, 0);
});

test('bad records are kept in malformed_rows with the reason; the rows around them are written', (t) => {
  const s = setup(t);
  s.writer.writeRecord(
    fillRow({ tradeId: 1, side: 1, price: 100, qty: 5, positionQty: 5, avgCost: 100 }),
    0,
  );
  s.writer.writeRecord(
    fillRow({ tradeId: 2, symbol: 5, side: 1, price: 100, qty: 5, positionQty: 10, avgCost: 100 }),
    0,
  );
  s.writer.writeRecord(
    fillRow({ tradeId: 3, side: 1, price: 100.5, qty: 5, positionQty: 10, avgCost: 100 }),
    0,
  );
  const unknown = new Float64Array(PersistRecord.SLOTS);
  unknown[0] = 42; // the kind slot: no codec writes an unknown kind
  s.writer.writeRecord(unknown, 0);
  s.writer.writeRecord(
    fillRow({ tradeId: 1, side: 1, price: 100, qty: 1, positionQty: 6, avgCost: 100 }),
    0,
  ); // repeated trade id
  s.writer.writeRecord(
    fillRow({ tradeId: 4, side: -1, price: 100, qty: 5, positionQty: 0, avgCost: 0 }),
    0,
  );
  assert.equal(s.writer.flush(), 6);
  assert.deepEqual(s.db.prepare('SELECT trade_id FROM trades ORDER BY trade_id').all(), [
    { trade_id: 1 },
    { trade_id: 4 },
  ]);
  assert.deepEqual(
    s.malformed.map((m) => m.replace(/:.*$/s, '')),
    [
      'symbol index 5 is not one of the 2 configured symbols',
      'fill price must be a positive integer of 1e-8 units, got 100.5',
      'unknown persist record kind 42',
      'refused by the database',
    ],
  );
  assert.equal(s.count('malformed_rows'), 4);
  assert.equal(s.writer.stats.malformed, 4);
  assert.equal(s.errors.length, 0);
});

test('orders are upserted by id through their status changes, decimals exact as text', (t) => {
  const s = setup(t);
  const order = (status: number, filled: number, ts: number, reason = -1) => {
    const rec = new Float64Array(PersistRecord.SLOTS);
    const r = new OrderRow().begin(rec, 0);
    r.orderId = 7 as OrderId;
    r.symbol = 0 as SymbolIndex;
    r.side = -1;
    r.type = 1;
    r.status = status as OrderRow['status'];
    r.price = 11_900_001_000_000 as Price;
    r.qty = 1_000 as Qty;
    r.filledQty = filled as Qty;
    r.avgFillPrice = (filled ? 11_900_001_000_000 : 0) as Price;
    r.fees = filled ? 12 : 0;
    r.createdUs = 5_000 as TimestampUs;
    r.reason = reason;
    r.tsUs = ts as TimestampUs;
    r.setClientIdWord(0, 0xdeadbeef);
    r.setClientIdWord(1, 0x00004000);
    r.setClientIdWord(2, 0x80000000);
    r.setClientIdWord(3, 1);
    return rec;
  };
  s.writer.writeRecord(order(0, 0, 5_000), 0);
  s.writer.writeRecord(order(1, 0, 5_000), 0);
  s.writer.writeRecord(order(2, 400, 6_000), 0);
  s.writer.writeRecord(order(4, 400, 7_000, 15), 0);
  s.writer.flush();
  assert.deepEqual(s.db.prepare('SELECT * FROM orders').all(), [
    {
      order_id: 7,
      client_order_id: 'strategy_deadbeef-0000-4000-8000-000000000001',
      strategy_id: 'imbalance_v1',
      symbol: 'BTCUSDT',
      side: 'Sell',
      type: 'Limit',
      price: '119000.01',
      quantity: '0.00001',
      status: 'Cancelled',
      filled_quantity: '0.000004',
      avg_fill_price: '119000.01',
      created_ns: 5_000_000,
      updated_ns: 7_000_000,
      reason: 'cancel_requested',
      fees: '0.00000012',
    },
  ]);
  // The same id from a different order (a counter restarted without restore) is refused, kept aside.
  const impostor = order(0, 0, 8_000);
  new OrderRow().read(impostor, 0).setClientIdWord(3, 2);
  s.writer.writeRecord(impostor, 0);
  s.writer.flush();
  assert.deepEqual(s.db.prepare('SELECT status, client_order_id FROM orders').all(), [
    { status: 'Cancelled', client_order_id: 'strategy_deadbeef-0000-4000-8000-000000000001' },
  ]);
  assert.match(s.malformed.at(-1)!, /order id reused by a different order/);
});

test('signals, parameter changes and kill-switch events land in their tables', (t) => {
  const s = setup(t);
  s.writer.writeRecord(signalRow({ tsUs: 10, strength: 0.5, orderId: 3 }), 0);
  s.writer.writeRecord(
    signalRow({ tsUs: 11, strength: -0.2, suppressed: true, rejectReason: 0 }),
    0,
  );
  const kill = new Float64Array(PersistRecord.SLOTS);
  const event = new KillSwitchEventRow().begin(kill, 0);
  event.tsUs = 12 as TimestampUs;
  event.state = 2;
  s.writer.writeRecord(kill, 0);
  s.writer.flush();
  const signals = s.db
    .prepare(
      'SELECT side, strength, suppressed, order_id, reject_reason, features FROM signals ORDER BY ts_ns',
    )
    .all();
  assert.deepEqual(signals, [
    {
      side: 'Buy',
      strength: 0.5,
      suppressed: 0,
      order_id: 3,
      reject_reason: null,
      features: '[0.5,1.5,2.5,3.5,4.5,5.5,6.5,null]',
    },
    {
      side: 'Sell',
      strength: -0.2,
      suppressed: 1,
      order_id: null,
      reject_reason: 'kill_switch',
      features: '[0.5,1.5,2.5,3.5,4.5,5.5,6.5,null]',
    },
  ]);
  s.writer.writeParamChange({
    tsUs: 20,
    key: 'imbalance_threshold',
    oldValue: 0.3,
    newValue: 0.35,
    source: 'trader',
  });
  s.writer.writeKillSwitchEvent({
    tsUs: 21,
    state: 'HALTED',
    reason: 'persistence failed',
    source: 'engine',
  });
  // Immediate: no flush needed for control rows.
  assert.deepEqual(
    s.db.prepare('SELECT ts_ns, key, old_value, new_value, source FROM param_changes').all(),
    [
      {
        ts_ns: 20_000,
        key: 'imbalance_threshold',
        old_value: 0.3,
        new_value: 0.35,
        source: 'trader',
      },
    ],
  );
  assert.deepEqual(
    s.db.prepare('SELECT state, reason, source FROM kill_switch_events ORDER BY ts_ns').all(),
    [
      { state: 'HALTED', reason: '', source: 'engine' },
      { state: 'HALTED', reason: 'persistence failed', source: 'engine' },
    ],
  );
  // A bad control row is kept with its reason, not thrown at the caller.
  s.writer.writeKillSwitchEvent({ tsUs: 22, state: 'PANIC', reason: 'x', source: 'trader' });
  assert.match(
    s.malformed.at(-1)!,
    /kill switch state must be one of ACTIVE, REDUCING, HALTED, got PANIC/,
  );
  assert.equal(s.count('kill_switch_events'), 2);
});

test('options and closing: bad options are refused by name; a closed writer refuses rows loudly', (t) => {
  const dir = tempDir(t);
  assert.throws(
    () =>
      new PersistenceWriter(join(dir, 'a.sqlite'), {
        symbols: SYMBOLS,
        strategyIds: STRATEGIES,
        batchRows: 0,
      }),
    /option batchRows must be a positive integer, got 0/,
  );
  const s = setup(t);
  s.writer.writeRecord(fillSequence(1)[0]!, 0);
  assert.equal(s.writer.close(), 0);
  assert.throws(
    () => s.writer.writeRecord(fillSequence(1)[0]!, 0),
    /closed; the row was not taken/,
  );
  const reopened = openDatabase(s.path);
  t.after(() => reopened.close());
  assert.equal((reopened.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n, 1);
});
