import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import { startSimulator } from '../../main/sim/start-simulator.js';
import { parseFixed } from '../../shared/domain.js';
import {
  connect,
  getJson,
  payloadsOf,
  refusedUpgrade,
  sleep,
  waitFor,
  type DepthDiff,
} from './sim-helpers.js';

const DECIMAL8 = /^\d+\.\d{8}$/;

test('combined stream: every subscribed stream arrives wrapped, with Binance payloads and contiguous U/u per symbol', async () => {
  const sim = await startSimulator({ port: 0, seed: 1, rate: 20 });
  const streams = [
    'btcusdt@depth@100ms',
    'ethusdt@depth@100ms',
    'btcusdt@depth',
    'btcusdt@trade',
    'btcusdt@aggTrade',
    'ethusdt@bookTicker',
  ];
  const client = connect(`${sim.url}/stream?streams=${streams.join('/')}`);
  try {
    await client.opened;
    await waitFor(
      'diffs, trades, tickers and two 1 s diffs',
      () =>
        payloadsOf(client.messages, 'btcusdt@depth').length >= 2 && client.messages.length > 100,
    );
    const seen = new Set<string>();
    for (const text of client.messages) {
      const message = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(message), ['stream', 'data'], 'the combined wrapper');
      seen.add(message.stream as string);
    }
    assert.deepEqual([...seen].sort(), [...streams].sort());
    for (const stream of ['btcusdt@depth@100ms', 'ethusdt@depth@100ms', 'btcusdt@depth']) {
      const diffs = payloadsOf<DepthDiff>(client.messages, stream);
      for (let i = 0; i < diffs.length; i++) {
        const d = diffs[i]!;
        assert.equal(d.e, 'depthUpdate');
        assert.equal(d.s, stream.slice(0, 7).toUpperCase());
        assert.ok(Number.isSafeInteger(d.E) && Number.isSafeInteger(d.U) && d.U <= d.u);
        for (const [p, q] of [...d.b, ...d.a])
          assert.ok(DECIMAL8.test(p) && DECIMAL8.test(q), `${p} ${q}`);
        if (i > 0) assert.equal(d.U, diffs[i - 1]!.u + 1, `${stream}: U = previous u + 1`);
      }
    }
    const trade = payloadsOf<Record<string, unknown>>(client.messages, 'btcusdt@trade')[0]!;
    assert.deepEqual(Object.keys(trade), ['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M']);
    assert.ok(
      typeof trade.t === 'number' &&
        typeof trade.m === 'boolean' &&
        DECIMAL8.test(trade.p as string),
    );
    const ticker = payloadsOf<Record<string, unknown>>(client.messages, 'ethusdt@bookTicker')[0]!;
    assert.deepEqual(Object.keys(ticker), ['u', 's', 'b', 'B', 'a', 'A']);
  } finally {
    client.ws.close();
    await sim.close();
  }
});

test('raw stream: bare payloads; live SUBSCRIBE, LIST_SUBSCRIPTIONS and the combined property work on the wire', async () => {
  const sim = await startSimulator({ port: 0, seed: 2, rate: 20 });
  const client = connect(`${sim.url}/ws/btcusdt@trade`);
  try {
    await client.opened;
    await waitFor('a bare trade', () => client.messages.length > 0);
    assert.equal((JSON.parse(client.messages[0]!) as { e: string }).e, 'trade');
    client.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['ethusdt@depth@100ms'], id: 1 }));
    await waitFor('the subscription answer', () =>
      client.messages.includes('{"result":null,"id":1}'),
    );
    await waitFor('a bare ETH diff', () =>
      client.messages.some(
        (m) => m.startsWith('{"e":"depthUpdate","E":') && m.includes('"s":"ETHUSDT"'),
      ),
    );
    client.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
    await waitFor('the list', () =>
      client.messages.includes('{"result":["btcusdt@trade","ethusdt@depth@100ms"],"id":2}'),
    );
    client.ws.send(JSON.stringify({ method: 'SET_PROPERTY', params: ['combined', true], id: 3 }));
    await waitFor('the property answer', () => client.messages.includes('{"result":null,"id":3}'));
    const from = client.messages.length;
    await waitFor('wrapped frames', () =>
      client.messages
        .slice(from)
        .some((m) => m.startsWith('{"stream":"ethusdt@depth@100ms","data":{')),
    );
    client.ws.send(
      JSON.stringify({
        method: 'UNSUBSCRIBE',
        params: ['btcusdt@trade', 'ethusdt@depth@100ms'],
        id: 4,
      }),
    );
    await waitFor('the unsubscribe answer', () =>
      client.messages.includes('{"result":null,"id":4}'),
    );
    await sleep(300);
    const after = client.messages.slice(client.messages.indexOf('{"result":null,"id":4}') + 1);
    assert.ok(
      after.every((m) => !m.includes('"stream"')),
      'no frames after unsubscribing from everything',
    );
  } finally {
    client.ws.close();
    await sim.close();
  }
});

test("REST snapshot + diffs through the engine's MarketPipeline give exactly the simulator's own book", async () => {
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const sim = await startSimulator({ port: 0, seed: 4, symbols, rate: 20 });
  const pipeline = new MarketPipeline(symbols, {}, () => undefined);
  const fetched: number[] = [];
  const fetchSnapshot = async (symbol: string) => {
    const { status, body } = await getJson(
      `${sim.restUrl}/api/v3/depth?symbol=${symbol}&limit=5000`,
    );
    assert.equal(status, 200);
    fetched.push((body as { lastUpdateId: number }).lastUpdateId);
    pipeline.onSnapshot(symbol, body as object, Date.now() * 1000);
  };
  const requested = new Set<string>();
  const client = connect(`${sim.url}/stream?streams=btcusdt@depth@100ms/ethusdt@depth@100ms`);
  client.ws.on('message', (data) => {
    pipeline.onFrame(data.toString(), Date.now() * 1000, 0);
    // Binance's procedure: buffer the stream, then take the snapshot.
    for (const symbol of symbols) {
      if (!requested.has(symbol) && !pipeline.book(symbol).synced) {
        requested.add(symbol);
        void fetchSnapshot(symbol);
      }
    }
  });
  try {
    await waitFor('both books synced', () => symbols.every((s) => pipeline.book(s).synced));
    await waitFor('a second of diffs applied on top', () => pipeline.counters.applied > 40);
    sim.pause();
    await waitFor('the client to reach the paused simulator', () =>
      symbols.every((s) => pipeline.book(s).lastUpdateId === sim.book(s).lastUpdateId),
    );
    for (const symbol of symbols) {
      const ours = pipeline.book(symbol).book;
      const theirs = sim.book(symbol);
      const exact = (levels: [string, string][]) =>
        levels.map(([p, q]) => [parseFixed(p), parseFixed(q)]);
      assert.ok(theirs.bids.length > 100 && theirs.asks.length > 100);
      assert.deepEqual(ours.bids.levels(), exact(theirs.bids), `${symbol} bids`);
      assert.deepEqual(ours.asks.levels(), exact(theirs.asks), `${symbol} asks`);
    }
    assert.equal(pipeline.counters.gaps, 0);
    assert.equal(
      pipeline.counters.snapshotsTooOld,
      0,
      "a snapshot's lastUpdateId is never older than the stream it answers",
    );
    assert.equal(pipeline.counters.malformed, 0);
    assert.equal(fetched.length, 2);
  } finally {
    client.ws.close();
    await sim.close();
  }
});

test("REST answers and errors are Binance's, with request weights and the per-minute limit", async () => {
  const sim = await startSimulator({ port: 0, seed: 5, restWeightPerMinute: 300 });
  try {
    const depth = (query: string) => getJson(`${sim.restUrl}/api/v3/depth${query}`);
    const ok = await depth('?symbol=BTCUSDT');
    assert.equal(ok.status, 200);
    const body = ok.body as {
      lastUpdateId: number;
      bids: [string, string][];
      asks: [string, string][];
    };
    assert.deepEqual(Object.keys(body), ['lastUpdateId', 'bids', 'asks']);
    assert.equal(body.bids.length, 100, 'limit defaults to 100');
    assert.ok(parseFixed(body.bids[0]![0]) < parseFixed(body.asks[0]![0]));
    assert.match(ok.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(ok.headers.get('x-mbx-used-weight-1m'), '5');
    assert.equal(
      ((await depth('?symbol=ETHUSDT&limit=7')).body as { asks: unknown[] }).asks.length,
      7,
    );
    assert.deepEqual((await depth('')).body, {
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
    assert.deepEqual(await depth('?symbol=DOGEUSDT').then((r) => [r.status, r.body]), [
      400,
      { code: -1121, msg: 'Invalid symbol.' },
    ]);
    assert.equal(((await depth('?symbol=btcusdt')).body as { code: number }).code, -1100);
    assert.equal(((await depth('?symbol=BTCUSDT&limit=ten')).body as { code: number }).code, -1100);
    const capped = await depth('?symbol=BTCUSDT&limit=9000');
    assert.equal(capped.status, 200, 'a limit over 5000 is cut to 5000');
    assert.equal(
      capped.headers.get('x-mbx-used-weight-1m'),
      String(5 + 5 + 250),
      'weight 250 for the 5000 limit',
    );
    assert.deepEqual((await getJson(`${sim.restUrl}/api/v3/ping`)).body, {});
    assert.equal(
      typeof ((await getJson(`${sim.restUrl}/api/v3/time`)).body as { serverTime: unknown })
        .serverTime,
      'number',
    );
    const info = (await getJson(`${sim.restUrl}/api/v3/exchangeInfo`)).body as {
      symbols: { symbol: string; filters: Record<string, string>[] }[];
    };
    const btc = info.symbols.find((s) => s.symbol === 'BTCUSDT')!;
    assert.equal(btc.filters[0]!.tickSize, '0.01000000');
    assert.equal(btc.filters[1]!.stepSize, '0.00001000');
    assert.equal((await getJson(`${sim.restUrl}/api/v3/klines`)).status, 404);
    assert.equal(
      (await getJson(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`, { method: 'POST' })).status,
      405,
    );
    // 260 + 1 + 1 + 20 used; the next 25-weight request is over 300.
    const throttled = await depth('?symbol=BTCUSDT&limit=500');
    assert.equal(throttled.status, 429);
    assert.equal((throttled.body as { code: number }).code, -1003);
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    assert.equal(sim.stats().rest.throttled, 1);
  } finally {
    await sim.close();
  }
});

test('a bad combined-stream URL is refused at the upgrade with a reason', async () => {
  const sim = await startSimulator({ port: 0, seed: 6 });
  try {
    const msg = (refusal: { body: string }) => (JSON.parse(refusal.body) as { msg: string }).msg;
    // (The raw /ws/ path takes any name, as Binance does: sim-ccxt-client.test.ts.)
    const upper = await refusedUpgrade(`${sim.url}/stream?streams=BTCUSDT@trade`);
    assert.equal(upper.status, 400);
    assert.match(msg(upper), /invalid stream name "BTCUSDT@trade"/);
    const kline = await refusedUpgrade(`${sim.url}/stream?streams=btcusdt@trade/btcusdt@kline_1m`);
    assert.equal(kline.status, 400);
    assert.match(msg(kline), /does not serve "btcusdt@kline_1m"/);
    const path = await refusedUpgrade(`${sim.url}/socket`);
    assert.equal(path.status, 404);
    assert.match(msg(path), /no such WebSocket endpoint \/socket/);
  } finally {
    await sim.close();
  }
});

test('five incoming messages a second are fine; a sixth within the second closes the connection (1008)', async () => {
  const sim = await startSimulator({ port: 0, seed: 7 });
  const client = connect(`${sim.url}/ws`);
  try {
    await client.opened;
    const list = (id: number) =>
      client.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    for (let id = 1; id <= 5; id++) list(id);
    await waitFor('five answers', () => client.messages.length === 5);
    await sleep(1100);
    for (let id = 6; id <= 10; id++) list(id);
    await waitFor('five more answers a second later', () => client.messages.length === 10);
    assert.ok(client.isOpen());
    await sleep(1100);
    for (let id = 11; id <= 16; id++) list(id);
    const closed = await client.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /more than 5 incoming messages in a second/);
    assert.equal(client.messages.length, 15, 'the sixth message is not answered');
  } finally {
    await sim.close();
  }
});

test('the server pings; a client that does not echo a ping is dropped, one that does stays', async () => {
  // Pongs count against the 5-messages-a-second limit, as on Binance: ping every 300 ms.
  const sim = await startSimulator({ port: 0, seed: 8, pingIntervalMs: 300, pongTimeoutMs: 1000 });
  const silent = connect(`${sim.url}/ws/btcusdt@trade`, { autoPong: false });
  const wrongPong = connect(`${sim.url}/ws/btcusdt@trade`, { autoPong: false });
  const polite = connect(`${sim.url}/ws/btcusdt@trade`);
  let pings = 0;
  silent.ws.on('ping', () => pings++);
  // Unsolicited pongs are allowed but keep nothing alive.
  wrongPong.ws.on('ping', () => wrongPong.ws.pong('not your payload'));
  try {
    await Promise.all([silent.opened, wrongPong.opened, polite.opened]);
    const [dropped, droppedToo] = await Promise.all([silent.closed, wrongPong.closed]);
    assert.ok(pings >= 2, `pings seen: ${pings}`);
    assert.equal(dropped.code, 1006, 'dropped without a close frame');
    assert.equal(droppedToo.code, 1006);
    assert.ok(polite.isOpen(), 'a client that answers stays connected');
  } finally {
    polite.ws.close();
    await sim.close();
  }
});

test('a connection lives at most maxConnectionMs, then the server closes it (1001)', async () => {
  const sim = await startSimulator({ port: 0, seed: 9, maxConnectionMs: 400 });
  const client = connect(`${sim.url}/ws/btcusdt@depth@100ms`);
  try {
    await client.opened;
    const opened = performance.now();
    const closed = await client.closed;
    assert.equal(closed.code, 1001);
    assert.match(closed.reason, /lifetime/);
    assert.ok(performance.now() - opened >= 350, 'not before its time');
    assert.ok(client.messages.length > 0);
  } finally {
    await sim.close();
  }
});

test('two simulators with the same seed stream the same diffs; another seed does not', async () => {
  const [a, b, c] = await Promise.all(
    [1, 1, 2].map((seed) => startSimulator({ port: 0, seed, symbols: ['ETHUSDT'], rate: 20 })),
  );
  const clients = [a!, b!, c!].map((sim) => connect(`${sim.url}/ws/ethusdt@depth@100ms`));
  try {
    await waitFor('diffs from all three', () => clients.every((cl) => cl.messages.length >= 15));
    const byU = (cl: (typeof clients)[number]) =>
      new Map(cl.messages.map((m) => JSON.parse(m) as DepthDiff).map((d) => [d.U, d]));
    const [da, db, dc] = clients.map(byU);
    const common = [...da!.keys()].filter((u) => db!.has(u));
    assert.ok(common.length >= 10, `diffs in common: ${common.length}`);
    for (const U of common) {
      const x = da!.get(U)!;
      const y = db!.get(U)!;
      assert.deepEqual([x.u, x.b, x.a], [y.u, y.b, y.a], `diff ${U}`);
    }
    assert.equal([...dc!.keys()].filter((u) => da!.has(u)).length, 0, 'another seed, other ids');
  } finally {
    for (const cl of clients) cl.ws.close();
    await Promise.all([a!, b!, c!].map((sim) => sim.close()));
  }
});
