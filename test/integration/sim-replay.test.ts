import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketPipeline } from '../../main/engine/market/market-pipeline.js';
import { readRecording } from '../../main/engine/recording/recording-reader.js';
import { recordSample } from '../../main/sim/sample-recorder.js';
import { startSimulator } from '../../main/sim/start-simulator.js';
import { parseFixed } from '../../shared/domain.js';
import { connect, getJson, waitFor } from './sim-helpers.js';

let dir = '';
let recording = '';
const frames: { stream: string; data: string }[] = [];
const snapshots: { symbol: string; data: string }[] = [];
let spanMs = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-sim-replay-'));
  recording = join(dir, 'three-seconds.jsonl');
  // Three simulated seconds with drops: a recorder's initial snapshots, then a gap and its fresh snapshot.
  const made = await recordSample({ out: recording, seed: 3, durationS: 3, faults: 'drop=0.05' });
  assert.ok(
    Object.values(made.gaps).some((n) => n > 0),
    'the recording holds a gap',
  );
  let first = NaN;
  let last = NaN;
  for await (const event of readRecording(recording)) {
    if (event.kind === 'malformed') throw new Error(event.reason);
    if (Number.isNaN(first)) first = event.tsUs;
    last = event.tsUs;
    if (event.kind === 'frame') frames.push({ stream: event.stream, data: event.data });
    else snapshots.push({ symbol: event.symbol, data: event.data });
  }
  spanMs = (last - first) / 1000;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('replay serves every frame of the recording, in order and unchanged, to a client of all its streams', async () => {
  const sim = await startSimulator({ port: 0, replay: recording, speed: 'max' });
  const streams = [...new Set(frames.map((f) => f.stream))];
  const client = connect(`${sim.url}/stream?streams=${streams.join('/')}`);
  try {
    await sim.finished;
    await waitFor('every frame', () => client.messages.length >= frames.length);
    assert.equal(client.messages.length, frames.length);
    frames.forEach((frame, i) =>
      assert.equal(
        client.messages[i],
        `{"stream":"${frame.stream}","data":${frame.data}}`,
        `frame ${i}`,
      ),
    );
    assert.deepEqual([...sim.symbols].sort(), ['BTCUSDT', 'ETHUSDT']);
  } finally {
    client.ws.close();
    await sim.close();
  }
});

test("REST answers come from the recording's snapshot lines in time order, and a client ends with the recording's book", async () => {
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const sim = await startSimulator({ port: 0, replay: recording, speed: 1 });
  const pipeline = new MarketPipeline(symbols, {}, () => undefined);
  const answers = new Map<string, string[]>(symbols.map((s) => [s, []]));
  const inFlight = new Set<string>();
  const fetchSnapshot = async (symbol: string) => {
    inFlight.add(symbol);
    const res = await fetch(`${sim.restUrl}/api/v3/depth?symbol=${symbol}&limit=5000`);
    const body = await res.text();
    answers.get(symbol)!.push(body);
    inFlight.delete(symbol);
    pipeline.onSnapshot(symbol, body, Date.now() * 1000);
  };
  const client = connect(
    `${sim.url}/stream?streams=btcusdt@depth@100ms/ethusdt@depth@100ms/btcusdt@trade`,
  );
  client.ws.on('message', (data) => {
    pipeline.onFrame(data.toString(), Date.now() * 1000, 0);
    for (const symbol of symbols)
      if (!pipeline.book(symbol).synced && !inFlight.has(symbol)) void fetchSnapshot(symbol);
  });
  const started = performance.now();
  try {
    await sim.finished;
    assert.ok(
      performance.now() - started >= spanMs - 50,
      'speed 1 takes the recording its own time',
    );
    await waitFor(
      'both books synced',
      () => symbols.every((s) => pipeline.book(s).synced) && inFlight.size === 0,
    );
    for (const symbol of symbols) {
      const recorded = snapshots.filter((s) => s.symbol === symbol).map((s) => s.data);
      const got = answers.get(symbol)!;
      assert.equal(
        got[0],
        recorded[0],
        `${symbol}: the first answer is the first snapshot line, as recorded`,
      );
      const ids = got.map((body) => (JSON.parse(body) as { lastUpdateId: number }).lastUpdateId);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
        `${symbol}: answers move forward in time`,
      );
      const theirs = sim.book(symbol);
      assert.ok(theirs.synced);
      assert.equal(pipeline.book(symbol).lastUpdateId, theirs.lastUpdateId);
      const exact = (levels: [string, string][]) =>
        levels.map(([p, q]) => [parseFixed(p), parseFixed(q)]);
      assert.deepEqual(
        pipeline.book(symbol).book.bids.levels(),
        exact(theirs.bids),
        `${symbol} bids`,
      );
      assert.deepEqual(
        pipeline.book(symbol).book.asks.levels(),
        exact(theirs.asks),
        `${symbol} asks`,
      );
    }
    assert.ok(pipeline.counters.gaps >= 1, 'the recorded gap reached the client');
    assert.equal(pipeline.counters.resyncs, pipeline.counters.gaps);
  } finally {
    client.ws.close();
    await sim.close();
  }
});

test('speed 4 plays four times faster (no sooner than a quarter of the span); before playback REST gives the first snapshot', async () => {
  const sim = await startSimulator({ port: 0, replay: recording, speed: 4 });
  try {
    const early = await getJson(`${sim.restUrl}/api/v3/depth?symbol=ETHUSDT&limit=3`);
    const firstEth = JSON.parse(snapshots.find((s) => s.symbol === 'ETHUSDT')!.data) as {
      lastUpdateId: number;
      bids: unknown[];
    };
    assert.deepEqual(early.body, {
      ...firstEth,
      bids: firstEth.bids.slice(0, 3),
      asks: (firstEth as unknown as { asks: unknown[] }).asks.slice(0, 3),
    });
    const client = connect(`${sim.url}/ws/ethusdt@trade`);
    const started = performance.now();
    await sim.finished;
    assert.ok(performance.now() - started >= spanMs / 4 - 50);
    assert.ok(
      client.messages.length > 0 && client.messages.every((m) => m.startsWith('{"e":"trade"')),
    );
    client.ws.close();
  } finally {
    await sim.close();
  }
});

test('a recording with bad lines: they are reported with their line numbers and skipped; the rest is served', async () => {
  const path = join(dir, 'bad-lines.jsonl');
  const trade =
    '{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"60000.00000000","q":"0.10000000","T":1,"m":true,"M":true}';
  writeFileSync(
    path,
    [
      `{"ts":1000,"stream":"btcusdt@trade","data":${trade}}`,
      '{"ts":2000,"stream":',
      'not json at all',
      `{"ts":3000,"stream":"btcusdt@trade","data":${trade.replace('"t":1', '"t":2')}}`,
    ].join('\n') + '\n',
  );
  const logs: string[] = [];
  const sim = await startSimulator({
    port: 0,
    replay: path,
    speed: 'max',
    log: (_level, message) => logs.push(message),
  });
  const client = connect(`${sim.url}/ws/btcusdt@trade`);
  try {
    await sim.finished;
    await waitFor('both good frames', () => client.messages.length === 2);
    assert.ok(
      logs.some((m) => m.includes('bad-lines.jsonl:2: skipped')),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((m) => m.includes('bad-lines.jsonl:3: skipped')),
      logs.join('\n'),
    );
  } finally {
    client.ws.close();
    await sim.close();
  }
});

test('a replay of a missing or empty file fails with a clear error', async () => {
  await assert.rejects(
    startSimulator({ port: 0, replay: join(dir, 'nope.jsonl') }),
    /nope\.jsonl does not exist/,
  );
  const empty = join(dir, 'empty.jsonl');
  writeFileSync(empty, '\n');
  await assert.rejects(
    startSimulator({ port: 0, replay: empty }),
    /has no stream frames to replay/,
  );
  await assert.rejects(
    startSimulator({ port: 0, replay: recording, speed: 0 }),
    /speed must be a positive number or "max"/,
  );
});
