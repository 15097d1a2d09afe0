import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_WINDOW_TICKS, type BookSide } from '../../main/engine/market/book-side.js';
import { BookSync, DiffOutcome } from '../../main/engine/market/book-sync.js';
import { DepthSnapshot } from '../../main/engine/market/depth-snapshot.js';
import { FrameParser, ParseStatus } from '../../main/engine/market/frame-parser.js';
import { parseFixed } from '../../shared/domain.js';
import { FIXTURE_DIR } from './market-helpers.js';

/**
 * The book is exact whatever its dense window: on both real recordings, every frame is
 * applied to Lockstep's book (byte scan + sync + BookSide) and to a Map book read with
 * JSON.parse, and they must agree: the top 20 levels after every frame, every level
 * every 100 frames and at the end. Widths: 64 ticks (nearly everything in the far
 * store, the window moving all the time), the former 4,096, and the default.
 */

type Levels = [string, string][];
interface Depth {
  U: number;
  u: number;
  b: Levels;
  a: Levels;
}

function load(file: string): { snapshot: string; frames: string[] } {
  let snapshot = '';
  const frames: string[] = [];
  for (const line of gunzipSync(readFileSync(join(FIXTURE_DIR, file)))
    .toString('utf8')
    .split('\n')) {
    const json = line.slice(line.indexOf(' ') + 1);
    if (json.includes('@depth')) frames.push(json);
    else if (snapshot === '' && json.startsWith('{"lastUpdateId"')) snapshot = json;
  }
  return { snapshot, frames };
}

class MapBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  last = 0;
  apply(side: Map<number, number>, levels: Levels): void {
    for (const [p, q] of levels) {
      const qty = parseFixed(q);
      if (qty === 0) side.delete(parseFixed(p));
      else side.set(parseFixed(p), qty);
    }
  }
  sorted(isBid: boolean, n = Infinity): number[][] {
    return [...(isBid ? this.bids : this.asks).entries()]
      .sort((x, y) => (isBid ? y[0] - x[0] : x[0] - y[0]))
      .slice(0, n);
  }
}

function topOf(side: BookSide, n: number): number[][] {
  const prices = new Float64Array(n);
  const qtys = new Float64Array(n);
  const count = side.top(n, prices, qtys);
  return Array.from({ length: count }, (_, i) => [prices[i]!, qtys[i]!]);
}

for (const [symbol, file] of [
  ['BTCUSDT', 'hftbacktest-binance-spot-btcusdt-20240808.gz'],
  ['ETHUSDT', 'hftbacktest-binance-spot-ethusdt-20240808.gz'],
] as const) {
  test(`${symbol}: the book equals a Map book after every real frame, whatever the dense window`, () => {
    const { snapshot, frames } = load(file);
    const syncs = new Map<number, BookSync>();
    // Pass 2 (default width) restarts the same book from the snapshot: a resync.
    for (const [width, pass] of [
      [64, 1],
      [4096, 1],
      [DEFAULT_WINDOW_TICKS, 1],
      [DEFAULT_WINDOW_TICKS, 2],
    ]) {
      const parser = new FrameParser([symbol]);
      const sync = syncs.get(width) ?? new BookSync(symbol, { windowTicks: width });
      syncs.set(width, sync);
      if (pass === 2) sync.reset();
      const body = new DepthSnapshot();
      assert.equal(body.read(snapshot), null);
      sync.onSnapshot(body);
      const reference = new MapBook();
      const raw = JSON.parse(snapshot) as { lastUpdateId: number; bids: Levels; asks: Levels };
      reference.apply(reference.bids, raw.bids);
      reference.apply(reference.asks, raw.asks);
      reference.last = raw.lastUpdateId;
      let applied = 0;
      frames.forEach((text, i) => {
        assert.equal(parser.parse(Buffer.from(text)), ParseStatus.FAST);
        const outcome = sync.onDiff(parser.frame);
        const d = (JSON.parse(text) as { data: Depth }).data;
        if (d.u <= reference.last) {
          assert.equal(outcome, DiffOutcome.STALE);
          return;
        }
        assert.equal(outcome, DiffOutcome.APPLIED, `${symbol} width ${width} frame ${i}`);
        applied++;
        reference.apply(reference.bids, d.b);
        reference.apply(reference.asks, d.a);
        reference.last = d.u;
        const where = `${symbol} width ${width} pass ${pass} after frame ${i}`;
        const every = i % 100 === 0 || i === frames.length - 1;
        const n = every ? Infinity : 20;
        assert.deepEqual(
          topOf(sync.book.bids, every ? sync.book.bids.count : 20),
          reference.sorted(true, n),
          `bids ${where}`,
        );
        assert.deepEqual(
          topOf(sync.book.asks, every ? sync.book.asks.count : 20),
          reference.sorted(false, n),
          `asks ${where}`,
        );
        assert.equal(sync.book.bids.count, reference.bids.size, `bid count ${where}`);
        assert.equal(sync.book.asks.count, reference.asks.size, `ask count ${where}`);
      });
      assert.ok(applied > 3000, `${symbol} width ${width}: ${applied} diffs applied`);
      for (const [price, qty] of reference.sorted(true))
        assert.equal(sync.book.bids.qtyAt(price), qty);
      for (const [price, qty] of reference.sorted(false))
        assert.equal(sync.book.asks.qtyAt(price), qty);
    }
  });
}
