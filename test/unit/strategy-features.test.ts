import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureSet } from '../../main/engine/strategy/features/feature-set.js';
import { PERSISTED_FEATURE_COUNT } from '../../main/engine/strategy/features/feature-vector.js';
import { Rng } from '../../main/engine/core/rng.js';
import { PersistRecord, SignalRow } from '../../shared/records.js';
import { bookRecord, closeTo, params, tradeRecord, type BookSpec } from './strategy-fixtures.js';

const near = (actual: number, expected: number, what: string, tolerance = 1e-12): void => {
  assert.ok(closeTo(actual, expected, tolerance), `${what}: got ${actual}, expected ${expected}`);
};

// Four small books, depth_levels = 2, decays 0.5, window 1000 ms. Hand values:
//   S0 t=0      bids 100×3, 99×1   asks 101×1, 102×1   B=4 A=2  I= 1/3   mid 100.5
//   S1 t=200ms  bids 101×1, 100×1  asks 102×3, 103×1   B=2 A=4  I=-1/3   mid 101.5
//   S2 t=500ms  bids 100×2, 99×2   asks 101×2, 102×2   B=4 A=4  I= 0     mid 100.5
//   S3 t=900ms  bids 102×5         asks 103×1, 104×2   B=5 A=3  I= 1/4   mid 102.5
const S: BookSpec[] = [
  {
    tsUs: 0,
    bids: [
      ['100', '3'],
      ['99', '1'],
    ],
    asks: [
      ['101', '1'],
      ['102', '1'],
    ],
    updateId: 10,
  },
  {
    tsUs: 200_000,
    bids: [
      ['101', '1'],
      ['100', '1'],
    ],
    asks: [
      ['102', '3'],
      ['103', '1'],
    ],
    updateId: 11,
  },
  {
    tsUs: 500_000,
    bids: [
      ['100', '2'],
      ['99', '2'],
    ],
    asks: [
      ['101', '2'],
      ['102', '2'],
    ],
    updateId: 12,
  },
  {
    tsUs: 900_000,
    bids: [['102', '5']],
    asks: [
      ['103', '1'],
      ['104', '2'],
    ],
    updateId: 13,
  },
];
const smallParams = params({
  depth_levels: 2,
  imbalance_decay: 0.5,
  momentum_decay: 0.5,
  feature_window_ms: 1000,
});

test('microstructure features: hand-computed values on four small books', () => {
  const set = new FeatureSet(smallParams);
  const v = set.vector;
  assert.deepEqual(v.names.slice(0, 6), [
    'mid',
    'spread_bps',
    'imbalance',
    'weighted_imbalance',
    'volatility',
    'momentum',
  ]);

  assert.equal(set.onBook(bookRecord(S[0]!), 0), true);
  near(v.get('mid'), 100.5, 'mid S0');
  near(v.get('spread_bps'), (1 / 100.5) * 1e4, 'spread_bps S0');
  near(v.get('imbalance'), 1 / 3, 'imbalance S0');
  near(v.get('weighted_imbalance'), 1 / 3, 'weighted S0');
  assert.equal(v.get('volatility'), 0, 'one mid: volatility 0');
  assert.equal(v.get('momentum'), 0, 'one mid: momentum 0');
  assert.equal(v.tsUs, 0);
  assert.equal(v.updateId, 10);

  set.onBook(bookRecord(S[1]!), 0);
  const a = Math.log(101.5 / 100.5);
  near(v.get('imbalance'), -1 / 3, 'imbalance S1');
  near(v.get('weighted_imbalance'), (-1 / 3 + 0.5 * (1 / 3)) / 1.5, 'weighted S1');
  near(v.get('volatility'), Math.sqrt((a * a) / 1), 'volatility S1');
  near(v.get('momentum'), a, 'momentum S1');

  set.onBook(bookRecord(S[2]!), 0);
  set.onBook(bookRecord(S[3]!), 0);
  const r0 = Math.log(102.5 / 100.5);
  const r1 = Math.log(100.5 / 101.5);
  const r2 = Math.log(101.5 / 100.5);
  near(v.get('mid'), 102.5, 'mid S3');
  near(v.get('spread_bps'), (1 / 102.5) * 1e4, 'spread_bps S3');
  near(v.get('imbalance'), 0.25, 'imbalance S3 (one bid level only)');
  near(
    v.get('weighted_imbalance'),
    (0.25 + 0.5 * 0 + 0.25 * (-1 / 3) + 0.125 * (1 / 3)) / 1.875,
    'weighted S3',
  );
  near(v.get('volatility'), Math.sqrt((r0 * r0 + r1 * r1 + r2 * r2) / 3), 'volatility S3');
  near(v.get('momentum'), r0 + 0.5 * r1 + 0.25 * r2, 'momentum S3');
});

test('microstructure features: the window evicts by receive time, boundary inclusive', () => {
  const set = new FeatureSet(smallParams);
  const v = set.vector;
  for (const spec of S) set.onBook(bookRecord(spec), 0);
  // S4 at 1250 ms: the window starts at 250 ms, so S0 and S1 leave; S2, S3, S4 remain.
  set.onBook(bookRecord({ tsUs: 1_250_000, bids: [['102', '1']], asks: [['103', '1']] }), 0);
  const r = Math.log(102.5 / 100.5);
  near(v.get('weighted_imbalance'), (0 + 0.5 * 0.25 + 0.25 * 0) / 1.75, 'weighted after eviction');
  near(v.get('volatility'), Math.sqrt((0 + r * r) / 2), 'volatility after eviction');
  near(v.get('momentum'), 0 + 0.5 * r, 'momentum after eviction');

  // S5 at exactly 1500 ms: S2 (500 ms) is exactly feature_window_ms old and stays in.
  set.onBook(bookRecord({ tsUs: 1_500_000, bids: [['104', '1']], asks: [['105', '3']] }), 0);
  const i5 = (1 - 3) / 4;
  const q0 = Math.log(104.5 / 102.5);
  near(
    v.get('weighted_imbalance'),
    (i5 + 0.5 * 0 + 0.25 * 0.25 + 0.125 * 0) / 1.875,
    'weighted at boundary',
  );
  near(v.get('volatility'), Math.sqrt((q0 * q0 + 0 + r * r) / 3), 'volatility at boundary');

  // A long silence empties the window down to the newest snapshot.
  set.onBook(bookRecord({ tsUs: 9_000_000, bids: [['104', '1']], asks: [['105', '1']] }), 0);
  near(v.get('weighted_imbalance'), 0, 'weighted alone');
  assert.equal(v.get('volatility'), 0);
  assert.equal(v.get('momentum'), 0);
});

test('microstructure features: a live decay or window change recomputes from the window', () => {
  const set = new FeatureSet(smallParams);
  const v = set.vector;
  for (const spec of S.slice(0, 3)) set.onBook(bookRecord(spec), 0);
  set.setParams(params({ ...smallParams, imbalance_decay: 0.9, momentum_decay: 0.8 }));
  set.onBook(bookRecord(S[3]!), 0);
  const r0 = Math.log(102.5 / 100.5);
  const r1 = Math.log(100.5 / 101.5);
  const r2 = Math.log(101.5 / 100.5);
  const weights = 1 + 0.9 + 0.81 + 0.729;
  near(
    v.get('weighted_imbalance'),
    (0.25 + 0.9 * 0 + 0.81 * (-1 / 3) + 0.729 * (1 / 3)) / weights,
    'weighted with new decay',
  );
  near(v.get('momentum'), r0 + 0.8 * r1 + 0.64 * r2, 'momentum with new decay');

  // Shrinking the window to 450 ms keeps only S2 (500 ms) and S3 (900 ms).
  set.setParams(
    params({ ...smallParams, imbalance_decay: 0.9, momentum_decay: 0.8, feature_window_ms: 450 }),
  );
  set.onBook(bookRecord({ ...S[3]!, tsUs: 950_000 }), 0);
  near(
    v.get('weighted_imbalance'),
    (0.25 + 0.9 * 0.25 + 0.81 * 0) / (1 + 0.9 + 0.81),
    'weighted in the shorter window',
  );
  near(v.get('volatility'), Math.sqrt((0 + r0 * r0) / 2), 'volatility in the shorter window');
});

test('microstructure features: incremental sums equal the formulas over thousands of random ticks', () => {
  const rng = new Rng(7);
  const capacity = 64;
  let p = params({
    depth_levels: 3,
    imbalance_decay: 0.93,
    momentum_decay: 0.85,
    feature_window_ms: 2000,
  });
  const set = new FeatureSet(p, { windowCapacity: capacity });
  const v = set.vector;
  const history: { ts: number; mid: number; imbalance: number }[] = [];
  let ts = 0;
  let mid = 30000;
  for (let k = 0; k < 5000; k++) {
    // Bursts and silences so evictions of 0, 1 and many entries all happen.
    ts += rng.next() < 0.1 ? Math.floor(rng.next() * 3_000_000) : Math.floor(rng.next() * 150_000);
    mid = Math.max(1, Math.round((mid + rng.normal() * 2) * 100) / 100);
    const bidQty = (1 + rng.int(500)) / 100;
    const askQty = (1 + rng.int(500)) / 100;
    const book = {
      tsUs: ts,
      bids: [[(mid - 0.01).toFixed(2), bidQty.toFixed(2)]] as const,
      asks: [[(mid + 0.01).toFixed(2), askQty.toFixed(2)]] as const,
    };
    if (k === 2500) {
      p = { ...p, imbalance_decay: 0.5, feature_window_ms: 700 };
      set.setParams(p);
    }
    set.onBook(bookRecord(book), 0);
    history.unshift({ ts, mid, imbalance: (bidQty - askQty) / (bidQty + askQty) });
    // Reference: straight from DESIGN.md §5 over the snapshots in the window.
    let n = 0;
    while (
      n < history.length &&
      n < capacity - 1 &&
      history[n]!.ts >= ts - p.feature_window_ms * 1000
    )
      n++;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += p.imbalance_decay ** i * history[i]!.imbalance;
      den += p.imbalance_decay ** i;
    }
    let sq = 0;
    let mom = 0;
    for (let i = 0; i < n - 1; i++) {
      const r = Math.log(history[i]!.mid / history[i + 1]!.mid);
      sq += r * r;
      mom += p.momentum_decay ** i * r;
    }
    near(v.get('weighted_imbalance'), num / den, `weighted at tick ${k}`, 1e-9);
    near(
      v.get('volatility'),
      n >= 2 ? Math.sqrt(sq / (n - 1)) : 0,
      `volatility at tick ${k}`,
      1e-7,
    );
    assert.ok(Math.abs(v.get('momentum') - (n >= 2 ? mom : 0)) < 1e-12, `momentum at tick ${k}`);
    if (history.length > 200) history.length = 200;
  }
});

test('book with an empty side: no window entry, no features', () => {
  const set = new FeatureSet(smallParams);
  assert.equal(set.onBook(bookRecord({ tsUs: 1, bids: [['100', '1']], asks: [] }), 0), false);
  assert.equal(set.onBook(bookRecord({ tsUs: 2, bids: [], asks: [['100', '1']] }), 0), false);
  assert.equal(set.buffer.size, 0);
  assert.equal(set.onBook(bookRecord(S[0]!), 0), true);
  assert.equal(set.buffer.size, 1);
});

test('order-book features: depth over depth_levels, spread, distance-weighted pressure', () => {
  const set = new FeatureSet(smallParams);
  const v = set.vector;
  set.onBook(
    bookRecord({
      tsUs: 0,
      bids: [
        ['100', '3'],
        ['99', '1'],
        ['98', '7'],
      ],
      asks: [
        ['101', '1'],
        ['102', '1'],
      ],
    }),
    0,
  );
  assert.equal(v.get('bid_depth'), 4, 'two best bid levels');
  assert.equal(v.get('ask_depth'), 2);
  assert.equal(v.get('spread'), 1);
  const mid = 100.5;
  const w = (price: number): number => 1 / (1 + (Math.abs(price - mid) / mid) * 1e4);
  const bid = 3 * w(100) + 1 * w(99) + 7 * w(98);
  const ask = 1 * w(101) + 1 * w(102);
  near(v.get('book_pressure'), (bid - ask) / (bid + ask), 'book_pressure over every level');
  assert.ok(Math.abs(v.get('book_pressure')) <= 1);
});

test('trade features: VWAP, aggressor flow from the buyer-maker flag, time eviction, VPIN buckets', () => {
  const set = new FeatureSet(smallParams, { trades: { bucketNotional: 100, bucketCount: 2 } });
  const v = set.vector;
  set.onBook(bookRecord({ tsUs: 50_000, bids: [['100', '1']], asks: [['101', '1']] }), 0);
  assert.ok(Number.isNaN(v.get('vwap')), 'no trade: vwap is NaN');
  assert.equal(v.get('trade_flow'), 0);
  assert.equal(v.get('trade_volume'), 0);
  assert.ok(Number.isNaN(v.get('toxicity')), 'no completed bucket: toxicity is NaN');

  set.onTrade(tradeRecord(100_000, '100', '1', false), 0); // m=false: aggressive buy, notional 100
  set.onTrade(tradeRecord(300_000, '102', '3', true), 0); // m=true: aggressive sell, notional 306
  set.onBook(bookRecord({ tsUs: 1_000_000, bids: [['100', '1']], asks: [['101', '1']] }), 0);
  near(v.get('vwap'), (100 + 306) / 4, 'vwap');
  assert.equal(v.get('trade_flow'), 1 - 3);
  assert.equal(v.get('trade_volume'), 4);
  // Buckets of 100: [buy 100] [sell 100] [sell 100], 6 sell left over; last two: 100, 100.
  near(v.get('toxicity'), (100 + 100) / (2 * 100), 'vpin');

  set.onTrade(tradeRecord(1_200_000, '101', '2', false), 0); // buy, notional 202
  set.onBook(bookRecord({ tsUs: 1_250_000, bids: [['100', '1']], asks: [['101', '1']] }), 0);
  // Window from 250 ms: the first trade (100 ms) is out.
  near(v.get('vwap'), (306 + 202) / 5, 'vwap after eviction');
  assert.equal(v.get('trade_flow'), -3 + 2);
  assert.equal(v.get('trade_volume'), 5);
  // Bucket 4: sell 6 + buy 94 → 88; bucket 5: buy 100 → 100; 8 buy left over.
  near(v.get('toxicity'), (88 + 100) / (2 * 100), 'vpin after more buckets');
});

test('feature vector: stable order, 8 persisted slots, unknown names are a clear error', () => {
  const set = new FeatureSet(smallParams);
  assert.deepEqual(set.vector.names, [
    'mid',
    'spread_bps',
    'imbalance',
    'weighted_imbalance',
    'volatility',
    'momentum',
    'book_pressure',
    'bid_depth',
    'ask_depth',
    'spread',
    'trade_flow',
    'vwap',
    'trade_volume',
    'toxicity',
  ]);
  set.onBook(bookRecord(S[0]!), 0);
  const out = new Float64Array(PersistRecord.SLOTS);
  const row = new SignalRow().begin(out, 0);
  set.vector.copyPersisted(row);
  assert.deepEqual(
    Array.from({ length: PERSISTED_FEATURE_COUNT }, (_, i) => row.feature(i)),
    [...set.vector.values.slice(0, 8)],
  );
  assert.equal(row.strength, 0, 'only the feature fields are written');
  assert.equal(row.holdingPeriodMs, 0, 'only the feature fields are written');
  assert.throws(() => set.vector.slot('nope'), /unknown feature "nope"; known: mid, spread_bps/);
});
