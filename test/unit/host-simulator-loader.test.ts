import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSimulator, pointAtSimulator } from '../../main/host/simulator-loader.js';
import { defaultConfigFilled } from '../../main/host/config-store.js';
import { makeTempDir } from '../temp-dirs.js';

test('the built simulator loads from its one real module, starts, serves a snapshot, and the config points at it', async () => {
  const start = await loadSimulator();
  const sim = await start({ port: 0, symbols: ['ETHUSDT'], seed: 7 });
  try {
    assert.match(sim.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sim.restUrl, `http://127.0.0.1:${sim.port}`);
    const response = await fetch(`${sim.restUrl}/api/v3/depth?symbol=ETHUSDT&limit=5`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { lastUpdateId: number; bids: unknown[] };
    assert.ok(body.lastUpdateId > 0 && body.bids.length > 0, 'a real depth snapshot');
    const config = pointAtSimulator(defaultConfigFilled(), sim);
    assert.equal(config.market.url, sim.url);
    assert.equal(config.market.rest_url, sim.restUrl);
    assert.equal(config.market.snapshot_limit, 1000, 'the rest of [market] is kept');
  } finally {
    await sim.close();
  }
});

test('a simulator module that is not there is a clear error that says what to do', async () => {
  const absent = join(makeTempDir('lockstep-nosim-'), 'start-simulator.js');
  await assert.rejects(
    loadSimulator(() => import(pathToFileURL(absent).href)),
    /the built-in simulator is not available \(.*start-simulator\.js.*\); build it with `node scripts\/build\.mjs main`, or run without --sim/,
  );
});

test('any other failure while loading the simulator is not disguised as a missing one', async () => {
  const broken = new Error('boom at load time');
  await assert.rejects(
    loadSimulator(() => Promise.reject(broken)),
    (error) => error === broken,
  );
});
