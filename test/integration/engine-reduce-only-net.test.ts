import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandAck } from '../../shared/api.js';
import { ENGINE_LAYOUTS, validateConfig } from '../../shared/config.js';
import { startSimulator } from '../../main/sim/start-simulator.js';
import { openDatabase } from '../../main/engine/persistence/schema.js';
import { EngineRuntime } from '../../main/engine/process/engine-runtime.js';
import { until } from './until.js';

// Reduce only judges the NET position per symbol in the running engine, in both layouts:
// a long held in the strategy's book is reduced by the trader's manual sell (risk and the
// broker both let it rest), while a manual buy, or a sell beyond the net long once the
// first one is counted, is refused.

function orderIdOf(ack: CommandAck): number {
  assert.ok(ack.ok && ack.orderId !== undefined, JSON.stringify(ack));
  return ack.ok ? ack.orderId! : -1;
}

for (const layout of ENGINE_LAYOUTS) {
  test(`layout ${layout}: in reduce only, a manual sell shrinking the strategy book's long rests; growing or over-reducing orders are refused`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-reduce-net-'));
    const dbPath = join(dir, 'live.sqlite');
    // The last run left the strategy long 0.05 BTC; the trader's own book is flat.
    const db = openDatabase(dbPath);
    db.prepare(
      'INSERT INTO positions (strategy_id, symbol, quantity, cost_basis, realized_pnl) VALUES (?, ?, ?, ?, ?)',
    ).run('imbalance_v1', 'BTCUSDT', 0.05, 100, 0);
    db.close();
    const sim = await startSimulator({ port: 0, seed: 3, symbols: ['BTCUSDT'], rate: 100 });
    const engine = EngineRuntime.start({
      mode: 'live',
      config: validateConfig({
        market: { url: sim.url, rest_url: sim.restUrl },
        engine: { layout },
        strategy: {
          strategy_id: 'imbalance_v1',
          symbols: ['BTCUSDT'],
          params: { min_confidence: 1, imbalance_threshold: 0.99 },
          risk_limits: { max_order_size: 1, max_position_size: 10, max_notional_exposure: 1e12 },
        },
      }),
      dbPath,
    });
    try {
      const book = await until('a live, synced book', () => {
        const state = engine.state();
        const btc = state.books.find((b) => b.symbol === 'BTCUSDT');
        return state.health.feed === 'live' && btc?.synced && btc.asks.length > 0 ? btc : undefined;
      });
      const farAbove = (Math.ceil(Number(book.asks[0]![0]) * 1.05 * 100) / 100).toFixed(2);
      const farBelow = (Math.floor(Number(book.bids[0]![0]) * 0.95 * 100) / 100).toFixed(2);
      assert.equal(engine.command({ type: 'setReduceOnly', on: true, reason: 'test' }).ok, true);
      const place = (side: 'Buy' | 'Sell', qty: string) =>
        orderIdOf(
          engine.command({
            type: 'placeOrder',
            symbol: 'BTCUSDT',
            side,
            orderType: 'Limit',
            price: side === 'Buy' ? farBelow : farAbove,
            qty,
          }),
        );
      const settled = (orderId: number) =>
        until(`order ${orderId} open or rejected`, () =>
          engine
            .state()
            .orders.find(
              (o) => o.orderId === orderId && (o.status === 'Open' || o.status === 'Rejected'),
            ),
        );

      const shrinks = await settled(place('Sell', '0.03'));
      assert.deepEqual([shrinks.status, shrinks.strategyId], ['Open', 'manual']);
      const grows = await settled(place('Buy', '0.01'));
      assert.deepEqual([grows.status, grows.reason], ['Rejected', 'reducing_only']);
      // 0.03 already resting + 0.03 would sell more than the net long of 0.05.
      const overReduces = await settled(place('Sell', '0.03'));
      assert.deepEqual([overReduces.status, overReduces.reason], ['Rejected', 'reducing_only']);
      const fits = await settled(place('Sell', '0.02'));
      assert.equal(fits.status, 'Open');
      assert.equal(engine.fatalError, null);
    } finally {
      await engine.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
