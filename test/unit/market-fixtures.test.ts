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
import { FIXTURE_DIR, snapshotBody } from './market-helpers.js';

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

/**
 * Real sequence gaps, cut from a real recording: the hftbacktest BTCUSDT file has none
 * (test/fixtures/README.md), so this test drops depth diffs from its converted recording —
 * one alone, then two in a row, then one more — and plays the rest through the pipeline.
 * The reference book sees every diff, dropped or not: it is the exchange's true book, and
 * at each gap its state plays the REST fetch (a fresh one restarts the book; one taken
 * before the dropped diff is refused as too old).
 */
test('gaps cut from the real BTCUSDT recording: each is found, a stale snapshot refused, a fresh one restores the exact book; far levels and tiny quantities kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'market-fixtures-'));
  try {
    const path = await convertFixture(
      'hftbacktest-binance-spot-btcusdt-20240808.gz',
      'BTCUSDT',
      dir,
    );
    const dropAt = new Set([1000, 2000, 2001, 3000]); // ordinals among the depth diffs
    const requests: string[] = [];
    const p = new MarketPipeline(
      ['BTCUSDT'],
      { onNeedSnapshot: (s) => requests.push(s) },
      () => undefined,
    );
    const truth = new NaiveBook();
    let truthId = -1; // the true book's lastUpdateId; -1 until the recording's snapshot
    const buffered: DepthPayload[] = [];
    const truthBody = (lastUpdateId: number): string =>
      snapshotBody(lastUpdateId, truth.sorted(true), truth.sorted(false));
    const applyTruth = (d: DepthPayload): void => {
      truth.apply(d.b, truth.bids);
      truth.apply(d.a, truth.asks);
      truthId = d.u;
    };
    const assertBookIsTrue = (context: string): void => {
      assert.deepEqual(levelsOf(p, 'BTCUSDT', true), truth.sorted(true), `bids ${context}`);
      assert.deepEqual(levelsOf(p, 'BTCUSDT', false), truth.sorted(false), `asks ${context}`);
    };
    let staleBody = '';
    let depthOrdinal = -1;
    let oneSided = 0;
    let tinyChecked = 0;
    const gapsAfter: number[] = [];
    for await (const event of readRecording(path)) {
      if (event.kind === 'snapshot') {
        const body = JSON.parse(event.data) as {
          lastUpdateId: number;
          bids: [string, string][];
          asks: [string, string][];
        };
        truth.apply(body.bids, truth.bids);
        truth.apply(body.asks, truth.asks);
        truthId = body.lastUpdateId;
        for (const d of buffered) if (d.u > truthId) applyTruth(d);
        assert.equal(p.onSnapshot('BTCUSDT', event.data, event.tsUs), SnapshotOutcome.APPLIED);
        assertBookIsTrue('after the recorded snapshot');
        continue;
      }
      assert.equal(event.kind, 'frame');
      if (event.kind !== 'frame') continue;
      if (!event.stream.includes('@depth')) {
        p.onFrame(event.data, event.tsUs, 0);
        continue;
      }
      depthOrdinal++;
      const d = JSON.parse(event.data) as DepthPayload;
      if (truthId < 0) {
        buffered.push(d);
        p.onFrame(event.data, event.tsUs, 0);
        continue;
      }
      if (d.u <= truthId) {
        assert.equal(p.onFrame(event.data, event.tsUs, 0), FrameOutcome.STALE);
        continue;
      }
      if (dropAt.has(depthOrdinal)) {
        // The dropped diff never reaches the pipeline; a fetch made now would be too old.
        if (!dropAt.has(depthOrdinal - 1)) staleBody = truthBody(truthId);
        applyTruth(d);
        continue;
      }
      const before = p.book('BTCUSDT').lastUpdateId;
      const outcome = p.onFrame(event.data, event.tsUs, 0);
      if (outcome === FrameOutcome.GAP) {
        gapsAfter.push(before);
        assert.equal(p.book('BTCUSDT').synced, false, 'a book with a gap is not synced');
        assert.equal(
          p.onSnapshot('BTCUSDT', staleBody, event.tsUs),
          SnapshotOutcome.TOO_OLD,
          'a snapshot taken before the dropped diff is too old',
        );
        // The fresh fetch, made once this diff is out: the buffered diff is then stale and
        // the next one must straddle the snapshot's lastUpdateId + 1.
        applyTruth(d);
        assert.equal(
          p.onSnapshot('BTCUSDT', truthBody(truthId), event.tsUs),
          SnapshotOutcome.APPLIED,
        );
        assertBookIsTrue(`after the resync at diff ${depthOrdinal}`);
        continue;
      }
      assert.equal(outcome, FrameOutcome.BOOK_UPDATED, `diff ${depthOrdinal}`);
      applyTruth(d);
      if (d.b.length === 0 || d.a.length === 0) oneSided++;
      // Quantities of 0.00001 (1,000 units of 1e-8) land exactly where the diff puts them.
      for (const [isBid, levels] of [
        [true, d.b],
        [false, d.a],
      ] as const) {
        for (const [price, qty] of levels) {
          if (qty !== '0.00001000') continue;
          const side = isBid ? p.book('BTCUSDT').book.bids : p.book('BTCUSDT').book.asks;
          assert.equal(side.qtyAt(parseFixed(price)), 1000, `${price} after diff ${depthOrdinal}`);
          tinyChecked++;
        }
      }
      if (depthOrdinal % 250 === 0) assertBookIsTrue(`after diff ${depthOrdinal}`);
    }
    assertBookIsTrue('at the end');
    // The gaps are where the diffs were dropped: just before ordinals 1000, 2000 and 3000.
    assert.equal(gapsAfter.length, 3);
    assert.equal(p.counters.gaps, 3);
    assert.equal(p.counters.resyncs, 3);
    assert.equal(p.counters.snapshotsTooOld, 3);
    assert.equal(requests.length >= 3, true, 'each gap asked for a fresh snapshot');
    assert.equal(p.book('BTCUSDT').synced, true);
    assert.ok(oneSided > 0, 'the recording has one-sided diffs and they apply');
    assert.ok(tinyChecked > 0, 'the recording has 0.00001 quantities and they are exact');
    // Levels far outside the book's dense window (4,096 ticks = 40.96 USDT) are kept.
    const bids = levelsOf(p, 'BTCUSDT', true);
    const spread = parseFixed(bids[0]![0]) - parseFixed(bids.at(-1)![0]);
    assert.ok(spread > parseFixed('100'), `bids span ${formatFixed(spread)} USDT`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  for (const name of [
    'hftbacktest-binance-spot-btcusdt-20240808.gz',
    'hftbacktest-binance-spot-ethusdt-20240808.gz',
  ]) {
    const gz = gunzipSync(readFileSync(join(FIXTURE_DIR, name))).toString('utf8');
    for (const match of gz.matchAll(/"(\d+\.\d{8})"/g)) texts.add(match[1]!);
  }
  assert.ok(texts.size > 1000);
  for (const text of texts) {
    const trimmed = text.replace(/\.?0+$/, '') || '0';
    assert.equal(formatFixed(parseFixed(text)), trimmed, text);
  }
});
