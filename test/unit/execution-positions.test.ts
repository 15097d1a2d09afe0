import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Liquidity, PositionBook } from '../../main/engine/execution/positions.js';
import {
  divRoundHalfAwayNum,
  mulDivRoundHalfAway,
  mulMulDivRoundHalfAway,
  weightedMean,
} from '../../main/engine/execution/fixed-math.js';
import { Rng } from '../../main/engine/core/rng.js';
import { u } from './execution-fixtures.js';

const BUY = 1;
const SELL = -1;
const noFees = { makerFeeBps: 0, takerFeeBps: 0 };

test('positions: average cost through buys, a reduce, a flip and partial covers (hand-computed)', () => {
  const book = new PositionBook(1, 1, noFees);
  const fill = (side: number, price: string, qty: string) => ({
    ...book.applyFill(0, 0, side, u(price), u(qty), Liquidity.TAKER),
  });

  // Buy 1 @ 100, buy 1 @ 102: long 2 at an average of 101.
  fill(BUY, '100', '1');
  let out = fill(BUY, '102', '1');
  assert.deepEqual([out.qtyAfter, out.avgCostAfter, out.realizedAfter], [u('2'), u('101'), 0]);
  // Sell 1 @ 105 realizes (105 − 101) × 1 = 4; the average stays 101.
  out = fill(SELL, '105', '1');
  assert.deepEqual(
    [out.qtyAfter, out.avgCostAfter, out.realizedAfter, out.realizedDelta],
    [u('1'), u('101'), u('4'), u('4')],
  );
  // Sell 2 @ 99 flips: closes 1 at (99 − 101) = −2 (total 2), opens short 1 at 99.
  out = fill(SELL, '99', '2');
  assert.deepEqual([out.qtyAfter, out.avgCostAfter, out.realizedAfter], [u('-1'), u('99'), u('2')]);
  // Buy 0.5 @ 97 covers half the short: (99 − 97) × 0.5 = +1 (total 3).
  out = fill(BUY, '97', '0.5');
  assert.deepEqual(
    [out.qtyAfter, out.avgCostAfter, out.realizedAfter],
    [u('-0.5'), u('99'), u('3')],
  );
  // Buy 0.5 @ 100 closes it: (99 − 100) × 0.5 = −0.5 (total 2.5); flat, average 0.
  out = fill(BUY, '100', '0.5');
  assert.deepEqual([out.qtyAfter, out.avgCostAfter, out.realizedAfter], [0, 0, u('2.5')]);
  assert.equal(book.get(0, 0).fills, 6);
});

test('positions: the weighted average is rounded half away from zero to 1e-8, once per fill', () => {
  const book = new PositionBook(1, 1, noFees);
  book.applyFill(0, 0, BUY, u('100'), u('1'), Liquidity.TAKER);
  const out = book.applyFill(0, 0, BUY, u('101'), u('2'), Liquidity.TAKER);
  // (100 + 202) / 3 = 100.666666666… → 100.66666667
  assert.equal(out.avgCostAfter, u('100.66666667'));
});

test('positions: exact where price × quantity exceeds 2^53', () => {
  const book = new PositionBook(1, 1, noFees);
  // 119000.01 × 3 BTC in 1e-8 units is ~3.6e21, far beyond 2^53.
  book.applyFill(0, 0, BUY, u('119000.01'), u('3'), Liquidity.TAKER);
  book.applyFill(0, 0, BUY, u('119000.03'), u('1'), Liquidity.TAKER);
  let out = book.applyFill(0, 0, SELL, u('119000.04'), u('1.5'), Liquidity.TAKER);
  // avg = (357000.03 + 119000.03) / 4 = 119000.015; realized = 0.025 × 1.5 = 0.0375
  assert.equal(out.avgCostAfter, u('119000.015'));
  assert.equal(out.realizedAfter, u('0.0375'));
  out = book.applyFill(0, 0, SELL, u('118000'), u('2.50000001'), Liquidity.TAKER);
  // closes 2.5 at −1000.015 → −2500.0375 (total −2500); opens short 0.00000001 at 118000
  assert.equal(out.realizedAfter, u('-2500'));
  assert.equal(out.qtyAfter, -1);
  assert.equal(out.avgCostAfter, u('118000'));
});

test('positions: realized PnL rounds half away from zero, symmetric for gains and losses', () => {
  const long = new PositionBook(1, 1, noFees);
  long.applyFill(0, 0, BUY, u('10'), u('1'), Liquidity.TAKER);
  // (10.00000001 − 10) × 0.5 = 0.000000005 → 0.00000001
  assert.equal(
    long.applyFill(0, 0, SELL, u('10.00000001'), u('0.5'), Liquidity.TAKER).realizedDelta,
    1,
  );
  const short = new PositionBook(1, 1, noFees);
  short.applyFill(0, 0, SELL, u('10'), u('1'), Liquidity.TAKER);
  // (10 − 10.00000001) × 0.5 = −0.000000005 → −0.00000001
  assert.equal(
    short.applyFill(0, 0, BUY, u('10.00000001'), u('0.5'), Liquidity.TAKER).realizedDelta,
    -1,
  );
});

test('positions: maker and taker fees (and a rebate) come out of realized PnL', () => {
  const book = new PositionBook(1, 1, { makerFeeBps: 1, takerFeeBps: 5 });
  // Taker buy 2 @ 50000: notional 100000, fee 5 bp = 50.
  let out = book.applyFill(0, 0, BUY, u('50000'), u('2'), Liquidity.TAKER);
  assert.equal(out.fee, u('50'));
  assert.equal(out.realizedAfter, u('-50'));
  // Maker sell 2 @ 50100: +200 gross, fee 1 bp of 100200 = 10.02 → total 139.98.
  out = book.applyFill(0, 0, SELL, u('50100'), u('2'), Liquidity.MAKER);
  assert.equal(out.fee, u('10.02'));
  assert.equal(out.realizedAfter, u('139.98'));
  assert.equal(book.get(0, 0).fees, u('60.02'));

  const rebate = new PositionBook(1, 1, { makerFeeBps: -0.5, takerFeeBps: 0 });
  // Maker buy 1 @ 119000.01: rebate 0.5 bp = 5.9500005 → −5.9500005 fee (exact at 1e-8).
  out = rebate.applyFill(0, 0, BUY, u('119000.01'), u('1'), Liquidity.MAKER);
  assert.equal(out.fee, -u('5.9500005'));
  assert.equal(out.realizedAfter, u('5.9500005'));
});

test('positions: unrealized PnL marks to the given mid; strategies and symbols are separate', () => {
  const book = new PositionBook(2, 2, noFees);
  book.applyFill(0, 1, BUY, u('101'), u('2'), Liquidity.TAKER);
  book.applyFill(1, 1, SELL, u('100'), u('0.5'), Liquidity.TAKER);
  assert.equal(book.unrealizedPnl(0, 1, u('103')), u('4'));
  assert.equal(book.unrealizedPnl(1, 1, u('103')), u('-1.5'));
  assert.equal(book.unrealizedPnl(0, 0, u('103')), 0);
  assert.equal(book.netQty(1), u('1.5'));
  assert.equal(book.netQty(0), 0);
});

test('positions: restore refuses values that are not integer units, and out-of-range slots', () => {
  const book = new PositionBook(1, 1, noFees);
  assert.throws(
    () => book.restore(0, 0, 1.5, u('100'), 0),
    /quantity must be an integer count of 1e-8 units/,
  );
  assert.throws(() => book.restore(0, 0, u('1'), -1, 0), /average cost must not be negative/);
  assert.throws(
    () => book.restore(0, 3, u('1'), u('100'), 0),
    /no position slot for strategy index 0, symbol index 3/,
  );
  book.restore(0, 0, u('-2'), u('100'), u('7'));
  const out = book.applyFill(0, 0, BUY, u('99'), u('1'), Liquidity.TAKER);
  assert.deepEqual(
    [out.qtyAfter, out.avgCostAfter, out.realizedAfter],
    [u('-1'), u('100'), u('8')],
  );
});

test('fixed math: the double fast path and the BigInt path agree with exact rational rounding', () => {
  assert.equal(divRoundHalfAwayNum(5, 2), 3);
  assert.equal(divRoundHalfAwayNum(-5, 2), -3);
  assert.equal(divRoundHalfAwayNum(7, 3), 2);
  assert.equal(divRoundHalfAwayNum(-7, 3), -2);
  // Around and beyond 2^53: compare with BigInt ground truth.
  const cases: [number, number, number][] = [
    [11_900_001_000_000, 300_000_000, 100_000_000],
    [-123_456_789, 987_654_321, 100_000_000],
    [2 ** 26 + 1, 2 ** 26 - 1, 3],
    [94_906_265, 94_906_267, 7],
  ];
  for (const [a, b, d] of cases) {
    const n = BigInt(a) * BigInt(b);
    const D = BigInt(d);
    const abs = n < 0n ? -n : n;
    let q = abs / D;
    if ((abs % D) * 2n >= D) q += 1n;
    assert.equal(mulDivRoundHalfAway(a, b, d), Number(n < 0n ? -q : q), `${a} × ${b} / ${d}`);
  }
  assert.equal(weightedMean(u('119000.01'), u('3'), u('119000.03'), u('1')), u('119000.015'));
  assert.equal(weightedMean(1, 1, 2, 1), 2); // 1.5 rounds up
});

/** Exact round-half-away-from-zero of n / d in BigInt, the reference for the double fast paths. */
function exact(n: bigint, d: bigint): number {
  const abs = n < 0n ? -n : n;
  let q = abs / d;
  if ((abs % d) * 2n >= d) q += 1n;
  return Number(n < 0n ? -q : q);
}

test('fixed math: the double estimates never round differently from exact arithmetic, near-ties included', () => {
  const rng = new Rng(99);
  const big = () => 1 + rng.int(2 ** 20) * 2 ** 24 + rng.int(2 ** 24); // up to ~2^44
  for (let i = 0; i < 20_000; i++) {
    const a = big() * (rng.next() < 0.5 ? -1 : 1);
    const b = 1 + rng.int(2 ** 30);
    const d = i % 2 === 0 ? 100_000_000 : 1 + rng.int(1e8);
    assert.equal(
      mulDivRoundHalfAway(a, b, d),
      exact(BigInt(a) * BigInt(b), BigInt(d)),
      `${a} × ${b} / ${d}`,
    );
    const c = rng.int(2_000_000_000) - 100_000_000;
    assert.equal(
      mulMulDivRoundHalfAway(Math.abs(a), b, c, 1e18),
      exact(BigInt(Math.abs(a)) * BigInt(b) * BigInt(c), 10n ** 18n),
    );
    const qa = 1 + rng.int(2 ** 30);
    const qb = 1 + rng.int(2 ** 30);
    const pa = Math.abs(a);
    const pb = big();
    assert.equal(
      weightedMean(pa, qa, pb, qb),
      exact(BigInt(pa) * BigInt(qa) + BigInt(pb) * BigInt(qb), BigInt(qa + qb)),
    );
  }
  // Exact ties beyond 2^51: (odd × odd) / 2 is k + 0.5 and must round away from zero.
  for (const [a, b] of [
    [2 ** 26 + 1, 2 ** 26 + 3],
    [300_000_001, 300_000_003],
    [-(2 ** 27 + 5), 2 ** 27 + 7],
  ] as const) {
    assert.equal(mulDivRoundHalfAway(a, b, 2), exact(BigInt(a) * BigInt(b), 2n), `${a} × ${b} / 2`);
  }
  // Products exactly at, one unit under and one unit over a half at the 1e-8 division, at
  // BTC magnitudes: p × q ≡ 5e7 + δ (mod 1e8), built with q's inverse modulo 1e8.
  const M = 100_000_000n;
  const inverse = (x: bigint): bigint => {
    let [r0, r1, s0, s1] = [M, x % M, 0n, 1n];
    while (r1 !== 0n) {
      const t = r0 / r1;
      [r0, r1, s0, s1] = [r1, r0 - t * r1, s1, s0 - t * s1];
    }
    return ((s0 % M) + M) % M;
  };
  for (const q of [14_348_907, 300_000_001, 99_999_999, 1_234_567]) {
    const qInv = inverse(BigInt(q));
    for (const delta of [-1n, 0n, 1n]) {
      const residue = ((50_000_000n + delta) * qInv) % M;
      const p = Number(residue + 119_000n * M);
      const n = BigInt(p) * BigInt(q);
      assert.equal(n % M, 50_000_000n + delta);
      assert.equal(mulDivRoundHalfAway(p, q, 1e8), exact(n, M), `${p} × ${q} / 1e8`);
      assert.equal(mulDivRoundHalfAway(-p, q, 1e8), exact(-n, M), `-${p} × ${q} / 1e8`);
    }
  }
});
