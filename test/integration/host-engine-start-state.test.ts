import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHost } from '../../main/host/host.js';
import { forkNodeEngine } from '../../main/host/node-fork.js';
import type { EngineState } from '../../shared/api.js';
import { captureLogger, waitFor } from './host-helpers.js';

// The host with the real engine process (no exchange: nothing trades), as `headless` runs it.
const ENGINE = path.join(__dirname, '..', '..', 'main', 'engine', 'process', 'engine-main.js');
const CONFIG = `
[market]
url = "ws://127.0.0.1:9"
rest_url = "http://127.0.0.1:9"
[metrics]
port = 0
`;

function hostIn(dir: string, configText = CONFIG) {
  const configPath = path.join(dir, 'lockstep.toml');
  writeFileSync(configPath, configText);
  return createHost({
    fork: forkNodeEngine,
    enginePath: ENGINE,
    configPath,
    dataDir: path.join(dir, 'data'),
    logger: captureLogger().logger,
    backoff: { initialMs: 50, maxMs: 200, stableMs: 60_000 },
  });
}

/**
 * Starts a host on `dir`, waits for its engine's first state, hands both to `use`, and
 * stops the host after whatever happens: each test runs one host, quits, then another.
 */
async function withRunningHost(
  dir: string,
  configText: string,
  waitingFor: string,
  use: (host: ReturnType<typeof hostIn>, state: EngineState) => Promise<void>,
): Promise<void> {
  const host = hostIn(dir, configText);
  await host.start();
  try {
    const state = await waitFor(waitingFor, () => host.latestState() ?? undefined, 20_000);
    await use(host, state);
  } finally {
    await host.stop();
  }
}

test("through the host: a trader's halt, a clean quit, a new start → HALTED with the trader's reason", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-host-halt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = hostIn(dir);
  await first.start();
  try {
    await waitFor('a first state', () => first.latestState() ?? undefined, 20_000);
    assert.equal(first.latestState()!.killSwitch.state, 'ACTIVE');
    const ack = await first.send({ type: 'setKillSwitch', on: true, reason: 'leaving for lunch' });
    assert.equal(ack.ok, true);
    await waitFor('HALTED', () => first.latestState()?.killSwitch.state === 'HALTED', 20_000);
  } finally {
    await first.stop();
  }

  await withRunningHost(dir, CONFIG, 'a state from the new engine', async (_second, state) => {
    assert.equal(state.killSwitch.state, 'HALTED');
    assert.equal(
      state.killSwitch.reason,
      'halted by the trader before the last quit: leaving for lunch',
    );
    assert.equal(state.engineRunning, true);
  });
});

for (const layout of ['hot', 'pipeline'] as const) {
  test(`through the host (layout ${layout}): reduce only, a clean quit, a new start → REDUCING with the trader's reason`, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-host-reducing-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configText = `${CONFIG}[engine]\nlayout = "${layout}"\n`;
    const first = hostIn(dir, configText);
    await first.start();
    try {
      await waitFor('a first state', () => first.latestState() ?? undefined, 20_000);
      const ack = await first.send({
        type: 'setReduceOnly',
        on: true,
        reason: 'closing out the week',
      });
      assert.equal(ack.ok, true);
      await waitFor('REDUCING', () => first.latestState()?.killSwitch.state === 'REDUCING', 20_000);
    } finally {
      await first.stop();
    }

    await withRunningHost(dir, configText, 'a state from the new engine', async (second, state) => {
      assert.equal(state.killSwitch.state, 'REDUCING');
      assert.equal(
        state.killSwitch.reason,
        'set to reduce only by the trader before the last quit: closing out the week',
      );
      assert.equal(state.engineRunning, true);
      // Turning it off from the restored state works like any other time.
      const off = await second.send({ type: 'setReduceOnly', on: false, reason: 'done' });
      assert.equal(off.ok, true);
      await waitFor('ACTIVE', () => second.latestState()?.killSwitch.state === 'ACTIVE', 20_000);
    });
  });
}

test('through the host: a database path that cannot be opened fails the start naming the path', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-host-baddb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const missing = path.join(dir, 'no', 'such', 'folder', 'live.sqlite');
  const host = hostIn(dir, `${CONFIG}\n[persistence]\npath = ${JSON.stringify(missing)}\n`);
  await assert.rejects(host.start(), (error: Error) =>
    error.message.includes(`cannot use the database ${missing}`),
  );
  assert.equal(host.engineStatus().phase, 'stopped');
  await host.stop();
});
