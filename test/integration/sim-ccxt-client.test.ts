import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ccxt from 'ccxt';
import { startSimulator } from '../../main/sim/start-simulator.js';
import { connect, sleep, waitFor, type DepthDiff } from './sim-helpers.js';

/**
 * A real client nobody here wrote: ccxt.pro's Binance WebSocket client (ccxt is a dev
 * dependency), pointed at the simulator on 127.0.0.1 through its `urls` overrides. It
 * loads markets (GET /api/v3/exchangeInfo), opens `ws://…/ws/<its stream index>`, sends
 * SUBSCRIBE for the depth stream, fetches the REST snapshot and keeps a book by Binance's
 * rules; with the simulator paused, that book must equal the simulator's own.
 */

test('the raw /ws/ path takes any name as Binance does: /ws/0 opens, delivers nothing, and SUBSCRIBE adds streams', async () => {
  const sim = await startSimulator({ port: 0, seed: 21, rate: 20 });
  const client = connect(`${sim.url}/ws/0`);
  const unknown = connect(`${sim.url}/ws/BTCUSDT@trade`);
  try {
    await client.opened;
    await unknown.opened;
    await sleep(300);
    assert.deepEqual(client.messages, [], 'an unknown name delivers nothing');
    client.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 }));
    await waitFor('the subscribed diffs', () => client.messages.length > 3);
    assert.deepEqual(JSON.parse(client.messages[0]!), { result: null, id: 1 });
    const diffs = client.messages.slice(1).map((text) => JSON.parse(text) as DepthDiff);
    assert.ok(diffs.every((d) => d.e === 'depthUpdate' && d.s === 'BTCUSDT'));
    assert.deepEqual(unknown.messages, []);
  } finally {
    client.ws.close();
    unknown.ws.close();
    await sim.close();
  }
});

type Level = [number, number];

test("ccxt.pro binance: loadMarkets, watchOrderBook against the simulator, and its book equals the simulator's", async () => {
  const sim = await startSimulator({ port: 0, seed: 22, rate: 20 });
  const exchange = new ccxt.pro.binance({
    // Spot only: the simulator serves Binance spot (no futures exchangeInfo).
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
  });
  const urls = exchange.urls as unknown as { api: { public: string; ws: { spot: string } } };
  urls.api.public = `${sim.restUrl}/api/v3`;
  urls.api.ws.spot = `${sim.url}/ws`;
  try {
    // ccxt needs an http.Agent before it will open a plain ws:// URL (its own rule).
    await exchange.loadHttpProxyAgent();
    const markets = await exchange.loadMarkets();
    assert.ok('BTC/USDT' in markets && 'ETH/USDT' in markets, Object.keys(markets).join());
    let book = await exchange.watchOrderBook('BTC/USDT');
    const firstNonce = book.nonce as number;
    while ((book.nonce as number) < firstNonce + 50)
      book = await exchange.watchOrderBook('BTC/USDT');

    // Freeze the market; let ccxt take in what is already on the wire, then compare.
    sim.pause();
    const view = sim.book('BTCUSDT');
    await waitFor(
      "ccxt to reach the simulator's last update",
      () => book.nonce === view.lastUpdateId,
      10_000,
    );
    const asLevels = (levels: Array<[string, string]>): Level[] =>
      levels.map(([p, q]) => [Number(p), Number(q)]);
    // Plain arrays: ccxt's sides are Array subclasses (map would keep the class).
    const ccxtSide = (side: unknown): Level[] => Array.from(side as Level[], ([p, q]) => [p, q]);
    assert.ok(view.bids.length > 20 && view.asks.length > 20);
    assert.deepEqual(ccxtSide(book.bids), asLevels(view.bids));
    assert.deepEqual(ccxtSide(book.asks), asLevels(view.asks));
  } finally {
    await exchange.close();
    await sim.close();
  }
});
