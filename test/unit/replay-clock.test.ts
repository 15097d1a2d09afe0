import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayClock } from '../../main/engine/process/replay-clock.js';
import { configAt, gridPoints, parseSweepAxis } from '../../main/engine/report/sweep-grid.js';
import { validateConfig } from '../../shared/config.js';

/**
 * The replay clock as the recording's reader uses it: a fake reader of lines, every
 * other one a book update, driven through pause, step and speed changes.
 */
function reader(clock: ReplayClock, lines: number, stepUs = 100_000) {
  let read = 0;
  let bookUpdates = 0;
  let stopped = false;
  const done = (async () => {
    for (let i = 0; i < lines && !stopped; i++) {
      const tsUs = 1_000_000 + i * stepUs;
      const wait = clock.pace(tsUs, () => stopped);
      if (wait !== null) await wait;
      if (stopped) break;
      read++;
      if (i % 2 === 1) bookUpdates++;
      clock.passed(tsUs, bookUpdates);
    }
    clock.finish();
  })();
  return {
    done,
    get read() {
      return read;
    },
    stop() {
      stopped = true;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('max speed never waits: pace answers null and every line goes', async () => {
  const clock = ReplayClock.create(0);
  assert.equal(
    clock.pace(1, () => false),
    null,
  );
  const r = reader(clock, 1000);
  await r.done;
  assert.equal(r.read, 1000);
  assert.equal(clock.bookUpdates, 500);
  assert.ok(clock.finished);
});

test('paused, nothing is read and the clock stands; a step releases exactly one book update', async () => {
  const clock = ReplayClock.create(0, true);
  const r = reader(clock, 100);
  await sleep(50);
  assert.equal(r.read, 0, 'a paused replay reads nothing');
  assert.ok(Number.isNaN(clock.tsUs));
  for (let step = 1; step <= 3; step++) {
    clock.step();
    await until(() => clock.bookUpdates === step && clock.pendingSteps === 0, `step ${step}`);
    await sleep(30);
    assert.equal(clock.bookUpdates, step, 'one book update per step, then it holds');
  }
  const heldAt = clock.tsUs;
  await sleep(50);
  assert.equal(clock.tsUs, heldAt);
  clock.setPaused(false);
  await r.done;
  assert.equal(clock.bookUpdates, 50);
});

test('a pause while playing at 1× stops the recording clock, play resumes it', async () => {
  // 100 ms of recording per line at 1×: ten lines a second.
  const clock = ReplayClock.create(1);
  const r = reader(clock, 1000);
  await until(() => r.read >= 2, 'a couple of lines');
  clock.setPaused(true);
  await sleep(150);
  const pausedRead = r.read;
  await sleep(300);
  assert.equal(r.read, pausedRead, 'no line while paused');
  clock.setSpeed(0);
  clock.setPaused(false);
  await r.done;
  assert.equal(r.read, 1000);
});

test('sweep keys: window names, dotted paths, and a bad value named with its key', () => {
  const base = validateConfig({});
  assert.equal(
    parseSweepAxis('imbalance_threshold=0.2,0.3', base).path,
    'strategy.params.imbalance_threshold',
  );
  assert.equal(
    parseSweepAxis('max_order_size=0.1', base).path,
    'strategy.risk_limits.max_order_size',
  );
  assert.equal(parseSweepAxis('execution.slippage_bps=1,2', base).path, 'execution.slippage_bps');
  assert.throws(() => parseSweepAxis('imbalance_threshold=0.2,abc', base), /"abc" is not a number/);
  assert.throws(
    () => parseSweepAxis('strategy.symbols=1', base),
    /not a numeric configuration value/,
  );
  const axes = [
    parseSweepAxis('imbalance_threshold=0.2,0.3', base),
    parseSweepAxis('min_confidence=0.1,0.5', base),
  ];
  assert.equal(gridPoints(axes).length, 4);
  assert.throws(
    () => configAt(base, { 'strategy.params.imbalance_threshold': 2 }),
    /strategy\.params\.imbalance_threshold/,
  );
});
