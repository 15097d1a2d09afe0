import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandAck, OrderView } from '../../shared/api.js';
import { validateConfig } from '../../shared/config.js';
import { startSimulator } from '../../main/sim/start-simulator.js';
import { EngineRuntime } from '../../main/engine/process/engine-runtime.js';
import { until } from './until.js';

// The default layout (hot: the whole trading path on one thread) live against the
// simulator: the trader's own orders reach the broker through the same risk check as the
// strategy's (ManualOrderGate in dispatchCommand, run by the hot loop), the kill switch
// refuses them, and max_drawdown halts the engine with its reason.

function orderIdOf(ack: CommandAck): number {
  assert.ok(ack.ok, JSON.stringify(ack));
  assert.ok(ack.ok && ack.orderId !== undefined, JSON.stringify(ack));
  return ack.ok ? ack.orderId! : -1;
}

const orderIn = (engine: EngineRuntime, orderId: number, statuses: readonly string[]) => () =>
  engine.state().orders.find((o) => o.orderId === orderId && statuses.includes(o.status));

test('layout hot: manual orders rest and fill through the risk check, are refused by risk and by the kill switch, and max_drawdown halts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-hot-manual-'));
  const sim = await startSimulator({ port: 0, seed: 11, symbols: ['BTCUSDT'], rate: 100 });
  const engine = EngineRuntime.start({
    mode: 'live',
    config: validateConfig({
      market: { url: sim.url, rest_url: sim.restUrl },
      engine: { layout: 'hot' },
      strategy: {
        symbols: ['BTCUSDT'],
        // The strategy stays out of the way: only the trader's orders trade here.
        params: { min_confidence: 1, imbalance_threshold: 0.99 },
        risk_limits: {
          max_order_size: 0.5,
          max_position_size: 10,
          max_notional_exposure: 1e12,
          max_drawdown: 0,
        },
      },
    }),
    dbPath: join(dir, 'live.sqlite'),
  });
  try {
    assert.equal(engine.currentConfig().engine.layout, 'hot');
    const book = await until('a live, synced book', () => {
      const state = engine.state();
      const btc = state.books.find((b) => b.symbol === 'BTCUSDT');
      return state.health.feed === 'live' && btc?.synced && btc.bids.length > 0 ? btc : undefined;
    });
    const bid = Number(book.bids[0]![0]);
    const farBelow = (Math.floor(bid * 0.95 * 100) / 100).toFixed(2);

    // A limit buy far below the touch rests, tagged as the trader's own.
    const restingId = orderIdOf(
      engine.command({
        type: 'placeOrder',
        symbol: 'BTCUSDT',
        side: 'Buy',
        orderType: 'Limit',
        price: farBelow,
        qty: '0.01',
      }),
    );
    const resting: OrderView = await until(
      'the manual limit order resting',
      orderIn(engine, restingId, ['Open']),
    );
    assert.equal(resting.strategyId, 'manual');
    assert.equal(Number(resting.price), Number(farBelow));

    // A market buy fills.
    const marketId = orderIdOf(
      engine.command({
        type: 'placeOrder',
        symbol: 'BTCUSDT',
        side: 'Buy',
        orderType: 'Market',
        qty: '0.01',
      }),
    );
    await until('the manual market order filled', orderIn(engine, marketId, ['Filled']));
    await until('its fill', () => engine.state().fills.find((f) => f.orderId === marketId));
    await until('the manual position', () =>
      engine.state().positions.find((p) => p.strategyId === 'manual' && Number(p.qty) === 0.01),
    );

    // The risk check runs where the broker runs: an order above max_order_size is refused,
    // recorded Rejected with the reason.
    const tooBigId = orderIdOf(
      engine.command({
        type: 'placeOrder',
        symbol: 'BTCUSDT',
        side: 'Buy',
        orderType: 'Limit',
        price: farBelow,
        qty: '0.6',
      }),
    );
    const tooBig = await until('the refusal', orderIn(engine, tooBigId, ['Rejected']));
    assert.equal(tooBig.reason, 'order_size');

    // The kill switch: the resting order is cancelled and a new one is refused, visibly.
    assert.equal(engine.command({ type: 'setKillSwitch', on: true, reason: 'test halt' }).ok, true);
    await until('the resting order cancelled', orderIn(engine, restingId, ['Cancelled']));
    const refused = engine.command({
      type: 'placeOrder',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Limit',
      price: farBelow,
      qty: '0.01',
    });
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.reason : '', /kill switch is on/);

    // max_drawdown, edited live: a round trip across the spread loses, and the engine halts.
    assert.equal(engine.command({ type: 'setKillSwitch', on: false, reason: 're-arm' }).ok, true);
    assert.equal(
      engine.command({ type: 'updateRiskLimits', patch: { max_drawdown: 0.000001 } }).ok,
      true,
    );
    for (const side of ['Sell', 'Buy', 'Sell'] as const) {
      if (engine.state().killSwitch.state === 'HALTED') break;
      const id = orderIdOf(
        engine.command({
          type: 'placeOrder',
          symbol: 'BTCUSDT',
          side,
          orderType: 'Market',
          qty: '0.01',
        }),
      );
      await until(`the ${side} settled`, orderIn(engine, id, ['Filled', 'Rejected']));
    }
    const halt = await until('the drawdown halt', () => {
      const view = engine.state().killSwitch;
      return view.state === 'HALTED' && view.source === 'engine' ? view : undefined;
    });
    assert.match(halt.reason, /^drawdown \d+\.\d\d ≥ max_drawdown 0\.000001 \(PnL /);
    assert.equal(engine.fatalError, null);
  } finally {
    await engine.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
