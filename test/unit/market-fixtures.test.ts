import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MarketPipeline, FrameOutcome } from '../../main/engine/market/market-pipeline.js';
import { SnapshotOutcome } from '../../main/engine/market/book-sync.js';
import { convertHftbacktest } from '../../main/engine/recording/hftbacktest-convert.js';
import { readRecording } from '../../main/engine/recording/recording-reader.js';
import { formatFixed, parseFixed } from '../../shared/domain.js';
import { FIXTURE_DIR, fixtureLines, REAL_DEPTH_FIXTURE, snapshotBody } from './market-helpers.js';

interface DepthPayload {
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

/** Binance's book by the letter, with a Map and decimal strings: the independent reference. */
class NaiveBook {
  bids = new Map<string, string>();
  asks = new Map<string, string>();
  apply(levels: [string, string][], side: Map<string, string>): void {
    for (const [price, qty] of levels) {
      const key = formatFixed(parseFixed(price));
      if (parseFixed(qty) === 0) side.delete(key);
      else side.set(key, formatFixed(parseFixed(qty)));
    }
  }
  sorted(isBid: boolean): [string, string][] {
    const side = isBid ? this.bids : this.asks;
    return [...side.entries()].sort((a, b) =>
      isBid ? parseFixed(b[0]) - parseFixed(a[0]) : parseFixed(a[0]) - parseFixed(b[0]),
    );
  }
}

const levelsOf = (p: MarketPipeline, symbol: string, isBid: boolean): [string, string][] =>
  (isBid ? p.book(symbol).book.bids : p.book(symbol).book.asks)
    .levels()
    .map(([price, qty]) => [formatFixed(price), formatFixed(qty)]);

test('real Binance diffs (2025-07): three gaps where the data has them, far levels kept, tiny quantities exact', () => {
  const frames = fixtureLines(REAL_DEPTH_FIXTURE);
  const payloads = frames.map((line) => JSON.parse(line) as DepthPayload);
  const requests: string[] = [];
  const p = new MarketPipeline(
    ['BTCUSDT'],
    { onNeedSnapshot: (s) => requests.push(s) },
    () => undefined,
  );
  // No snapshot in the file: an empty book just before the first diff reproduces the diffs.
  assert.equal(
    p.onSnapshot('BTCUSDT', snapshotBody(payloads[0]!.U - 1, [], []), 0),
    SnapshotOutcome.APPLIED,
  );
  const naive = new NaiveBook();
  const gapsAfter: number[] = [];
  let oneSided = 0;
  let sawFarLevel = false;
  for (let i = 0; i < frames.length; i++) {
    const before = p.book('BTCUSDT').lastUpdateId;
    const outcome = p.onFrame(frames[i]!, i, i);
    if (outcome === FrameOutcome.GAP) {
      gapsAfter.push(before);
      // Play the fresh fetch: an empty book whose lastUpdateId lies inside the buffered
      // diff's [U; u] (U - 2 would leave U - 1 missing: too old by the rule).
      naive.bids.clear();
      naive.asks.clear();
      assert.equal(
        p.onSnapshot('BTCUSDT', snapshotBody(payloads[i]!.U - 2, [], []), i),
        SnapshotOutcome.TOO_OLD,
      );
      assert.equal(
        p.onSnapshot('BTCUSDT', snapshotBody(payloads[i]!.U, [], []), i),
        SnapshotOutcome.APPLIED,
      );
    } else {
      assert.equal(outcome, FrameOutcome.BOOK_UPDATED, `line ${i + 1}`);
    }
    naive.apply(payloads[i]!.b, naive.bids);
    naive.apply(payloads[i]!.a, naive.asks);
    if (payloads[i]!.b.length === 0 || payloads[i]!.a.length === 0) oneSided++;
    assert.deepEqual(levelsOf(p, 'BTCUSDT', true), naive.sorted(true), `bids after line ${i + 1}`);
    assert.deepEqual(
      levelsOf(p, 'BTCUSDT', false),
      naive.sorted(false),
      `asks after line ${i + 1}`,
    );
    if (p.book('BTCUSDT').book.asks.qtyAt(parseFixed('148728.87')) > 0) sawFarLevel = true;
  }
  assert.deepEqual(gapsAfter, [2785678487, 2785684199, 2787483424]);
  assert.equal(p.counters.gaps, 3);
  assert.equal(p.counters.resyncs, 3);
  assert.ok(oneSided > 0, 'the fixture has one-sided frames and they apply');
  assert.ok(sawFarLevel, 'the level 25 % above the touch is kept');
  // Line 22's far ask (0.00036) survives to the end of its segment, next to a 119k touch.
  const allQtys = frames.flatMap((line) => (JSON.parse(line) as DepthPayload).a.map(([, q]) => q));
  assert.ok(allQtys.includes('0.00001000'));
  assert.equal(formatFixed(parseFixed('0.00001000')), '0.00001');
});

async function convertFixture(name: string, symbol: string, dir: string): Promise<string> {
  const out = join(dir, `${symbol}.jsonl`);
  const result = await convertHftbacktest(join(FIXTURE_DIR, name), symbol, out);
  assert.deepEqual(result.malformed, []);
  assert.equal(result.snapshots, 1);
  assert.equal(result.frames + result.snapshots, result.lines);
  return out;
}

/** Replays a converted file; checks against a naive book built from the same events. */
async function replayAndCheck(path: string, symbol: string) {
  const p = new MarketPipeline([symbol], {}, () => undefined);
  const naive = new NaiveBook();
  let snapshotL = -1;
  const depth: DepthPayload[] = [];
  let firstAppliedAfterSnapshot: DepthPayload | undefined;
  for await (const event of readRecording(path)) {
    assert.notEqual(event.kind, 'malformed');
    if (event.kind === 'snapshot') {
      const body = JSON.parse(event.data) as {
        lastUpdateId: number;
        bids: [string, string][];
        asks: [string, string][];
      };
      snapshotL = body.lastUpdateId;
      naive.apply(body.bids, naive.bids);
      naive.apply(body.asks, naive.asks);
      for (const d of depth) {
        if (d.u <= snapshotL) continue;
        firstAppliedAfterSnapshot ??= d;
        naive.apply(d.b, naive.bids);
        naive.apply(d.a, naive.asks);
      }
      assert.equal(p.onSnapshot(event.symbol, event.data, event.tsUs), SnapshotOutcome.APPLIED);
    } else if (event.kind === 'frame') {
      const outcome = p.onFrame(event.data, event.tsUs, 0);
      assert.notEqual(outcome, FrameOutcome.GAP);
      assert.notEqual(outcome, FrameOutcome.MALFORMED);
      if (event.stream.includes('@depth')) {
        const d = JSON.parse(event.data) as DepthPayload;
        if (snapshotL < 0) depth.push(d);
        else if (d.u > snapshotL) {
          firstAppliedAfterSnapshot ??= d;
          naive.apply(d.b, naive.bids);
          naive.apply(d.a, naive.asks);
        }
      }
    }
  }
  assert.equal(p.counters.gaps, 0);
  assert.equal(p.counters.malformed, 0);
  assert.equal(p.book(symbol).synced, true);
  assert.deepEqual(levelsOf(p, symbol, true), naive.sorted(true));
  assert.deepEqual(levelsOf(p, symbol, false), naive.sorted(false));
  return { p, snapshotL, depth, firstAppliedAfterSnapshot: firstAppliedAfterSnapshot! };
}

test('hftbacktest BTCUSDT: the snapshot falls inside the third diff, which applies first; no gaps; exact book', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-fixtures-'));
  try {
    const path = await convertFixture(
      'hftbacktest-binance-spot-btcusdt-20240808.gz',
      'BTCUSDT',
      dir,
    );
    const { p, snapshotL, depth, firstAppliedAfterSnapshot } = await replayAndCheck(
      path,
      'BTCUSDT',
    );
    assert.equal(depth.length, 3, 'three diffs arrive before the snapshot');
    assert.equal(firstAppliedAfterSnapshot, depth[2]);
    assert.ok(
      depth[2]!.U <= snapshotL + 1 && snapshotL + 1 <= depth[2]!.u,
      'straddling first diff',
    );
    assert.ok(depth[2]!.U < snapshotL + 1, 'and it starts before the snapshot');
    assert.equal(p.counters.stale, 2);
    assert.equal(p.counters.depthFrames, 3451);
    assert.equal(p.counters.trades, 9757);
    assert.equal(p.counters.bookTickers, 28040);
    assert.equal(p.counters.applied, 3451 - 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hftbacktest ETHUSDT: the first applicable diff has U = lastUpdateId + 1; no gaps; exact book', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-fixtures-'));
  try {
    const path = await convertFixture(
      'hftbacktest-binance-spot-ethusdt-20240808.gz',
      'ETHUSDT',
      dir,
    );
    const { p, snapshotL, firstAppliedAfterSnapshot } = await replayAndCheck(path, 'ETHUSDT');
    assert.equal(firstAppliedAfterSnapshot.U, snapshotL + 1);
    assert.equal(p.counters.gaps, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the converter keeps payloads byte-for-byte and cuts ns to µs exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-convert-'));
  try {
    const source = 'hftbacktest-binance-spot-btcusdt-20240808.gz';
    const path = await convertFixture(source, 'BTCUSDT', dir);
    const original = gunzipSync(readFileSync(join(FIXTURE_DIR, source)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    const converted = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    assert.equal(converted.length, original.length);
    for (const i of [0, 7, 100, original.length - 1]) {
      const [ns, json] = [
        original[i]!.slice(0, original[i]!.indexOf(' ')),
        original[i]!.slice(original[i]!.indexOf(' ') + 1),
      ];
      const line = JSON.parse(converted[i]!) as { ts: number; stream?: string; snapshot?: string };
      assert.equal(String(line.ts), ns.slice(0, -3));
      if (line.snapshot) {
        assert.equal(line.snapshot, 'BTCUSDT');
        assert.ok(converted[i]!.includes(json));
      } else {
        const dataText = json.slice(json.indexOf('"data":') + 7, -1);
        assert.ok(converted[i]!.endsWith(`"data":${dataText}}`));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every price and quantity in the fixtures round-trips exactly through 1e-8 units', () => {
  const texts = new Set<string>();
  for (const line of fixtureLines(REAL_DEPTH_FIXTURE)) {
    const d = JSON.parse(line) as DepthPayload;
    for (const [price, qty] of [...d.b, ...d.a]) texts.add(price).add(qty);
  }
  const gz = gunzipSync(
    readFileSync(join(FIXTURE_DIR, 'hftbacktest-binance-spot-ethusdt-20240808.gz')),
  ).toString('utf8');
  for (const match of gz.matchAll(/"(\d+\.\d{8})"/g)) texts.add(match[1]!);
  assert.ok(texts.size > 1000);
  for (const text of texts) {
    const trimmed = text.replace(/\.?0+$/, '') || '0';
    assert.equal(formatFixed(parseFixed(text)), trimmed, text);
  }
});
