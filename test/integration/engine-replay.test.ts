import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { validateConfig, type Config } from '../../shared/config.js';
import { runReplay, type ReplaySummary } from '../../main/engine/process/replay-runner.js';
import { writeBtcRecording } from '../fixture-files.js';
import { makeTempDir } from '../temp-dirs.js';

// The real Binance BTCUSDT data (hftbacktest collector), converted to the recording
// format and cut to its first 12,000 lines so the test stays short on a shared machine.
const dir = makeTempDir('lockstep-replay-');
const recording = join(dir, 'btc.jsonl');
const config: Config = validateConfig({
  strategy: { params: { min_confidence: 0.3, imbalance_threshold: 0.5 } },
});

before(async () => {
  await writeBtcRecording(recording, 12000);
});

/** The summary without what is measured on the clock (latency, elapsed time, rate). */
const withoutLatency = (
  summary: ReplaySummary,
): Omit<
  ReplaySummary,
  'tick_to_trade_us' | 'elapsed_ms' | 'messages_per_second' | 'startup_ms'
> => {
  const {
    tick_to_trade_us: _latency,
    elapsed_ms: _elapsed,
    messages_per_second: _rate,
    startup_ms: _startup,
    ...rest
  } = summary;
  return rest;
};

function tableRows(dbPath: string, table: string): unknown[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
  } finally {
    db.close();
  }
}

test('the same recording and config give the same summary and the same rows, every time', async () => {
  const first = await runReplay({ dataFile: recording, config, dbPath: join(dir, 'a.sqlite') });
  const second = await runReplay({ dataFile: recording, config, dbPath: join(dir, 'b.sqlite') });
  assert.ok(
    first.orders > 0 && first.fills > 0,
    `the replay must trade to prove anything: ${JSON.stringify(first)}`,
  );
  assert.deepEqual(withoutLatency(second), withoutLatency(first));
  for (const table of ['trades', 'positions', 'orders', 'signals']) {
    const a = tableRows(join(dir, 'a.sqlite'), table);
    assert.ok(a.length > 0, `${table} has rows`);
    assert.deepEqual(tableRows(join(dir, 'b.sqlite'), table), a, `${table} rows identical`);
  }
});

test('layouts hot and pipeline replay to the same summary and rows; both time themselves', async () => {
  const hot = await runReplay({
    dataFile: recording,
    config: validateConfig({ ...config, engine: { layout: 'hot' } }),
    dbPath: join(dir, 'hot.sqlite'),
  });
  const pipeline = await runReplay({
    dataFile: recording,
    config: validateConfig({ ...config, engine: { layout: 'pipeline' } }),
    dbPath: join(dir, 'pipeline.sqlite'),
  });
  assert.ok(hot.orders > 0, 'the replay trades');
  assert.deepEqual(withoutLatency(pipeline), withoutLatency(hot));
  for (const table of ['trades', 'positions', 'orders', 'signals']) {
    assert.deepEqual(
      tableRows(join(dir, 'pipeline.sqlite'), table),
      tableRows(join(dir, 'hot.sqlite'), table),
      `${table} rows identical`,
    );
  }
  for (const summary of [hot, pipeline]) {
    assert.ok(summary.elapsed_ms > 0);
    assert.ok(summary.messages_per_second > 0);
    const rate = (summary.messages * 1000) / summary.elapsed_ms;
    assert.ok(Math.abs(summary.messages_per_second - rate) <= rate * 0.01 + 1);
  }
});

test('a replay keeps every position equal to the sum of its trades and within the risk limit', async () => {
  const dbPath = join(dir, 'c.sqlite');
  const summary = await runReplay({ dataFile: recording, config, dbPath });
  const db = new Database(dbPath, { readonly: true });
  const positions = db
    .prepare('SELECT strategy_id, symbol, quantity FROM positions')
    .all() as Array<{ symbol: string; quantity: number }>;
  const sums = db
    .prepare(
      `SELECT symbol, SUM(CASE WHEN side = 'Buy' THEN quantity ELSE -quantity END) AS q FROM trades GROUP BY symbol`,
    )
    .all() as Array<{ symbol: string; q: number }>;
  db.close();
  for (const position of positions) {
    const sum = sums.find((s) => s.symbol === position.symbol)?.q ?? 0;
    assert.ok(
      Math.abs(position.quantity - sum) < 1e-9,
      `${position.symbol}: position ${position.quantity} vs trades ${sum}`,
    );
    assert.ok(
      Math.abs(position.quantity) <= config.strategy.risk_limits.max_position_size + 1e-12,
      `${position.symbol}: |position| ${position.quantity} exceeds max_position_size ${config.strategy.risk_limits.max_position_size}`,
    );
  }
  assert.equal(Number(summary.positions.BTCUSDT), positions[0]?.quantity ?? 0);
});

test('a malformed line is counted, reported and skipped without changing the book', async () => {
  const lines = readFileSync(recording, 'utf8').trimEnd().split('\n');
  const broken = join(dir, 'broken.jsonl');
  lines.splice(
    500,
    0,
    '{"ts": 1, "stream": "btcusdt@depth@100ms", "data": {"e":"depthUpdate", "U": tru',
  );
  writeFileSync(broken, lines.join('\n') + '\n');
  const clean = await runReplay({ dataFile: recording, config, dbPath: ':memory:' });
  const dirty = await runReplay({ dataFile: broken, config, dbPath: ':memory:' });
  assert.equal(dirty.malformed, clean.malformed + 1);
  assert.equal(dirty.book_updates, clean.book_updates);
  assert.equal(dirty.gaps, clean.gaps);
  assert.deepEqual(dirty.positions, clean.positions);
});

test('a missing recording is a clear error', async () => {
  await assert.rejects(
    runReplay({ dataFile: join(dir, 'nope.jsonl'), config, dbPath: ':memory:' }),
    /no recording at/,
  );
});
