import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feedSwings, syntheticHotLoop } from './hot-loop-frames.js';

// What a hot loop keeps for the window is bounded however long it trades: each of these
// would otherwise grow with the orders, fills, signals and trades of a day.
const TICKS = 30_000;

test('the hot loop keeps bounded histories: orders, fills, signals and trades', () => {
  const loop = syntheticHotLoop(false);
  feedSwings(loop, TICKS, 10);
  const c = loop.core.counters;
  assert.ok(c.ordersCreated > 500, `enough orders to overflow every history: ${c.ordersCreated}`);
  assert.ok(loop.broker.counters.fills > 500, `and fills: ${loop.broker.counters.fills}`);
  assert.ok(c.fired > 500 && c.trades > 500);

  // The broker's own memory of finished orders and fills (pooled, overwritten in rings).
  assert.equal(loop.broker.recentOrders(1_000_000).length, 200);
  assert.equal(loop.broker.recentFills(1_000_000).length, 200);

  const [market, strategy, execution] = loop.reports();
  assert.equal(market!.kind, 'market');
  assert.equal(strategy!.kind, 'strategy');
  assert.equal(execution!.kind, 'execution');
  if (market!.kind !== 'market' || strategy!.kind !== 'strategy' || execution!.kind !== 'execution')
    return;
  assert.equal(market.trades.length, 50, 'recent trades: the last 50');
  assert.equal(strategy.signals.length, 50, 'recent signals: the last 50');
  assert.ok(
    strategy.signals.every((s, i) => i === 0 || s.tsUs >= strategy.signals[i - 1]!.tsUs),
    'oldest first, as the window expects',
  );
  assert.ok(execution.orders.length <= 100 + loop.broker.summary().openOrders);
  assert.equal(execution.fills.length, 100);
  // Counters are numbers, never lists: what a day adds is a count.
  assert.equal(strategy.counts.fired, c.fired);
});
