import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { ExchangeClient } from '../../main/engine/market/exchange-client.js';
import { MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import { startSimulator, type SimulatorHandle } from '../../main/sim/start-simulator.js';
import { formatFixed, parseFixed, type FeedState } from '../../shared/domain.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 30_000,
  detail = (): string => '',
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what} ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function clientFor(
  sim: { url: string; restUrl: string },
  extra: Partial<ConstructorParameters<typeof ExchangeClient>[0]> = {},
) {
  const pipeline = new MarketPipeline(SYMBOLS, {}, () => undefined);
  const states: FeedState[] = [];
  const client = new ExchangeClient({
    url: sim.url,
    restUrl: sim.restUrl,
    symbols: SYMBOLS,
    pipeline,
    nowMonoUs: () => performance.now() * 1000,
    snapshotLimit: 5000,
    reconnectInitialMs: 50,
    reconnectMaxMs: 500,
    snapshotRetryInitialMs: 50,
    snapshotRetryMaxMs: 500,
    seed: 11,
    onState: (state) => states.push(state),
    ...extra,
  });
  return { pipeline, client, states };
}

/** Both books, as decimal strings, must equal the simulator's own. */
async function assertBooksEqualSimulator(
  sim: SimulatorHandle,
  pipeline: MarketPipeline,
): Promise<void> {
  sim.setFaults('');
  // A diff dropped just before the faults were lifted shows up as a gap only when the
  // next one arrives; let the market run until every book is synced and current.
  await waitFor('synced books after the faults stop', () =>
    SYMBOLS.every((s) => pipeline.book(s).synced),
  );
  sim.pause();
  await waitFor(
    'the client to catch up with the paused simulator',
    () =>
      SYMBOLS.every(
        (s) =>
          pipeline.book(s).synced && pipeline.book(s).lastUpdateId === sim.book(s).lastUpdateId,
      ),
    30_000,
    () =>
      SYMBOLS.map(
        (s) =>
          `${s}: client ${pipeline.book(s).synced ? 'synced' : 'unsynced'} at ${pipeline.book(s).lastUpdateId}, simulator at ${sim.book(s).lastUpdateId}`,
      ).join('; '),
  );
  const canonical = (levels: [string, string][]) =>
    levels.map(([p, q]) => [formatFixed(parseFixed(p)), formatFixed(parseFixed(q))]);
  for (const symbol of SYMBOLS) {
    const theirs = sim.book(symbol);
    const ours = pipeline.book(symbol).book;
    const mine = (levels: [number, number][]) =>
      levels.map(([p, q]) => [formatFixed(p), formatFixed(q)]);
    assert.ok(theirs.bids.length > 50, `${symbol} has a deep book`);
    assert.deepEqual(mine(ours.bids.levels()), canonical(theirs.bids), `${symbol} bids`);
    assert.deepEqual(mine(ours.asks.levels()), canonical(theirs.asks), `${symbol} asks`);
  }
}

test("through dropped, malformed, duplicated and reordered frames, disconnects, slow and failing snapshots, the book ends equal to the simulator's", async () => {
  const sim = await startSimulator({
    port: 0,
    seed: 21,
    rate: 20,
    faults:
      'drop=0.03,malformed=0.02,dup=0.02,reorder=0.02,disconnect=2500ms,slow_snapshot=300ms,rest_error=0.2',
  });
  const { pipeline, client, states } = clientFor(sim);
  try {
    client.start();
    await waitFor(
      'several gaps, malformed frames and reconnects',
      () =>
        pipeline.counters.gaps >= 3 &&
        pipeline.counters.malformed >= 2 &&
        client.stats.connects >= 3 &&
        client.stats.snapshotErrors >= 1,
    );
    await assertBooksEqualSimulator(sim, pipeline);
    assert.ok(pipeline.counters.resyncs >= pipeline.counters.gaps);
    assert.ok(
      states.includes('down') && states.includes('syncing') && states.at(-1) === 'live',
      states.join(','),
    );
  } finally {
    await client.close();
    await sim.close();
  }
});

test('a silent feed turns stale and comes back live when data flows again', async () => {
  const sim = await startSimulator({ port: 0, seed: 5, faults: 'silence=1500ms@3000ms' });
  const { pipeline, client, states } = clientFor(sim, { staleAfterMs: 400 });
  try {
    client.start();
    await waitFor('live', () => client.state === 'live');
    await waitFor('stale during the silence', () => client.state === 'stale');
    assert.equal(pipeline.feedState('BTCUSDT'), 'stale');
    await waitFor('live again after the silence', () => client.state === 'live');
    const i = states.indexOf('stale');
    assert.ok(i > 0 && states.slice(i).includes('live'), states.join(','));
    await assertBooksEqualSimulator(sim, pipeline);
  } finally {
    await client.close();
    await sim.close();
  }
});

test('the exchange closing a connection at its lifetime limit is a normal reconnect and resync', async () => {
  const sim = await startSimulator({ port: 0, seed: 8, maxConnectionMs: 1200 });
  const { pipeline, client } = clientFor(sim);
  try {
    client.start();
    await waitFor('two lifetime closes', () => client.stats.connects >= 3, 20_000);
    await assertBooksEqualSimulator(sim, pipeline);
    assert.equal(pipeline.counters.gaps, 0, 'a reconnect is not a gap');
  } finally {
    await client.close();
    await sim.close();
  }
});

test('a link that carries nothing, not even pongs, is declared dead and redialled', async () => {
  // A server that accepts and then never speaks or answers pings.
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
  await new Promise((resolve) => server.once('listening', resolve));
  let accepted = 0;
  server.on('connection', () => accepted++);
  const port = (server.address() as AddressInfo).port;
  const { client, states } = clientFor(
    { url: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` },
    { deadAfterMs: 300, pingIntervalMs: 100, staleAfterMs: 150 },
  );
  try {
    client.start();
    await waitFor('a second connection after the first went dead', () => accepted >= 2, 10_000);
    assert.ok(states.includes('stale'), states.join(','));
    assert.ok(states.includes('down'), states.join(','));
  } finally {
    await client.close();
    for (const ws of server.clients) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('closing the client stops reconnecting and fetching', async () => {
  const sim = await startSimulator({ port: 0, seed: 2, faults: 'rest_error=1' });
  const { client } = clientFor(sim);
  client.start();
  await waitFor('a failing snapshot fetch', () => client.stats.snapshotErrors >= 1);
  await client.close();
  const errors = client.stats.snapshotErrors;
  assert.equal(client.state, 'down');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(client.stats.snapshotErrors, errors);
  assert.equal(sim.connectionCount(), 0);
  await sim.close();
});

test('a quiet market (no diff at all) still syncs from the snapshot fetched on connect', async () => {
  const sim = await startSimulator({ port: 0, seed: 4 });
  await waitFor(
    'some market history',
    () => sim.book('BTCUSDT').lastUpdateId > 0 && sim.book('BTCUSDT').bids.length > 0,
  );
  sim.pause();
  const { pipeline, client } = clientFor(sim);
  try {
    client.start();
    await waitFor('live without a single diff', () => client.state === 'live');
    assert.equal(pipeline.counters.depthFrames, 0);
    for (const symbol of SYMBOLS)
      assert.equal(pipeline.book(symbol).lastUpdateId, sim.book(symbol).lastUpdateId);
    sim.resume();
    await waitFor('diffs applied on top of that snapshot', () => pipeline.counters.applied > 4);
    assert.equal(pipeline.counters.gaps, 0);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("a refused stream connection is logged with the exchange's reason and retried with backoff", async () => {
  const { createServer } = await import('node:http');
  let upgrades = 0;
  const server = createServer((_req, res) => res.writeHead(503).end());
  server.on('upgrade', (_req, socket) => {
    upgrades++;
    socket.end(
      'HTTP/1.1 400 Bad Request\r\ncontent-length: 27\r\n\r\n{"msg":"Invalid request."}\n',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const logs: string[] = [];
  const { client } = clientFor(
    { url: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` },
    { log: (_level, message) => logs.push(message) },
  );
  try {
    client.start();
    await waitFor('three attempts', () => upgrades >= 3, 10_000);
    assert.ok(
      logs.some((m) => m.includes('HTTP 400') && m.includes('Invalid request.')),
      logs.join('\n'),
    );
    assert.ok(logs.some((m) => /reconnecting in \d+ ms/.test(m)));
    assert.equal(client.stats.connects, 0);
    assert.notEqual(client.state, 'live');
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
