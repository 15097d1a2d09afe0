import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrawdownGuard } from '../../main/engine/strategy/risk/drawdown-guard.js';

const units = (quote: number): number => Math.round(quote * 1e8);

/** Feeds a PnL path (quote currency); returns the index and reason of the first halt. */
function firstHalt(path: readonly number[], maxDrawdown: number): [number, string] | null {
  const guard = new DrawdownGuard();
  for (let i = 0; i < path.length; i++) {
    const reason = guard.observe(units(path[i]!), maxDrawdown);
    if (reason !== null) return [i, reason];
  }
  return null;
}

test('the drawdown is measured from the PnL peak, not from the start', () => {
  // Up to +200, then down to +110: never below the start, but 90 below the peak.
  const path = [0, 50, 200, 150, 110, 130];
  assert.deepEqual(firstHalt(path, 80), [
    4,
    'drawdown 90.00 ≥ max_drawdown 80 (PnL 110.00, peak 200.00)',
  ]);
  assert.equal(firstHalt(path, 100), null);
});

test('it halts exactly at the limit (≥), on losses from the start too', () => {
  assert.deepEqual(firstHalt([0, -40, -99.99, -100], 100)?.[0], 3);
  assert.match(firstHalt([0, -40, -99.99, -100], 100)![1], /^drawdown 100\.00 ≥ max_drawdown 100 /);
});

test('never with no trades (PnL stays 0), never when off (0), and a missing mark is skipped', () => {
  assert.equal(firstHalt(new Array(10_000).fill(0), 0.01), null);
  assert.equal(firstHalt([0, 500, -10_000], 0), null);
  assert.equal(firstHalt([0, 100, Number.NaN, 95], 10), null);
});

test('the peak is kept while the limit is off, and a re-arm measures from that moment', () => {
  const guard = new DrawdownGuard();
  assert.equal(guard.observe(units(300), 0), null);
  assert.match(guard.observe(units(150), 100) ?? '', /drawdown 150\.00/);
  guard.restartPeak();
  assert.equal(guard.observe(units(150), 100), null, 're-armed at 150: no halt at once');
  assert.match(guard.observe(units(50), 100) ?? '', /drawdown 100\.00 ≥ max_drawdown 100/);
});
