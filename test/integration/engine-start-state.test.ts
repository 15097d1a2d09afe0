import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ENGINE_LAYOUTS, validateConfig, type Config } from '../../shared/config.js';
import { TradingStateCode } from '../../shared/domain.js';
import type { EngineState } from '../../shared/api.js';
import { EngineRuntime } from '../../main/engine/process/engine-runtime.js';
import { openDatabase } from '../../main/engine/persistence/schema.js';
import { until as untilWithin } from './until.js';

/** Start-state checks wait at most 20 s, polling every 20 ms. */
const until = <T>(what: string, check: () => T | undefined | false): Promise<T> =>
  untilWithin(what, check, 20_000, 20);

// The live engine in this process against an exchange that is not there (nothing trades):
// what matters here is the state it starts in and what it refuses.
const config: Config = validateConfig({
  market: { url: 'ws://127.0.0.1:9', rest_url: 'http://127.0.0.1:9' },
  metrics: { port: 0 },
});

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-start-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function withEngine<T>(
  dbPath: string,
  body: (engine: EngineRuntime) => Promise<T> | T,
  restartReason?: string,
  engineConfig: Config = config,
): Promise<T> {
  const engine = EngineRuntime.start({
    mode: 'live',
    config: engineConfig,
    dbPath,
    ...(restartReason === undefined ? {} : { restartReason }),
  });
  try {
    return await body(engine);
  } finally {
    await engine.stop();
  }
}

function killSwitchRows(dbPath: string): Array<{ state: string; reason: string }> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare('SELECT state, reason FROM kill_switch_events ORDER BY event_id')
      .all() as Array<{ state: string; reason: string }>;
  } finally {
    db.close();
  }
}

test("a trader's halt survives a clean stop: the next start is HALTED and says why", async (t) => {
  const dbPath = join(tempDir(t), 'live.sqlite');
  await withEngine(dbPath, async (engine) => {
    assert.equal(engine.state().killSwitch.state, 'ACTIVE', 'a fresh database starts ACTIVE');
    const ack = engine.command({ type: 'setKillSwitch', on: true, reason: 'news in 5 minutes' });
    assert.equal(ack.ok, true);
    await until('the halt row on disk', () =>
      killSwitchRows(dbPath).some((row) => row.state === 'HALTED'),
    );
  });
  const restarted = await withEngine(dbPath, (engine) => engine.state());
  assert.equal(restarted.killSwitch.state, 'HALTED');
  assert.equal(
    restarted.killSwitch.reason,
    'halted by the trader before the last quit: news in 5 minutes',
  );
  assert.equal(restarted.killSwitch.source, 'trader');

  // Re-armed, stopped, started: ACTIVE again (the last record wins).
  await withEngine(dbPath, async (engine) => {
    assert.equal(engine.command({ type: 'setKillSwitch', on: false, reason: 're-arm' }).ok, true);
    await until('the re-arm row on disk', () => killSwitchRows(dbPath).at(-1)?.state === 'ACTIVE');
  });
  const rearmed = await withEngine(dbPath, (engine) => engine.state());
  assert.equal(rearmed.killSwitch.state, 'ACTIVE');
});

for (const layout of ENGINE_LAYOUTS) {
  test(`reduce only survives a clean stop like the kill switch (layout ${layout}), and the kill switch still outranks it`, async (t) => {
    const dbPath = join(tempDir(t), 'live.sqlite');
    const layoutConfig = validateConfig({
      market: { url: 'ws://127.0.0.1:9', rest_url: 'http://127.0.0.1:9' },
      metrics: { port: 0 },
      engine: { layout },
    });
    const run = <T>(body: (engine: EngineRuntime) => Promise<T> | T): Promise<T> =>
      withEngine(dbPath, body, undefined, layoutConfig);

    await run(async (engine) => {
      const ack = engine.command({ type: 'setReduceOnly', on: true, reason: 'earnings at 16:00' });
      assert.equal(ack.ok, true);
      assert.equal(engine.state().killSwitch.state, 'REDUCING');
      await until(
        'the reduce-only row on disk',
        () => killSwitchRows(dbPath).at(-1)?.state === 'REDUCING',
      );
    });

    // The next start is REDUCING: the word every thread reads, and the window's view.
    await run(async (engine) => {
      assert.equal(engine.control.tradingState(), TradingStateCode.REDUCING);
      const view = engine.state().killSwitch;
      assert.equal(view.state, 'REDUCING');
      assert.equal(
        view.reason,
        'set to reduce only by the trader before the last quit: earnings at 16:00',
      );
      assert.equal(view.source, 'trader');
      // The trading thread acts on it: with no position, a buy can only grow one.
      const ack = engine.command({
        type: 'placeOrder',
        symbol: 'BTCUSDT',
        side: 'Buy',
        orderType: 'Limit',
        price: '100.00',
        qty: '0.001',
      });
      assert.ok(ack.ok && ack.orderId !== undefined);
      const refused = await until('the refused order in the window', () =>
        engine
          .state()
          .orders.find((o) => o.orderId === (ack.ok ? ack.orderId : -1) && o.status === 'Rejected'),
      );
      assert.equal(refused.reason, 'reducing_only');
      // The kill switch outranks it, and that too is what the next start restores.
      assert.equal(
        engine.command({ type: 'setKillSwitch', on: true, reason: 'fire drill' }).ok,
        true,
      );
      await until('the halt row on disk', () => killSwitchRows(dbPath).at(-1)?.state === 'HALTED');
    });

    await run(async (engine) => {
      assert.equal(engine.state().killSwitch.state, 'HALTED');
      assert.equal(
        engine.command({ type: 'setReduceOnly', on: true, reason: 'not while halted' }).ok,
        false,
      );
      // Re-arming from HALTED returns to full trading, whatever came before the halt.
      assert.equal(engine.command({ type: 'setKillSwitch', on: false, reason: 're-arm' }).ok, true);
      assert.equal(engine.state().killSwitch.state, 'ACTIVE');
      await until(
        'the re-arm row on disk',
        () => killSwitchRows(dbPath).at(-1)?.state === 'ACTIVE',
      );
    });
    const rearmed = await run((engine) => engine.state().killSwitch);
    assert.equal(rearmed.state, 'ACTIVE');
  });
}

test('a crash restart is HALTED with the crash reason whatever was recorded', async (t) => {
  const dbPath = join(tempDir(t), 'live.sqlite');
  await withEngine(dbPath, () => undefined);
  const state = await withEngine(
    dbPath,
    (engine) => engine.state(),
    'the engine process was killed by SIGKILL unexpectedly',
  );
  assert.equal(state.killSwitch.state, 'HALTED');
  assert.match(state.killSwitch.reason, /SIGKILL/);
  await until('the crash halt on disk', () =>
    killSwitchRows(dbPath).some((row) => /SIGKILL/.test(row.reason)),
  );
});

test('a damaged database is moved aside (never overwritten), a fresh one is used, and the engine starts HALTED saying so', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'live.sqlite');
  // A real database with enough rows to span many pages, then 20 pages overwritten.
  const db = openDatabase(dbPath);
  const insert = db.prepare(
    'INSERT INTO trades (trade_id, order_id, strategy_id, symbol, side, price, quantity, timestamp_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 1; i <= 20_000; i++)
      insert.run(i, i, 'imbalance_v1', 'BTCUSDT', 'Buy', 60000 + i / 100, 0.001, i * 1000);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const pageSize = 4096;
  const pages = Math.floor(statSync(dbPath).size / pageSize);
  assert.ok(pages > 40, `the database has ${pages} pages`);
  const fd = openSync(dbPath, 'r+');
  const garbage = Buffer.alloc(pageSize, 0xa5);
  for (let k = 0; k < 20; k++) writeSync(fd, garbage, 0, pageSize, (2 + k * 2) * pageSize);
  closeSync(fd);

  let state: EngineState | null = null;
  await withEngine(dbPath, async (engine) => {
    state = engine.state();
    assert.equal(engine.command({ type: 'setKillSwitch', on: false, reason: 'checked' }).ok, true);
    await until(
      'the re-arm row in the fresh file',
      () => killSwitchRows(dbPath).at(-1)?.state === 'ACTIVE',
    );
  });
  const started = state as unknown as EngineState;
  assert.equal(started.killSwitch.state, 'HALTED');
  assert.match(
    started.killSwitch.reason,
    /was damaged \(quick_check found \d+\+? problems?, first: /,
  );
  console.log(`20 damaged pages: ${started.killSwitch.reason}`);
  const aside = readdirSync(dir).filter((name) => name.startsWith('live.sqlite.damaged-'));
  assert.equal(aside.filter((name) => !/-(wal|shm)$/.test(name)).length, 1);
  assert.ok(
    started.killSwitch.reason.includes(
      join(
        dir,
        aside.find((n) => !/-(wal|shm)$/.test(n))!,
      ),
    ),
  );
  // The fresh file holds only this run's rows; the damaged one was not touched.
  const fresh = new Database(dbPath, { readonly: true });
  assert.equal((fresh.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n, 0);
  fresh.close();

  // A second damage is moved aside next to the first, never over it.
  const fd2 = openSync(dbPath, 'r+');
  writeSync(fd2, Buffer.alloc(100, 0x5a), 0, 100, 0);
  closeSync(fd2);
  const again = await withEngine(dbPath, (engine) => engine.state());
  assert.equal(again.killSwitch.state, 'HALTED');
  const damagedFiles = readdirSync(dir).filter(
    (name) => name.startsWith('live.sqlite.damaged-') && !/-(wal|shm)$/.test(name),
  );
  assert.equal(damagedFiles.length, 2, damagedFiles.join(', '));
});

test('an unusable database path is an error that names the path', (t) => {
  const dir = tempDir(t);
  for (const dbPath of [join(dir, 'missing-folder', 'live.sqlite'), dir]) {
    assert.throws(
      () => EngineRuntime.start({ mode: 'live', config, dbPath }),
      (error: Error) => error.message.startsWith(`cannot use the database ${dbPath}: `),
    );
  }
});

test('cancelOrder for an id that is not an open order is refused with the reason', async (t) => {
  const dbPath = join(tempDir(t), 'live.sqlite');
  await withEngine(dbPath, async (engine) => {
    // Once the execution thread reported its (empty) order list, the id is known not to exist.
    await until('the first order list', () => {
      const ack = engine.command({ type: 'cancelOrder', orderId: 424242 });
      return ack.ok ? false : ack;
    }).then((ack) => {
      assert.equal(ack.ok, false);
      assert.equal(!ack.ok && ack.reason, 'no open order 424242; nothing was cancelled');
    });
  });
});
