import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORDER_STATUSES, asSymbolIndex, formatFixed } from '../../shared/domain.js';
import { ORDER_REASONS } from '../../main/engine/execution/order-reasons.js';
import {
  BASE_BOOK,
  bookRecord,
  harness,
  newOrder,
  tradeRecord,
  u,
  type FillSnapshot,
  type OrderSnapshot,
} from './execution-fixtures.js';

const fillsOf = (rows: readonly FillSnapshot[]) =>
  rows.map((r) => [formatFixed(r.price), formatFixed(r.qty)]);
const status = (name: (typeof ORDER_STATUSES)[number]) => ORDER_STATUSES.indexOf(name);
const reasonOf = (row: OrderSnapshot) => ORDER_REASONS[row.reason];

function withBook(execution: Record<string, unknown> = {}) {
  const h = harness(execution);
  h.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  return h;
}

test('market order walks the book level by level and emits Pending then Filled', () => {
  const h = withBook();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '2.5' }), 0);
  assert.deepEqual(fillsOf(h.fills()), [
    ['100.1', '1'],
    ['100.2', '1.5'],
  ]);
  const orders = h.orderRows(1);
  assert.deepEqual(
    orders.map((r) => r.status),
    [status('Pending'), status('Filled')],
  );
  const last = orders[1]!;
  assert.equal(last.filledQty, u('2.5'));
  // Average fill (100.1 + 1.5 × 100.2) / 2.5 = 100.16
  assert.equal(last.avgFillPrice, u('100.16'));
  assert.equal(h.broker.position(asSymbolIndex(0)), u('2.5'));
  // Each FILL carries the position after it.
  assert.deepEqual(
    h.fills().map((r) => r.positionQty),
    [u('1'), u('2.5')],
  );
  assert.deepEqual(
    h.fills().map((r) => r.tradeId),
    [1, 2],
  );
});

test('market order larger than the visible book fills what is there and cancels the rest (no_liquidity)', () => {
  const h = withBook();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Sell', type: 'Market', qty: '10' }), 0);
  assert.deepEqual(fillsOf(h.fills()), [
    ['100', '1'],
    ['99.9', '2'],
    ['99.8', '5'],
  ]);
  const last = h.orderRows(1).at(-1)!;
  assert.equal(last.status, status('Cancelled'));
  assert.equal(reasonOf(last), 'no_liquidity');
  assert.equal(last.filledQty, u('8'));
});

test('two market orders between the same two ticks do not fill against the same liquidity', () => {
  const h = withBook();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '0.6' }), 0);
  h.broker.onOrder(newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Market', qty: '0.6' }), 0);
  assert.deepEqual(fillsOf(h.fills()), [
    ['100.1', '0.6'],
    ['100.1', '0.4'],
    ['100.2', '0.2'],
  ]);
  // The next book record is the market's view again: the touch is whole.
  h.broker.onMarket(bookRecord({ ts: 2_000, ...BASE_BOOK }), 0);
  h.broker.onOrder(newOrder({ id: 3, ts: 2_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  assert.deepEqual(fillsOf(h.fills().slice(3)), [['100.1', '1']]);
});

test('limit order: the marketable part fills now up to the limit, the rest rests and fills later as maker', () => {
  const h = withBook();
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100.20', qty: '4' }),
    0,
  );
  assert.deepEqual(fillsOf(h.fills()), [
    ['100.1', '1'],
    ['100.2', '2'],
  ]);
  assert.equal(h.lastStatus(1), status('PartiallyFilled'));
  assert.equal(h.broker.openOrders().length, 1);
  assert.equal(h.broker.openOrders()[0]!.filledQty, '3');
  // No bid at 100.20: nothing is ahead of us; a sell printing at 100.20 fills us.
  h.broker.onMarket(tradeRecord({ ts: 1_500, price: '100.20', qty: '0.4', buyerMaker: true }), 0);
  assert.deepEqual(fillsOf(h.fills().slice(2)), [['100.2', '0.4']]);
  assert.equal(h.lastStatus(1), status('PartiallyFilled'));
  // The book then crosses through our price (best ask 100.15 ≤ 100.20): the rest fills at our price.
  h.broker.onMarket(bookRecord({ ts: 2_000, bids: [['100.00', '1']], asks: [['100.15', '3']] }), 0);
  assert.deepEqual(fillsOf(h.fills().slice(3)), [['100.2', '0.6']]);
  assert.equal(h.lastStatus(1), status('Filled'));
  assert.equal(h.broker.openOrders().length, 0);
  assert.equal(h.broker.counters.makerFills, 2);
  assert.equal(h.broker.counters.takerFills, 2);
});

test('limit order that does not cross just rests (Open)', () => {
  const h = withBook();
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Sell', type: 'Limit', price: '100.50', qty: '1' }),
    0,
  );
  assert.equal(h.fills().length, 0);
  assert.equal(h.lastStatus(1), status('Open'));
});

test('post-only: rejected post_only_would_cross when it would take, rests when it would not', () => {
  const h = withBook();
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'PostOnly', price: '100.10', qty: '1' }),
    0,
  );
  const rejected = h.orderRows(1).at(-1)!;
  assert.equal(rejected.status, status('Rejected'));
  assert.equal(reasonOf(rejected), 'post_only_would_cross');
  assert.equal(h.fills().length, 0);
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'PostOnly', price: '100.00', qty: '1' }),
    0,
  );
  assert.equal(h.lastStatus(2), status('Open'));
  assert.equal(h.broker.rejectionCounts()['post_only_would_cross'], 1);
});

test('IOC: fills what it can at once, cancels the remainder (ioc_remainder)', () => {
  const h = withBook();
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'IOC', price: '100.20', qty: '5' }),
    0,
  );
  assert.deepEqual(fillsOf(h.fills()), [
    ['100.1', '1'],
    ['100.2', '2'],
  ]);
  const last = h.orderRows(1).at(-1)!;
  assert.equal(last.status, status('Cancelled'));
  assert.equal(reasonOf(last), 'ioc_remainder');
  assert.equal(h.broker.openOrders().length, 0);

  const whole = withBook();
  whole.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'IOC', price: '100.20', qty: '3' }),
    0,
  );
  assert.equal(whole.lastStatus(2), status('Filled'));
});

test('FOK: all or nothing, both ways', () => {
  const unfillable = withBook();
  unfillable.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'FOK', price: '100.20', qty: '3.5' }),
    0,
  );
  const row = unfillable.orderRows(1).at(-1)!;
  assert.equal(row.status, status('Rejected'));
  assert.equal(reasonOf(row), 'fok_unfillable');
  assert.equal(unfillable.fills().length, 0);
  assert.equal(unfillable.broker.position(asSymbolIndex(0)), 0);

  const fillable = withBook();
  fillable.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'FOK', price: '100.20', qty: '3' }),
    0,
  );
  assert.deepEqual(fillsOf(fillable.fills()), [
    ['100.1', '1'],
    ['100.2', '2'],
  ]);
  assert.equal(fillable.lastStatus(2), status('Filled'));
});

test('slippage is applied adversely to taker fills, rounded adversely to the tick; maker fills pay none', () => {
  const h = withBook({ slippage_bps: 10 });
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  h.broker.onOrder(newOrder({ id: 2, ts: 1_000, side: 'Sell', type: 'Market', qty: '1' }), 0);
  // 100.10 × 1.001 = 100.2001 → 100.21 (BTCUSDT tick 0.01); 100.00 × 0.999 = 99.90 exactly.
  assert.deepEqual(fillsOf(h.fills()), [
    ['100.21', '1'],
    ['99.9', '1'],
  ]);
  h.broker.onOrder(
    newOrder({ id: 3, ts: 1_000, side: 'Sell', type: 'Limit', price: '100.50', qty: '1' }),
    0,
  );
  h.broker.onMarket(tradeRecord({ ts: 1_100, price: '100.60', qty: '1' }), 0);
  assert.deepEqual(fillsOf(h.fills().slice(2)), [['100.5', '1']]);
});

test('fees land in the FILL rows and in the order row; realized PnL includes them', () => {
  const h = withBook({ taker_fee_bps: 10, maker_fee_bps: 2 });
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  const fill = h.fills()[0]!;
  // 10 bp of 100.10 = 0.1001
  assert.equal(fill.fee, u('0.1001'));
  assert.equal(fill.positionRealizedPnl, -u('0.1001'));
  assert.equal(h.orderRows(1).at(-1)!.fees, u('0.1001'));
  const [position] = h.broker.positions();
  assert.equal(position!.realizedPnl, -u('0.1001'));
});

test('market orders need a synced book: rejected book_unsynced otherwise', () => {
  const h = harness();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  assert.equal(ORDER_REASONS[h.orderRows(1).at(-1)!.reason], 'book_unsynced');
  h.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK, synced: false }), 0);
  h.broker.onOrder(newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  assert.equal(ORDER_REASONS[h.orderRows(2).at(-1)!.reason], 'book_unsynced');
  assert.equal(h.fills().length, 0);
});

test('bad order records are refused with a reason and nothing else changes', () => {
  const h = withBook();
  const zero = newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' });
  zero[6] = 0; // QTY
  h.broker.onOrder(zero, 0);
  assert.equal(reasonOf(h.orderRows(1).at(-1)!), 'zero_size');
  const badSide = newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' });
  badSide[3] = 2; // SIDE
  h.broker.onOrder(badSide, 0);
  assert.equal(reasonOf(h.orderRows(2).at(-1)!), 'invalid_order');
  const noPrice = newOrder({ id: 3, ts: 1_000, side: 'Buy', type: 'Limit', qty: '1' });
  h.broker.onOrder(noPrice, 0);
  assert.equal(reasonOf(h.orderRows(3).at(-1)!), 'invalid_order');
  const fractional = newOrder({ id: 4, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' });
  fractional[6] = 0.5;
  h.broker.onOrder(fractional, 0);
  assert.equal(reasonOf(h.orderRows(4).at(-1)!), 'invalid_order');
  // An unknown symbol cannot even be named in a row: counted and logged only.
  const logs: string[] = [];
  const quiet = harness({}, { log: (_level, msg) => logs.push(msg) });
  quiet.broker.onOrder(
    newOrder({ id: 5, ts: 1_000, side: 'Buy', type: 'Market', qty: '1', symbol: 7 }),
    0,
  );
  assert.equal(quiet.rows.length, 0);
  assert.equal(quiet.broker.rejectionCounts()['invalid_order'], 1);
  assert.match(logs[0]!, /symbol index or strategy index is not valid/);
  // Duplicate id of an open order.
  h.broker.onOrder(
    newOrder({ id: 9, ts: 1_000, side: 'Buy', type: 'Limit', price: '99', qty: '1' }),
    0,
  );
  h.broker.onOrder(
    newOrder({ id: 9, ts: 1_000, side: 'Buy', type: 'Limit', price: '99', qty: '1' }),
    0,
  );
  assert.equal(h.broker.openOrders().length, 1);
  assert.equal(h.fills().length, 0);
  assert.equal(h.broker.position(asSymbolIndex(0)), 0);
});

test('views: open orders, recent orders and fills in the window shapes', () => {
  const h = withBook();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0);
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_001, side: 'Sell', type: 'Limit', price: '101', qty: '0.5' }),
    0,
  );
  const open = h.broker.openOrders();
  assert.equal(open.length, 1);
  assert.equal(open[0]!.clientOrderId, 'strategy_00000000-0000-4000-8000-000000000002');
  assert.deepEqual(
    [open[0]!.symbol, open[0]!.side, open[0]!.type, open[0]!.status, open[0]!.price],
    ['BTCUSDT', 'Sell', 'Limit', 'Open', '101'],
  );
  const views = h.broker.orderViews(10);
  assert.deepEqual(
    views.map((o) => [o.orderId, o.status]),
    [
      [2, 'Open'],
      [1, 'Filled'],
    ],
  );
  assert.deepEqual(h.broker.recentFills(5), [
    {
      tradeId: 1,
      orderId: 1,
      symbol: 'BTCUSDT',
      side: 'Buy',
      price: '100.1',
      qty: '1',
      tsUs: 1_000,
    },
  ]);
  const summary = h.broker.summary();
  assert.equal(summary.fills, 1);
  assert.equal(summary.orders, 2);
  assert.equal(summary.finalPosition, 1);
});
