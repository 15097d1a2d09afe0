import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Doorbell } from '../../main/engine/core/doorbell.js';
import { createWaiter } from '../../main/engine/core/wait-strategy.js';
import type { WaitStrategyName } from '../../shared/config.js';

test('doorbell: a ring that finds nobody parked costs no notify', () => {
  const bell = Doorbell.create();
  bell.ring();
  bell.ring();
  assert.equal(bell.wakeCount, 0);
  assert.equal(bell.isParked(), false);
});

test('doorbell: park re-checks for work after flagging itself, and does not sleep when there is some', () => {
  const bell = Doorbell.create();
  let checks = 0;
  const slept = bell.park(() => {
    checks++;
    assert.equal(bell.isParked(), true, 'the re-check happens while flagged parked');
    return true;
  }, 10_000);
  assert.equal(slept, false);
  assert.equal(checks, 1);
  assert.equal(bell.isParked(), false);
  assert.equal(bell.parkCount, 0);
});

test('doorbell: park sleeps until its timeout when nobody rings, and not at all once stopped', () => {
  const bell = Doorbell.create();
  assert.equal(
    bell.park(() => false, 1),
    true,
  );
  assert.equal(bell.parkCount, 1);
  bell.requestStop();
  assert.equal(bell.stopRequested(), true);
  assert.equal(
    bell.park(() => false, 60_000),
    false,
    'a stopped doorbell never parks',
  );
});

test('waiters: spin never parks, block parks on the first idle, hybrid after its spin budget', () => {
  const parks = (strategy: WaitStrategyName, idles: number, spinUs: number): number => {
    const bell = Doorbell.create();
    const waiter = createWaiter(strategy, bell, () => false, { spinUs, parkTimeoutMs: 1 });
    assert.equal(waiter.strategy, strategy);
    for (let i = 0; i < idles; i++) waiter.idle();
    return bell.parkCount;
  };
  assert.equal(parks('spin', 50, 0), 0);
  assert.equal(parks('block', 3, 0), 3);
  // Hybrid with no spin budget: the first idle starts the streak, the next one parks.
  assert.equal(parks('hybrid', 1, 0), 0);
  assert.equal(parks('hybrid', 2, 0), 1);
  // With a huge budget it keeps spinning.
  assert.equal(parks('hybrid', 50, 1e9), 0);
});

test('waiters: hybrid starts a new spin budget after work', () => {
  const bell = Doorbell.create();
  const waiter = createWaiter('hybrid', bell, () => false, { spinUs: 0, parkTimeoutMs: 1 });
  waiter.idle();
  waiter.worked();
  waiter.idle();
  assert.equal(
    bell.parkCount,
    0,
    'work reset the streak, so the second idle only starts a new one',
  );
  waiter.idle();
  assert.equal(bell.parkCount, 1);
});

test('waiters: bad options are refused with a reason', () => {
  const bell = Doorbell.create();
  assert.throws(
    () => createWaiter('nap' as WaitStrategyName, bell, () => false),
    /unknown wait strategy "nap"; use spin, hybrid or block/,
  );
  assert.throws(
    () => createWaiter('hybrid', bell, () => false, { spinUs: -1 }),
    /spinUs must be ≥ 0/,
  );
  assert.throws(
    () => createWaiter('block', bell, () => false, { parkTimeoutMs: 0 }),
    /parkTimeoutMs must be positive/,
  );
  assert.throws(() => new Doorbell(new Int32Array(16)), /must be on a SharedArrayBuffer/);
});
