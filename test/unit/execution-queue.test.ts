import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed } from '../../shared/domain.js';
import { Rng } from '../../main/engine/core/rng.js';
import {
  depthAtLevel,
  joinQueue,
  probCancelAhead,
  queuePosition,
  tradeAtLevel,
  type QueueSlot,
} from '../../main/engine/execution/queue-model.js';
import {
  bookRecord,
  harness,
  newOrder,
  testConfig,
  tradeRecord,
  u,
  type FillSnapshot,
} from './execution-fixtures.js';

const fillsOf = (rows: readonly FillSnapshot[]) =>
  rows.map((r) => [formatFixed(r.price), formatFixed(r.qty)]);
const slot = (): QueueSlot => ({ ahead: 0, levelQty: NaN, tradedSinceBook: 0 });

test('queue model: P(cancel ahead) = f(ahead) / (f(ahead) + f(behind)), f(x) = x^n', () => {
  assert.equal(probCancelAhead(1, 1, 2), 0.5);
  assert.equal(probCancelAhead(1, 3, 0), 0.5);
  assert.ok(Math.abs(probCancelAhead(1, 3, 2) - 0.1) < 1e-15);
  assert.ok(Math.abs(probCancelAhead(3, 1, 1) - 0.75) < 1e-15);
  assert.equal(probCancelAhead(0, 5, 2), 0);
  assert.equal(probCancelAhead(5, 0, 2), 1);
});

test('queue model: trades consume the queue ahead first, depth increases never move us, cancels split by the model', () => {
  const s = slot();
  joinQueue(s, 100);
  assert.equal(s.ahead, 100);
  assert.equal(tradeAtLevel(s, 30), 0);
  assert.equal(s.ahead, 70);
  // The book shows 70 + 50 newcomers: the 30 traded are not a cancellation, the rise is behind us.
  depthAtLevel(s, 120, 2);
  assert.equal(s.ahead, 70);
  // 120 → 100 with no trades: 20 cancelled; ahead 70, behind 50: P(ahead) = 4900 / (4900 + 2500).
  depthAtLevel(s, 100, 2);
  const p = 4900 / 7400;
  assert.ok(Math.abs(s.ahead - (70 - 20 * p)) < 1e-9, `ahead ${s.ahead}`);
  // A trade larger than the queue ahead: the excess reaches us.
  const ahead = s.ahead;
  assert.ok(Math.abs(tradeAtLevel(s, 80) - (80 - ahead)) < 1e-9);
  assert.equal(s.ahead, 0);
  assert.equal(queuePosition(s), 1);
});

test('queue model: a cancellation larger than the queue behind must come from ahead; ahead never exceeds the level', () => {
  const s = slot();
  joinQueue(s, 100);
  depthAtLevel(s, 130, 0); // 30 behind
  depthAtLevel(s, 10, 0); // 120 cancelled: n = 0 splits 60/60, but only 30 stand behind
  assert.equal(s.ahead, 10); // 100 − 90 = 10, and ≤ the 10 displayed
  depthAtLevel(s, 4, 0);
  assert.equal(s.ahead, 4);
  // Unknown level (beyond the 20 levels sent): we are at its back when it shows.
  const deep = slot();
  joinQueue(deep, NaN);
  assert.equal(deep.ahead, Infinity);
  assert.equal(queuePosition(deep), 0);
  depthAtLevel(deep, 7, 2);
  assert.equal(deep.ahead, 7);
  assert.equal(queuePosition(deep), 0);
});

test('broker: a resting order fills only after the trades at its price have eaten the queue ahead', () => {
  const h = harness();
  h.broker.onMarket(bookRecord({ ts: 1_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }), 0);
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'PostOnly', price: '100.00', qty: '1' }),
    0,
  );
  h.broker.onMarket(tradeRecord({ ts: 1_100, price: '100.00', qty: '0.6', buyerMaker: true }), 0);
  assert.equal(h.fills().length, 0);
  h.broker.onMarket(tradeRecord({ ts: 1_200, price: '100.00', qty: '0.7', buyerMaker: true }), 0);
  assert.deepEqual(fillsOf(h.fills()), [['100', '0.3']]);
  h.broker.onMarket(tradeRecord({ ts: 1_300, price: '100.00', qty: '5', buyerMaker: true }), 0);
  assert.deepEqual(fillsOf(h.fills()), [
    ['100', '0.3'],
    ['100', '0.7'],
  ]);
  assert.equal(h.broker.counters.queueFills, 2);
  assert.equal(h.broker.openOrders().length, 0);
  // A trade at a worse price for the other side does nothing; through our price fills all.
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_300, side: 'Sell', type: 'Limit', price: '100.10', qty: '2' }),
    0,
  );
  h.broker.onMarket(tradeRecord({ ts: 1_400, price: '100.05', qty: '9' }), 0);
  assert.equal(h.fills().length, 2);
  h.broker.onMarket(tradeRecord({ ts: 1_500, price: '100.12', qty: '0.01' }), 0);
  assert.deepEqual(fillsOf(h.fills().slice(2)), [['100.1', '2']]);
  assert.equal(h.broker.counters.tradeThroughFills, 1);
});

test('broker: cancellations at our level move us up by the model; traded quantity is not counted twice', () => {
  const h = harness({}, { queuePower: 2 });
  const book = (ts: number, bidQty: string) =>
    bookRecord({ ts, bids: [['100.00', bidQty]], asks: [['100.10', '1']] });
  h.broker.onMarket(book(1_000, '1'), 0);
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100.00', qty: '1' }),
    0,
  );
  h.broker.onMarket(book(2_000, '2'), 0); // 1 joins behind us: ahead 1, behind 1
  h.broker.onMarket(tradeRecord({ ts: 2_100, price: '100.00', qty: '0.5', buyerMaker: true }), 0); // ahead 0.5
  h.broker.onMarket(book(3_000, '1.5'), 0); // −0.5, all explained by the trade: no cancellation
  h.broker.onMarket(book(4_000, '1'), 0); // −0.5 cancelled: ahead 0.5, behind 1 → P(ahead) = 0.25/1.25 = 0.2
  // ahead = 0.5 − 0.5 × 0.2 = 0.4: a 0.5 trade now reaches us for 0.1.
  h.broker.onMarket(tradeRecord({ ts: 4_100, price: '100.00', qty: '0.5', buyerMaker: true }), 0);
  assert.equal(h.fills().length, 1);
  assert.ok(Math.abs(h.fills()[0]!.qty - u('0.1')) <= 1, `fill ${h.fills()[0]!.qty}`);
});

test('broker: the book crossing a resting order fills it as maker at its own price', () => {
  const h = harness();
  h.broker.onMarket(bookRecord({ ts: 1_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }), 0);
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Sell', type: 'Limit', price: '100.10', qty: '0.5' }),
    0,
  );
  h.broker.onMarket(bookRecord({ ts: 2_000, bids: [['100.12', '3']], asks: [['100.20', '1']] }), 0);
  assert.deepEqual(fillsOf(h.fills()), [['100.1', '0.5']]);
  assert.equal(h.broker.counters.crossFills, 1);
});

/**
 * The seed's fallback, replayed by hand: the broker draws once per book record for an
 * order at the touch with no trade at its price since the last record, and fills the
 * whole order when draw < queue_position × fill_probability. A twin Rng with the same
 * seed predicts the very record it fills on.
 */
test('broker: probabilistic fill at the touch when no trades decide, deterministic from the seed', () => {
  const seed = 1234;
  const run = () => {
    const h = harness({ fill_probability: 0.5, seed });
    // Join at 100.00 behind 1, then the level grows to 2: queue_position = 1 − 1/2 = 0.5.
    h.broker.onMarket(
      bookRecord({ ts: 1_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
      0,
    );
    h.broker.onOrder(
      newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100.00', qty: '1' }),
      0,
    );
    let filledAt = -1;
    for (let tick = 1; tick <= 200 && filledAt < 0; tick++) {
      // A trade at our price (too small to reach us) before every third record: that record has evidence, no draw.
      if (tick % 3 === 0)
        h.broker.onMarket(
          tradeRecord({
            ts: 1_000 + tick * 100 - 1,
            price: '100.00',
            qty: '0.00000001',
            buyerMaker: true,
          }),
          0,
        );
      h.broker.onMarket(
        bookRecord({ ts: 1_000 + tick * 100, bids: [['100.00', '2']], asks: [['100.10', '1']] }),
        0,
      );
      if (h.fills().length > 0) filledAt = tick;
    }
    return { h, filledAt };
  };
  const { h, filledAt } = run();
  const twin = new Rng(seed);
  let expected = -1;
  let aheadUnits = u('1');
  for (let tick = 1; tick <= 200 && expected < 0; tick++) {
    if (tick % 3 === 0) {
      aheadUnits -= 1; // the one-unit trade ate into the queue ahead; no draw on this record
      continue;
    }
    const queuePosition = 1 - aheadUnits / u('2');
    if (twin.next() < queuePosition * 0.5) expected = tick;
  }
  assert.ok(filledAt > 1, `expected a fill after a few records, got ${filledAt}`);
  assert.equal(filledAt, expected);
  assert.deepEqual(fillsOf(h.fills()), [['100', '1']]);
  assert.equal(h.broker.counters.probabilisticFills, 1);
  // The same seed and records give the same rows, byte for byte.
  assert.deepEqual(run().h.rows, h.rows);
});

test('broker: probabilistic fills only at the touch, and never with fill_probability 0', () => {
  const deep = harness({ fill_probability: 1 });
  deep.broker.onMarket(
    bookRecord({ ts: 1_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
    0,
  );
  deep.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '99.00', qty: '1' }),
    0,
  );
  for (let t = 1; t <= 20; t++)
    deep.broker.onMarket(
      bookRecord({ ts: 1_000 + t, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
      0,
    );
  assert.equal(deep.fills().length, 0);

  const front = harness({ fill_probability: 1 });
  front.broker.onMarket(
    bookRecord({ ts: 1_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
    0,
  );
  // Inside the spread: alone at the front, queue_position 1 × 1: fills on the next record.
  front.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100.05', qty: '1' }),
    0,
  );
  front.broker.onMarket(
    bookRecord({ ts: 1_001, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
    0,
  );
  assert.deepEqual(fillsOf(front.fills()), [['100.05', '1']]);

  const never = harness({ fill_probability: 0 });
  never.broker.onMarket(
    bookRecord({ ts: 1_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
    0,
  );
  never.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100.05', qty: '1' }),
    0,
  );
  for (let t = 1; t <= 20; t++)
    never.broker.onMarket(
      bookRecord({ ts: 1_000 + t, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
      0,
    );
  assert.equal(never.fills().length, 0);
});

test('latency: an order arrives at TS + latency_us and matches the book of that moment, before the record that passed it', () => {
  const h = harness({ latency_us: 1_000 });
  h.broker.onMarket(
    bookRecord({ ts: 10_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
    0,
  );
  h.broker.onOrder(newOrder({ id: 1, ts: 10_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  assert.equal(h.fills().length, 0);
  assert.equal(h.lastStatus(1), 0); // Pending, in flight
  assert.equal(h.broker.openOrders()[0]!.status, 'Pending');
  // Before its arrival: the book moves; the order is still in flight.
  h.broker.onMarket(
    bookRecord({ ts: 10_500, bids: [['100.10', '1']], asks: [['100.20', '1']] }),
    0,
  );
  assert.equal(h.fills().length, 0);
  // The record at 11_000 reaches the arrival time: the order matches the book as it was
  // just before (ask 100.20), not this record's (ask 100.40).
  h.broker.onMarket(
    bookRecord({ ts: 11_000, bids: [['100.30', '1']], asks: [['100.40', '1']] }),
    0,
  );
  assert.deepEqual(fillsOf(h.fills()), [['100.2', '1']]);
  assert.equal(h.fills()[0]!.tsUs, 11_000);
  const filled = h.orderRows(1).at(-1)!;
  assert.equal(filled.createdUs, 10_000); // created
  assert.equal(filled.tsUs, 11_000); // updated on the data clock

  const immediate = harness({ latency_us: 0 });
  immediate.broker.onMarket(
    bookRecord({ ts: 10_000, bids: [['100.00', '1']], asks: [['100.10', '1']] }),
    0,
  );
  immediate.broker.onOrder(
    newOrder({ id: 1, ts: 10_000, side: 'Buy', type: 'Market', qty: '1' }),
    0,
  );
  assert.deepEqual(fillsOf(immediate.fills()), [['100.1', '1']]);
});

test('broker: execution.queue_power sets the model; out-of-range values are refused by name', () => {
  // Join behind 1, 3 join behind us, then 1 is cancelled (no trades), then a trade of 0.6 prints.
  const run = (queuePower: number) => {
    const h = harness({ queue_power: queuePower });
    const book = (ts: number, bidQty: string) =>
      bookRecord({ ts, bids: [['100.00', bidQty]], asks: [['100.10', '1']] });
    h.broker.onMarket(book(1_000, '1'), 0);
    h.broker.onOrder(
      newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100.00', qty: '1' }),
      0,
    );
    h.broker.onMarket(book(2_000, '4'), 0);
    h.broker.onMarket(book(3_000, '3'), 0);
    h.broker.onMarket(tradeRecord({ ts: 3_100, price: '100.00', qty: '0.6', buyerMaker: true }), 0);
    return h.fills().map((r) => r.qty);
  };
  // n = 0: P(ahead) = 1/2 → ahead 0.5 → the 0.6 trade reaches us for 0.1.
  assert.deepEqual(run(0), [u('0.1')]);
  // n = 2: P(ahead) = 1 / (1 + 9) → ahead 0.9 → nothing reaches us.
  assert.deepEqual(run(2), []);
  assert.throws(
    () => testConfig({ queue_power: 11 }),
    /execution\.queue_power must be a number with 0 ≤ queue_power ≤ 10; got 11/,
  );
});
