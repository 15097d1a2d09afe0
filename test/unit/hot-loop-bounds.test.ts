import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIRST_ID, depthTemplate, syntheticHotLoop, writeUpdateId } from './hot-loop-frames.js';

// What a hot loop keeps for the window is bounded however long it trades: each of these
// would otherwise grow with the orders, fills, signals and trades of a day.
const TICKS = 30_000;

test('the hot loop keeps bounded histories: orders, fills, signals and trades', () => {
  const loop = syntheticHotLoop(false);
  const frames = [depthTemplate(true), depthTemplate(false)];
  // Trade ids must grow: the pipeline drops a repeated one.
  const trade = (id: number): Buffer =>
    Buffer.from(
      `{"e":"trade","E":1700000000000,"s":"BTCUSDT","t":${id},"p":"60000.00","q":"0.01000000","T":1700000000000,"m":true}`,
    );
  for (let n = 0, id = FIRST_ID; n < TICKS; n++, id++) {
    const frame = frames[Math.floor(id / 40) % 2]!;
    writeUpdateId(frame, id);
    const tsUs = 1_700_000_000_000_000 + n * 1000;
    loop.onFrame(frame.bytes, tsUs, tsUs);
    if (n % 10 === 0) loop.onFrame(trade(n + 1), tsUs, tsUs);
  }
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
