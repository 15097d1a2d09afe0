import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSimulator, pointAtSimulator } from '../../main/host/simulator-loader.js';
import { defaultConfigFilled } from '../../main/host/config-store.js';

test('a missing simulator is a clear error that says what to do', async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'lockstep-nosim-'));
  await assert.rejects(
    loadSimulator(empty),
    /the built-in simulator is not available \(no startSimulator in .*\); build it, or run without --sim/,
  );
});

test('the simulator module is found and its startSimulator used; the config is pointed at it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-sim-'));
  writeFileSync(path.join(dir, 'index.js'), 'exports.other = 1;\n');
  writeFileSync(
    path.join(dir, 'simulator.js'),
    'exports.startSimulator = async (o) => ({ port: 4242, url: "ws://127.0.0.1:4242", restUrl: "http://127.0.0.1:4242", close() {}, symbols: o.symbols });\n',
  );
  const start = await loadSimulator(dir);
  const sim = await start({ port: 0, symbols: ['ETHUSDT'] });
  assert.equal(sim.port, 4242);
  const config = pointAtSimulator(defaultConfigFilled(), sim);
  assert.equal(config.market.url, 'ws://127.0.0.1:4242');
  assert.equal(config.market.rest_url, 'http://127.0.0.1:4242');
  assert.equal(config.market.snapshot_limit, 1000, 'the rest of [market] is kept');
});
