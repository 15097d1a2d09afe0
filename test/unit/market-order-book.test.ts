import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderBook } from '../../main/engine/market/order-book.js';
import { parseFixed } from '../../shared/domain.js';
import { Rng } from '../../main/engine/core/rng.js';

/** The obviously-correct model: a Map per side, sorted on demand. */
class ReferenceBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  set(isBid: boolean, price: number, qty: number): void {
    const side = isBid ? this.bids : this.asks;
    if (qty === 0) side.delete(price);
    else side.set(price, qty);
  }
  levels(isBid: boolean): [number, number][] {
    const side = isBid ? this.bids : this.asks;
    return [...side.entries()].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
  }
}

const TICK = 1_000_000; // 0.01 in 1e-8 units

function assertSame(book: OrderBook, ref: ReferenceBook, context: string): void {
  const bids = ref.levels(true);
  const asks = ref.levels(false);
  assert.deepEqual(book.bids.levels(), bids, `bids ${context}`);
  assert.deepEqual(book.asks.levels(), asks, `asks ${context}`);
  assert.equal(book.bids.count, bids.length);
  assert.equal(book.asks.count, asks.length);
  assert.equal(book.bestBid(), bids.length ? bids[0]![0] : NaN);
  assert.equal(book.bestAsk(), asks.length ? asks[0]![0] : NaN);
  assert.equal(book.bids.bestQty(), bids.length ? bids[0]![1] : 0);
}

test('book matches a reference model through random updates, far levels and jumps of the touch', () => {
  const rng = new Rng(7);
  // A small window forces frequent re-centring and far-level migration.
  const book = new OrderBook('BTCUSDT', 256);
  const ref = new ReferenceBook();
  let mid = 6_000_000; // in ticks: 60000.00
  for (let step = 0; step < 60_000; step++) {
    if (rng.next() < 0.002) mid += Math.round((rng.next() - 0.5) * 4000); // touch jumps
    mid += Math.round((rng.next() - 0.5) * 4);
    const isBid = rng.next() < 0.5;
    const far = rng.next() < 0.05;
    const distance = far ? 1 + rng.int(1_500_000) : 1 + Math.floor(rng.exponential(0.05));
    const ticks = isBid ? mid - distance : mid + distance;
    if (ticks <= 0) continue;
    const price = ticks * TICK;
    const qty = rng.next() < 0.35 ? 0 : (1 + rng.int(100_000)) * 1000;
    if (isBid) book.setBid(price, qty);
    else book.setAsk(price, qty);
    ref.set(isBid, price, qty);
    if (step % 997 === 0) assertSame(book, ref, `at step ${step}`);
  }
  assertSame(book, ref, 'at the end');
});

test('a level 25 % away from the mid survives every re-centring of the window', () => {
  const book = new OrderBook('BTCUSDT', 128);
  const far = parseFixed('148728.87');
  book.setAsk(far, parseFixed('0.00036'));
  for (let i = 0; i < 2000; i++) {
    const touch = parseFixed('119000') + (i % 500) * 50 * TICK;
    book.setAsk(touch, parseFixed('0.5'));
    book.setBid(touch - 100 * TICK, parseFixed('0.25'));
    if (i % 3 === 0) book.setAsk(touch, 0);
  }
  assert.equal(book.asks.qtyAt(far), parseFixed('0.00036'));
  assert.deepEqual(book.asks.levels().at(-1), [far, parseFixed('0.00036')]);
  book.setAsk(far, 0);
  assert.equal(book.asks.qtyAt(far), 0);
  assert.ok(book.asks.levels().every(([price]) => price !== far));
});

test('removing the whole window brings the far levels to the touch', () => {
  const book = new OrderBook('BTCUSDT', 64);
  const near = parseFixed('100');
  const far = parseFixed('150');
  book.setBid(near, parseFixed('1'));
  book.setBid(far / 2, parseFixed('2')); // 50.00: far below
  book.setAsk(near + TICK, parseFixed('3'));
  book.setAsk(far, parseFixed('4'));
  book.setBid(near, 0);
  book.setAsk(near + TICK, 0);
  assert.equal(book.bestBid(), far / 2);
  assert.equal(book.bids.bestQty(), parseFixed('2'));
  assert.equal(book.bestAsk(), far);
  assert.equal(book.asks.bestQty(), parseFixed('4'));
});

test('top N returns the N best levels in order, crossing from the window into far levels', () => {
  const book = new OrderBook('ETHUSDT', 64);
  const prices = [3000, 2999.99, 2999.5, 2990, 2500, 1000].map((p) => parseFixed(p.toFixed(2)));
  prices.forEach((price, i) => book.setBid(price, (i + 1) * 100_000));
  const outP = new Float64Array(4);
  const outQ = new Float64Array(4);
  assert.equal(book.bids.top(4, outP, outQ), 4);
  assert.deepEqual([...outP], prices.slice(0, 4));
  assert.deepEqual([...outQ], [100_000, 200_000, 300_000, 400_000]);
  const all = new Float64Array(10);
  assert.equal(book.bids.top(10, all, new Float64Array(10)), 6);
  assert.deepEqual([...all.subarray(0, 6)], prices);
});

test('a price off the expected tick grid re-keys the side without losing a level', () => {
  const book = new OrderBook('BTCUSDT');
  book.setAsk(parseFixed('60000.01'), 5);
  book.setAsk(parseFixed('60100'), 6);
  book.setAsk(parseFixed('60000.005'), 7); // finer than BTCUSDT's 0.01 tick
  assert.deepEqual(book.asks.levels(), [
    [parseFixed('60000.005'), 7],
    [parseFixed('60000.01'), 5],
    [parseFixed('60100'), 6],
  ]);
});

test('a crossed book is detected, a touching-but-uncrossed one is not', () => {
  const book = new OrderBook('BTCUSDT');
  book.setBid(parseFixed('100'), 1);
  book.setAsk(parseFixed('100.01'), 1);
  assert.equal(book.isCrossed(), false);
  book.setBid(parseFixed('100.01'), 1);
  assert.equal(book.isCrossed(), true);
  book.setBid(parseFixed('100.01'), 0);
  assert.equal(book.isCrossed(), false);
});
