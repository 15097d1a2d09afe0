import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfigFilled as defaultConfig } from '../../main/host/config-store.js';
import type { HostToEngine } from '../../shared/engine-protocol.js';
import { Backoff } from '../../shared/backoff.js';
import {
  createEngineSupervisor,
  DEFAULT_RESTART_POLICY,
  type SupervisorClock,
} from '../../main/host/engine-supervisor.js';
import type { EngineChild } from '../../main/host/engine-child.js';
import { pino } from 'pino';

test('restart delays double from 0.5 s to a 10 s ceiling, with no jitter', () => {
  const backoff = new Backoff(DEFAULT_RESTART_POLICY);
  const delays = Array.from({ length: 8 }, () => backoff.nextDelayMs());
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  assert.equal(DEFAULT_RESTART_POLICY.stableMs, 60_000, 'a stable minute resets (tested below)');
});

/** A clock whose timers fire only when the test advances it. */
function manualClock(): SupervisorClock & { advance(ms: number): void } {
  let now = 0;
  let nextHandle = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const handle = nextHandle++;
      timers.set(handle, { at: now + ms, callback });
      return handle;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= target)
          .sort((x, y) => x[1].at - y[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = target;
    },
  };
}

/** An in-memory engine child: answers 'start' with 'ready', and the test makes it exit. */
class FakeChild implements EngineChild {
  readonly sent: HostToEngine[] = [];
  private messageListener: (message: unknown) => void = () => undefined;
  private exitListener: (code: number | null, signal: string | null) => void = () => undefined;
  constructor(readonly pid: number) {}
  send(message: HostToEngine): void {
    this.sent.push(message);
    if (message.kind === 'start')
      queueMicrotask(() => this.messageListener({ kind: 'ready', metricsPort: 9464 }));
    if (message.kind === 'shutdown') queueMicrotask(() => this.exit(0, null));
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListener = listener;
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListener = listener;
  }
  kill(signal?: NodeJS.Signals): void {
    queueMicrotask(() => this.exit(null, signal ?? 'SIGTERM'));
  }
  exit(code: number | null, signal: string | null): void {
    this.exitListener(code, signal);
  }
  emit(message: unknown): void {
    this.messageListener(message);
  }
}

test('the supervisor waits the backoff before each restart and counts restarts', async () => {
  const clock = manualClock();
  const children: FakeChild[] = [];
  const supervisor = createEngineSupervisor({
    fork: () => {
      const child = new FakeChild(1000 + children.length);
      children.push(child);
      return child;
    },
    enginePath: 'engine.js',
    logger: pino({ level: 'silent' }),
    startMessage: (restartReason) => ({
      kind: 'start',
      config: defaultConfig(),
      dataDir: '/d',
      ...(restartReason ? { restartReason } : {}),
    }),
    clock,
  });
  await supervisor.start();
  assert.equal(supervisor.status().metricsPort, 9464);

  const expected = [500, 1000, 2000];
  for (const [i, delay] of expected.entries()) {
    children.at(-1)!.exit(null, 'SIGSEGV');
    assert.equal(supervisor.status().phase, 'restarting');
    assert.equal(supervisor.status().restartInMs, delay);
    clock.advance(delay - 1);
    assert.equal(children.length, i + 1, `no restart before ${delay} ms`);
    clock.advance(1);
    assert.equal(children.length, i + 2, `restart at ${delay} ms`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(supervisor.status().phase, 'running');
    assert.equal(supervisor.status().restarts, i + 1);
    const start = children.at(-1)!.sent[0]!;
    assert.ok(start.kind === 'start');
    assert.equal(start.restartReason, 'the engine process was killed by SIGSEGV unexpectedly');
  }

  // A stable minute later, a crash restarts after 0.5 s again.
  clock.advance(60_000);
  children.at(-1)!.exit(1, null);
  assert.equal(supervisor.status().restartInMs, 500);
  assert.match(supervisor.status().lastFailure ?? '', /exited with code 1 unexpectedly/);

  // Stopping during the wait cancels the restart.
  await supervisor.stop();
  clock.advance(10_000);
  assert.equal(children.length, 4);
  assert.equal(supervisor.status().phase, 'stopped');
});

test('an engine that never says ready is killed after the ready timeout and restarted', async () => {
  const clock = manualClock();
  const children: FakeChild[] = [];
  let silent = true;
  const supervisor = createEngineSupervisor({
    fork: () => {
      const child = new FakeChild(children.length);
      if (silent) child.onMessage = () => undefined; // never hears its own 'ready'
      children.push(child);
      return child;
    },
    enginePath: 'engine.js',
    logger: pino({ level: 'silent' }),
    startMessage: () => ({ kind: 'start', config: defaultConfig(), dataDir: '/d' }),
    readyTimeoutMs: 1000,
    clock,
  });
  const started = supervisor.start();
  clock.advance(1000);
  await assert.rejects(started, /did not report ready within 1000 ms/);
  silent = false;
  assert.equal(supervisor.status().phase, 'stopped');
});

test('after a fatal error the restart reason is its first line, without the stack', async () => {
  const clock = manualClock();
  const children: FakeChild[] = [];
  const supervisor = createEngineSupervisor({
    fork: () => {
      const child = new FakeChild(children.length);
      children.push(child);
      return child;
    },
    enginePath: 'engine.js',
    logger: pino({ level: 'silent' }),
    startMessage: (restartReason) => ({
      kind: 'start',
      config: defaultConfig(),
      dataDir: '/d',
      ...(restartReason ? { restartReason } : {}),
    }),
    clock,
  });
  await supervisor.start();
  children[0]!.emit({
    kind: 'fatal',
    error: 'market thread failed: socket closed\nError: socket closed\n    at feed.js:1:1',
  });
  children[0]!.exit(1, null);
  clock.advance(500);
  const start = children[1]!.sent[0]!;
  assert.ok(start.kind === 'start');
  assert.equal(
    start.restartReason,
    'the engine stopped after a fatal error: market thread failed: socket closed',
  );
  await supervisor.stop();
});
