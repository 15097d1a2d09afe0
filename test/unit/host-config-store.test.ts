import os from 'node:os';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../../shared/config.js';
import {
  createConfigStore,
  defaultConfigFilled,
  readConfigText,
  resolvePersistencePath,
} from '../../main/host/config-store.js';
import { makeTempDir } from '../temp-dirs.js';

/** An absolute folder made at run time (never a path of one machine written in the tree). */
const FAR_AWAY = path.resolve(os.tmpdir(), 'lockstep-elsewhere');

const tempDir = (): string => makeTempDir('lockstep-host-config-');

const DESIGN_EXAMPLE = `
[market]
url = "ws://127.0.0.1:9443"
rest_url = "http://127.0.0.1:9443"
[strategy]
strategy_id = "imbalance_v1"
symbols = ["BTCUSDT"]
paper_trading = true
enable_ml = false
[strategy.params]
depth_levels = 5
imbalance_decay = 0.9
momentum_decay = 0.9
imbalance_threshold = 0.3
min_confidence = 0.7
feature_window_ms = 1000
max_position_size = 1.0
[strategy.risk_limits]
max_position_size = 1.0
max_order_size = 0.5
max_notional_exposure = 100000.0
max_orders_per_second = 10
[persistence]
path = "lockstep.sqlite"
[metrics]
port = 9464
`;

function configErrorText(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

test('the DESIGN.md §6 example reads as the defaults', () => {
  assert.deepEqual(readConfigText(DESIGN_EXAMPLE), defaultConfigFilled());
});

test('a file with only some tables gets every other value from the defaults', () => {
  const config = readConfigText(
    '[metrics]\nport = 0\n[strategy.params]\nimbalance_threshold = 0.4\n',
  );
  assert.equal(config.metrics.port, 0);
  assert.equal(config.strategy.params.imbalance_threshold, 0.4);
  assert.equal(config.strategy.params.depth_levels, 5);
  assert.equal(config.strategy.risk_limits.max_order_size, 0.5);
  assert.equal(config.market.url, 'ws://127.0.0.1:9443');
  assert.equal(config.engine.wait_strategy, 'hybrid');
  assert.equal(config.execution.seed, 42);
});

test('a bad value is refused with a message naming the key and its range', () => {
  const message = configErrorText(() =>
    readConfigText('[strategy.params]\nimbalance_threshold = 1.5\n'),
  );
  assert.match(
    message,
    /strategy\.params\.imbalance_threshold must be a number with 0 < imbalance_threshold < 1; got 1\.5/,
  );
  const integer = configErrorText(() =>
    readConfigText('[strategy.risk_limits]\nmax_orders_per_second = 0\n'),
  );
  assert.match(
    integer,
    /strategy\.risk_limits\.max_orders_per_second must be an integer with 1 ≤ max_orders_per_second ≤ 10000; got 0/,
  );
  const port = configErrorText(() => readConfigText('[metrics]\nport = 70000\n'));
  assert.match(port, /metrics\.port .*≤ 65535; got 70000/);
});

test('a wrong type, an unknown key and a cross-field violation each name their key', () => {
  assert.match(
    configErrorText(() => readConfigText('[strategy.params]\ndepth_levels = "five"\n')),
    /strategy\.params\.depth_levels .*got "five"/,
  );
  assert.match(
    configErrorText(() => readConfigText('[strategy]\nsymbolz = ["BTCUSDT"]\n')),
    /strategy: unknown key\(s\) symbolz/,
  );
  assert.match(
    configErrorText(() => readConfigText('[strategy.risk_limits]\nmax_order_size = 2.0\n')),
    /strategy\.risk_limits\.max_order_size \(2\) must not exceed strategy\.risk_limits\.max_position_size \(1\)/,
  );
  assert.match(
    configErrorText(() => readConfigText('[strategy]\npaper_trading = false\n')),
    /paper_trading must be true/,
  );
});

test('a TOML syntax error names the line and column', () => {
  const message = configErrorText(() =>
    readConfigText('[metrics]\nport = 9464\n[strategy.params\ndepth_levels = 5\n'),
  );
  assert.match(message, /TOML syntax error at line 3, column \d+/);
});

test('a missing file gives the defaults and is not created by reading', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'lockstep.toml');
  const store = createConfigStore(file);
  assert.deepEqual(await store.load(), defaultConfigFilled());
  assert.deepEqual(readdirSync(dir), []);
});

test('a bad file is refused with the file path and the key, and loads nothing', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'lockstep.toml');
  writeFileSync(file, '[strategy.params]\nmin_confidence = -1\n');
  const store = createConfigStore(file);
  await assert.rejects(store.load(), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(
      error.message,
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: strategy\\.params\\.min_confidence must be a number with 0 ≤ min_confidence ≤ 1; got -1`,
      ),
    );
    return true;
  });
  assert.deepEqual(store.current(), defaultConfigFilled());
});

test('an unreadable config path is a clear error', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'is-a-directory.toml');
  mkdirSync(file);
  await assert.rejects(
    createConfigStore(file).load(),
    /cannot read the config file .*is-a-directory\.toml/,
  );
});

function edited(base: Config, threshold: number, maxOrder: number, url: string): Config {
  return {
    ...base,
    market: { ...base.market, url },
    persistence: { path: path.join(FAR_AWAY, 'resolved.sqlite') },
    strategy: {
      ...base.strategy,
      params: { ...base.strategy.params, imbalance_threshold: threshold },
      risk_limits: { ...base.strategy.risk_limits, max_order_size: maxOrder },
    },
  };
}

test('a live edit is written back atomically and a fresh read keeps it; run-only overrides are not saved', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'conf', 'lockstep.toml');
  const store = createConfigStore(file);
  const loaded = await store.load();
  await store.persistLiveEdit(edited(loaded, 0.45, 0.25, 'ws://127.0.0.1:50123'));
  const reread = await createConfigStore(file).load();
  assert.equal(reread.strategy.params.imbalance_threshold, 0.45);
  assert.equal(reread.strategy.risk_limits.max_order_size, 0.25);
  assert.equal(reread.market.url, 'ws://127.0.0.1:9443', 'the simulator override is not saved');
  assert.equal(
    reread.persistence.path,
    'lockstep.sqlite',
    'the resolved database path is not saved',
  );
  assert.deepEqual(
    readdirSync(path.dirname(file)),
    ['lockstep.toml'],
    'no temp file is left behind',
  );
});

test('a burst of edits ends with the newest on disk', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'lockstep.toml');
  writeFileSync(file, DESIGN_EXAMPLE);
  const store = createConfigStore(file);
  const loaded = await store.load();
  const saves = [0.31, 0.32, 0.33, 0.34, 0.35].map((t) =>
    store.persistLiveEdit(edited(loaded, t, 0.5, loaded.market.url)),
  );
  await Promise.all(saves);
  await store.flush();
  assert.equal(
    readConfigText(readFileSync(file, 'utf8')).strategy.params.imbalance_threshold,
    0.35,
  );
});

test('live edits spread over time are coalesced: 100 edits 5 ms apart rewrite the file once, with the newest values', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'lockstep.toml');
  writeFileSync(file, DESIGN_EXAMPLE);
  // A window longer than the burst, so the count does not depend on the machine's speed.
  const store = createConfigStore(file, { coalesceMs: 60_000 });
  const loaded = await store.load();
  const saves: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) {
    saves.push(store.persistLiveEdit(edited(loaded, 0.3 + i / 1000, 0.5, loaded.market.url)));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(store.writes, 0, 'nothing is written while the window is open');
  await store.flush();
  await Promise.all(saves);
  assert.equal(store.writes, 1);
  assert.equal(
    readConfigText(readFileSync(file, 'utf8')).strategy.params.imbalance_threshold,
    0.399,
  );
});

test('an invalid config from the engine is refused and the file is left as it was', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'lockstep.toml');
  writeFileSync(file, DESIGN_EXAMPLE);
  const store = createConfigStore(file);
  const loaded = await store.load();
  await assert.rejects(
    store.persistLiveEdit(edited(loaded, 0.3, 5, loaded.market.url)),
    /live edit not saved[\s\S]*max_order_size/,
  );
  assert.equal(readFileSync(file, 'utf8'), DESIGN_EXAMPLE);
  assert.deepEqual(store.current(), loaded);
});

test('a relative database path resolves against the data dir; an absolute one is kept', () => {
  const config = defaultConfigFilled();
  const dataDir = path.join(FAR_AWAY, 'data');
  assert.equal(
    resolvePersistencePath(config, path.join(dataDir, 'lockstep')),
    path.join(dataDir, 'lockstep', 'lockstep.sqlite'),
  );
  assert.equal(
    resolvePersistencePath({ ...config, persistence: { path: 'db/x.sqlite' } }, dataDir),
    path.join(dataDir, 'db', 'x.sqlite'),
  );
  const absolute = path.join(FAR_AWAY, 'abs', 'y.sqlite');
  assert.equal(
    resolvePersistencePath({ ...config, persistence: { path: absolute } }, dataDir),
    absolute,
  );
});
