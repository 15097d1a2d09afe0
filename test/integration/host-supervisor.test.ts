import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigFilled as defaultConfig } from '../../main/host/config-store.js';
import type { EngineToHost } from '../../shared/engine-protocol.js';
import {
  createEngineSupervisor,
  type EngineSupervisorOptions,
} from '../../main/host/engine-supervisor.js';
import {
  captureLogger,
  FAKE_ENGINE_PATH,
  fakeEngineEnv,
  isAlive,
  recordingFork,
  waitFor,
} from './host-helpers.js';

/** The data folder the fake engine is told about; it only echoes it, never creates it. */
const DATA_DIR = join(tmpdir(), 'lockstep-supervisor-test');

function supervisorWith(overrides: Partial<EngineSupervisorOptions> = {}) {
  const { fork, sent, pids } = recordingFork();
  const { logger, lines } = captureLogger();
  const config = defaultConfig();
  const supervisor = createEngineSupervisor({
    fork,
    enginePath: FAKE_ENGINE_PATH,
    logger,
    startMessage: (restartReason) => ({
      kind: 'start',
      config,
      dataDir: DATA_DIR,
      ...(restartReason ? { restartReason } : {}),
    }),
    backoff: { initialMs: 50, maxMs: 200, stableMs: 60_000 },
    shutdownTimeoutMs: 2000,
    ...overrides,
  });
  const messages: EngineToHost[] = [];
  supervisor.onMessage((message) => messages.push(message));
  return { supervisor, sent, pids, lines, messages };
}

test('a SIGKILLed engine is restarted with a restartReason, comes back halted, and the restart is counted', async () => {
  const { supervisor, sent, pids, messages } = supervisorWith();
  await supervisor.start();
  assert.equal(supervisor.status().phase, 'running');
  assert.equal(supervisor.status().restarts, 0);
  const firstStart = sent.find((m) => m.kind === 'start');
  assert.ok(firstStart && firstStart.kind === 'start');
  assert.equal(firstStart.restartReason, undefined);

  const phases: string[] = [];
  supervisor.onStatus((status) => phases.push(status.phase));
  process.kill(pids[0]!, 'SIGKILL');
  await waitFor(
    'the restarted engine to be running',
    () => supervisor.status().phase === 'running' && supervisor.status().restarts === 1,
  );
  assert.ok(phases.includes('restarting'), `phases seen: ${phases.join(', ')}`);
  assert.equal(pids.length, 2);
  assert.notEqual(pids[1], pids[0]);
  assert.ok(!isAlive(pids[0]!));

  const starts = sent.filter((m) => m.kind === 'start');
  assert.equal(starts.length, 2);
  const restart = starts[1]!;
  assert.ok(restart.kind === 'start' && restart.restartReason);
  assert.match(restart.restartReason, /SIGKILL/);
  assert.equal(supervisor.status().lastFailure, restart.restartReason);

  // The engine's own state after the restart says HALTED and why.
  const halted = await waitFor('a halted state from the restarted engine', () =>
    messages.find((m) => m.kind === 'state' && m.state.killSwitch.state === 'HALTED'),
  );
  assert.ok(halted.kind === 'state');
  assert.equal(halted.state.killSwitch.reason, restart.restartReason);
  assert.equal(halted.state.killSwitch.source, 'engine');

  await supervisor.stop();
  assert.equal(supervisor.status().phase, 'stopped');
});

test('a restart that fails the same way 3 times (a database that cannot be opened) stops retrying and says why', async () => {
  const { supervisor, pids } = supervisorWith({ env: fakeEngineEnv('fatal-on-restart') });
  await supervisor.start();
  process.kill(pids[0]!, 'SIGKILL');
  await waitFor('the supervisor to give up', () => supervisor.status().gaveUp);
  const status = supervisor.status();
  assert.equal(status.phase, 'stopped');
  assert.equal(status.pid, null);
  assert.match(status.lastFailure ?? '', /^the engine is not running: it failed 3 times in a row/);
  assert.match(status.lastFailure ?? '', /cannot open the database/);
  // The first run plus 3 identical failed restarts, then no more.
  assert.equal(pids.length, 4);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(pids.length, 4, 'no restart after giving up');
  // A new start by the trader tries again (and clears the verdict).
  await supervisor.start();
  assert.equal(supervisor.status().gaveUp, false);
  await supervisor.stop();
});

test('repeated kills from outside are always restarted (a signal is never a repeated failure)', async () => {
  const { supervisor, pids } = supervisorWith();
  await supervisor.start();
  for (let kill = 1; kill <= 4; kill++) {
    process.kill(pids[kill - 1]!, 'SIGKILL');
    await waitFor(
      `restart ${kill}`,
      () => supervisor.status().phase === 'running' && supervisor.status().restarts === kill,
    );
  }
  assert.equal(supervisor.status().gaveUp, false);
  await supervisor.stop();
});

test('a clean stop sends shutdown, waits for stopped, and does not restart', async () => {
  const { supervisor, sent, pids, messages } = supervisorWith();
  await supervisor.start();
  await supervisor.stop();
  assert.equal(sent.at(-1)?.kind, 'shutdown');
  assert.ok(messages.some((m) => m.kind === 'stopped'));
  assert.equal(supervisor.status().phase, 'stopped');
  assert.ok(!isAlive(pids[0]!));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(pids.length, 1, 'no restart after a clean stop');
  assert.equal(supervisor.status().restarts, 0);
  assert.equal(supervisor.send({ kind: 'shutdown' }), false, 'nothing is sent to a stopped engine');
});

test('an engine that ignores shutdown is killed after the timeout', async () => {
  const { supervisor, pids, lines } = supervisorWith({
    env: fakeEngineEnv('ignore-shutdown'),
    shutdownTimeoutMs: 300,
  });
  await supervisor.start();
  await supervisor.stop();
  assert.ok(!isAlive(pids[0]!));
  assert.equal(supervisor.status().phase, 'stopped');
  assert.ok(lines.some((line) => /did not stop within 300 ms; killing it/.test(line.msg)));
});

test('a first start that dies before ready rejects with the reason instead of looping', async () => {
  const { supervisor, pids } = supervisorWith({ env: fakeEngineEnv('exit-on-start') });
  await assert.rejects(supervisor.start(), /exited with code 3 before it was ready/);
  assert.equal(supervisor.status().phase, 'stopped');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(pids.length, 1);
});

test('a fatal error at start is reported in the rejection', async () => {
  const { supervisor } = supervisorWith({ env: fakeEngineEnv('fatal-on-start') });
  await assert.rejects(supervisor.start(), /fatal error: fake engine told to fail at start/);
});

test('engine log messages and stderr go to the host logger', async () => {
  const { supervisor, lines } = supervisorWith();
  await supervisor.start();
  await waitFor('the engine stderr line in the log', () =>
    lines.some((line) => /fake engine on stderr/.test(line.msg)),
  );
  const logged = lines.find((line) => line.msg === 'fake engine started');
  assert.ok(logged, 'the engine log message was logged');
  assert.equal(logged.engine, true);
  assert.equal(logged.dataDir, DATA_DIR);
  const stderrLine = lines.find((line) => /fake engine on stderr/.test(line.msg))!;
  assert.equal(stderrLine.level, 40, 'stderr is logged as a warning');
  await supervisor.stop();
});

test('a missing engine module fails the start with a clear reason', async () => {
  const { supervisor } = supervisorWith({ enginePath: '/nonexistent/engine-main.js' });
  await assert.rejects(supervisor.start(), /before it was ready/);
});
