import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { EngineState } from '../../shared/api.js';
import { ConfigError } from '../../shared/config.js';
import { createHost, type HostOptions } from '../../main/host/host.js';
import { readConfigText } from '../../main/host/config-store.js';
import {
  captureLogger,
  FAKE_ENGINE_PATH,
  fakeEngineEnv,
  recordingFork,
  waitFor,
} from './host-helpers.js';
import { makeTempDir } from '../temp-dirs.js';

function hostWith(overrides: Partial<HostOptions> = {}) {
  const dir = makeTempDir('lockstep-host-facade-');
  const { fork, sent, pids } = recordingFork();
  const { logger, lines } = captureLogger();
  const host = createHost({
    fork,
    enginePath: FAKE_ENGINE_PATH,
    configPath: path.join(dir, 'lockstep.toml'),
    dataDir: path.join(dir, 'data'),
    logger,
    backoff: { initialMs: 50, maxMs: 200, stableMs: 60_000 },
    ...overrides,
  });
  return { host, dir, sent, pids, lines };
}

test('state reaches every subscriber; commands are acked; the running config resolves the database under the data dir', async () => {
  const { host, dir, sent } = hostWith();
  await host.start();
  const a: EngineState[] = [];
  const b: EngineState[] = [];
  host.onState((state) => a.push(state));
  host.onState((state) => b.push(state));
  await waitFor('states for both subscribers', () => a.length >= 3 && b.length >= 3);
  assert.equal(a.at(-1)!.engineRunning, true);
  assert.equal(a.at(-1)!.health.restarts, 0);
  assert.equal(host.config().persistence.path, path.join(dir, 'data', 'lockstep.sqlite'));
  const start = sent.find((m) => m.kind === 'start');
  assert.ok(start && start.kind === 'start');
  assert.equal(start.dataDir, path.join(dir, 'data'));
  assert.equal(start.config.persistence.path, path.join(dir, 'data', 'lockstep.sqlite'));

  const ack = await host.send({ type: 'setKillSwitch', on: true, reason: 'manual halt' });
  assert.deepEqual(ack, { ok: true });
  await waitFor('a halted state', () => host.latestState()?.killSwitch.state === 'HALTED');
  assert.equal(host.latestState()!.killSwitch.reason, 'manual halt');
  await host.stop();
});

test('malformed commands are refused with a reason and never reach the engine', async () => {
  const { host, sent } = hostWith();
  await host.start();
  const before = sent.length;
  const refusals = await Promise.all(
    [
      { type: 'setKillSwitch', on: 1, reason: 'x' },
      { type: 'cancelAll', extra: 1 },
      { type: 'updateParams', patch: { imbalance_threshold: 'NaN' } },
      { type: 'setKillSwitch', on: true },
      { type: 'setKillSwitch', on: true, reason: 'r'.repeat(10_000) },
      { type: 'updateParams', patch: { nope: 1 } },
      'cancelAll',
    ].map((payload) => host.send(payload)),
  );
  for (const ack of refusals) {
    assert.equal(ack.ok, false);
    assert.ok(!ack.ok && ack.reason.startsWith('invalid command: '), JSON.stringify(ack));
  }
  assert.equal(sent.length, before, 'nothing was sent to the engine');
  await host.stop();
});

test('a live edit is acked, persisted to the TOML file, and survives a new host; run-only overrides are not saved', async () => {
  const { host, dir } = hostWith({
    configOverrides: (config) => ({
      ...config,
      market: { ...config.market, url: 'ws://127.0.0.1:1' },
    }),
  });
  const configPath = path.join(dir, 'lockstep.toml');
  writeFileSync(configPath, '# trader file\n[strategy.params]\nimbalance_threshold = 0.3\n');
  await host.start();
  assert.equal(host.config().market.url, 'ws://127.0.0.1:1');
  const configs: number[] = [];
  host.onConfig((config) => configs.push(config.strategy.params.imbalance_threshold));

  assert.deepEqual(
    await host.send({ type: 'updateParams', patch: { imbalance_threshold: 0.45 } }),
    { ok: true, detail: 'applied' },
  );
  await waitFor(
    'the edit on disk',
    () =>
      readConfigText(readFileSync(configPath, 'utf8')).strategy.params.imbalance_threshold === 0.45,
  );
  assert.deepEqual(configs, [0.45]);
  assert.equal(host.config().strategy.params.imbalance_threshold, 0.45);

  // A cross-field violation is refused by the engine with the key named, and not saved.
  const refused = await host.send({ type: 'updateRiskLimits', patch: { max_order_size: 2 } });
  assert.ok(
    !refused.ok &&
      /max_order_size \(2\) must not exceed strategy\.risk_limits\.max_position_size/.test(
        refused.reason,
      ),
  );
  await host.stop();

  const saved = readConfigText(readFileSync(configPath, 'utf8'));
  assert.equal(saved.strategy.params.imbalance_threshold, 0.45);
  assert.equal(saved.strategy.risk_limits.max_order_size, 0.5);
  assert.equal(saved.market.url, 'ws://127.0.0.1:9443');

  const again = hostWith({ configPath });
  await again.host.start();
  assert.equal(again.host.config().strategy.params.imbalance_threshold, 0.45);
  const start = again.sent.find((m) => m.kind === 'start');
  assert.ok(start?.kind === 'start' && start.config.strategy.params.imbalance_threshold === 0.45);
  await again.host.stop();
});

test('an engine that never answers gives a timeout ack', async () => {
  const { host } = hostWith({ engineEnv: fakeEngineEnv('no-ack'), ackTimeoutMs: 200 });
  await host.start();
  const ack = await host.send({ type: 'cancelAll' });
  assert.ok(!ack.ok);
  assert.match(ack.reason, /^engine did not answer within 0\.2 s/);
  await host.stop();
});

test('a crash refuses waiting commands, marks the state not running, refuses commands until the restart, which is counted', async (t) => {
  const { host, pids, sent } = hostWith({
    engineEnv: fakeEngineEnv('no-ack'),
    ackTimeoutMs: 30_000,
    // Wide enough that a loaded machine still sends the next command before the restart.
    backoff: { initialMs: 5000, maxMs: 5000, stableMs: 60_000 },
  });
  // A failed assertion must not leave the fake engine (and this file's process) running.
  t.after(() => host.stop());
  await host.start();
  await waitFor('a first state', () => host.latestState());
  // The window shows a live engine, so the crash has a state to mark not running.
  assert.equal(host.latestState()!.engineRunning, true);
  const waiting = host.send({ type: 'flatten' });
  await waitFor('the command to reach the engine', () => sent.some((m) => m.kind === 'command'));
  process.kill(pids[0]!, 'SIGKILL');
  const ack = await waiting;
  assert.ok(!ack.ok && /engine stopped before it acknowledged/.test(ack.reason));
  await waitFor('a not-running state', () => host.latestState()?.engineRunning === false);
  const duringRestart = await host.send({ type: 'cancelAll' });
  assert.ok(
    !duringRestart.ok &&
      /restarting after a failure \(the engine process was killed by SIGKILL unexpectedly\)/.test(
        duringRestart.reason,
      ),
  );

  await waitFor('the restarted engine', () => host.engineStatus().phase === 'running');
  await waitFor(
    'a state from the new run',
    () => host.latestState()?.health.restarts === 1 && host.latestState()?.engineRunning,
  );
  assert.equal(host.latestState()!.killSwitch.state, 'HALTED');
  const restart = sent.filter((m) => m.kind === 'start')[1];
  assert.ok(
    restart?.kind === 'start' &&
      restart.restarts === 1 &&
      /SIGKILL/.test(restart.restartReason ?? ''),
  );
});

test('subscribe is acked by the host at once', async () => {
  const { host, sent } = hostWith();
  await host.start();
  const before = sent.length;
  assert.deepEqual(await host.send({ type: 'subscribe' }), { ok: true, detail: 'subscribed' });
  assert.equal(sent.length, before);
  await host.stop();
});

test('a bad config file stops the start with the key named, and no engine is started', async () => {
  const { host, dir, pids } = hostWith();
  writeFileSync(path.join(dir, 'lockstep.toml'), '[strategy.risk_limits]\nmax_order_size = -1\n');
  await assert.rejects(
    host.start(),
    (error: unknown) => error instanceof ConfigError && /max_order_size/.test(error.message),
  );
  assert.equal(pids.length, 0);
  assert.equal(existsSync(path.join(dir, 'data', 'lockstep.sqlite')), false);
});
