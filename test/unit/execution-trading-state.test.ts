import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TradingStateCode, asOrderId, asSymbolIndex, formatFixed } from '../../shared/domain.js';
import { ORDER_REASONS } from '../../main/engine/execution/order-reasons.js';
import { INTERNAL_ORDER_ID_BASE } from '../../main/engine/execution/paper-broker.js';
import {
  BASE_BOOK,
  bookRecord,
  commandRecord,
  harness,
  newOrder,
  u,
  type FillSnapshot,
  type OrderSnapshot,
} from './execution-fixtures.js';

const reasonOf = (row: OrderSnapshot) => ORDER_REASONS[row.reason];
const fillsOf = (rows: readonly FillSnapshot[]) =>
  rows.map((r) => [formatFixed(r.price), formatFixed(r.qty)]);

function started(execution: Record<string, unknown> = {}) {
  const h = harness(execution);
  h.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  h.broker.onMarket(
    bookRecord({ ts: 1_000, symbol: 1, bids: [['2000', '10']], asks: [['2001', '10']] }),
    0,
  );
  return h;
}

test('kill switch: HALTED cancels every open and in-flight order at once, then refuses new ones', () => {
  const h = started({ latency_us: 500 });
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '99', qty: '1' }),
    0,
  );
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Sell', type: 'Limit', price: '2010', qty: '1', symbol: 1 }),
    0,
  );
  h.broker.onMarket(bookRecord({ ts: 2_000, ...BASE_BOOK }), 0); // both arrive and rest
  h.broker.onOrder(newOrder({ id: 3, ts: 2_000, side: 'Buy', type: 'Market', qty: '1' }), 0); // in flight
  assert.deepEqual(
    h.broker.openOrders().map((o) => o.status),
    ['Open', 'Open', 'Pending'],
  );

  h.broker.setTradingState(TradingStateCode.HALTED);
  assert.equal(h.broker.openOrders().length, 0);
  for (const id of [1, 2, 3]) {
    const last = h.orderRows(id).at(-1)!;
    assert.equal(last.status, 4, `order ${id} cancelled`);
    assert.equal(reasonOf(last), 'kill_switch_cancel');
  }
  h.broker.onOrder(newOrder({ id: 4, ts: 2_100, side: 'Buy', type: 'Market', qty: '1' }), 0);
  assert.equal(reasonOf(h.orderRows(4).at(-1)!), 'kill_switch');
  h.broker.onMarket(bookRecord({ ts: 5_000, ...BASE_BOOK }), 0);
  assert.equal(h.fills().length, 0);
  assert.equal(h.broker.rejectionCounts()['kill_switch'], 1);
  assert.throws(
    () => h.broker.setTradingState(7),
    /trading state code must be 0 \(ACTIVE\), 1 \(REDUCING\) or 2 \(HALTED\), got 7/,
  );
});

test('flatten: cancels the symbol’s orders and closes the position with a market order, even while HALTED', () => {
  const h = started();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '2.5' }), 0);
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Limit', price: '99', qty: '1' }),
    0,
  );
  h.broker.onOrder(
    newOrder({ id: 3, ts: 1_000, side: 'Buy', type: 'Limit', price: '1990', qty: '1', symbol: 1 }),
    0,
  );
  assert.equal(h.broker.position(asSymbolIndex(0)), u('2.5'));
  h.broker.setTradingState(TradingStateCode.HALTED); // cancels 2 and 3
  h.broker.onMarket(bookRecord({ ts: 3_000, ...BASE_BOOK }), 0);
  h.broker.onOrder(commandRecord('FLATTEN', 3_000, 0), 0);
  assert.equal(h.broker.position(asSymbolIndex(0)), 0);
  assert.deepEqual(fillsOf(h.fills().slice(2)), [
    ['100', '1'],
    ['99.9', '1.5'],
  ]);
  const flattenId = h.fills().at(-1)!.orderId;
  assert.ok(flattenId >= INTERNAL_ORDER_ID_BASE);
  assert.equal(h.lastStatus(flattenId), 3);
  // Flat already: a second flatten sends nothing.
  assert.equal(h.broker.flatten(-1), 0);
  // PnL: bought 1 @ 100.1 + 1.5 @ 100.2 (avg 100.16), sold 1 @ 100 + 1.5 @ 99.9 → −0.16 − 0.39 = −0.55
  assert.equal(h.broker.positions()[0]!.realizedPnl, u('-0.55'));
});

test('flatten while ACTIVE cancels resting orders of that symbol only (reason flatten)', () => {
  const h = started();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Sell', type: 'Market', qty: '1' }), 0);
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Sell', type: 'Limit', price: '101', qty: '1' }),
    0,
  );
  h.broker.onOrder(
    newOrder({ id: 3, ts: 1_000, side: 'Buy', type: 'Limit', price: '1990', qty: '1', symbol: 1 }),
    0,
  );
  assert.equal(h.broker.flatten(asSymbolIndex(0)), 1);
  assert.equal(reasonOf(h.orderRows(2).at(-1)!), 'flatten');
  assert.deepEqual(
    h.broker.openOrders().map((o) => o.orderId),
    [3],
  );
  assert.equal(h.broker.position(asSymbolIndex(0)), 0);
  assert.equal(h.broker.flatten(asSymbolIndex(9)), 0);
  assert.equal(h.broker.rejectionCounts()['invalid_order'], 1);
});

test('REDUCING: open orders that would grow |position| are cancelled; only reducing orders are taken', () => {
  const h = started();
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '1' }), 0); // long 1
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Limit', price: '99', qty: '1' }),
    0,
  );
  h.broker.onOrder(
    newOrder({ id: 3, ts: 1_000, side: 'Sell', type: 'Limit', price: '101', qty: '0.5' }),
    0,
  );
  h.broker.onOrder(
    newOrder({ id: 4, ts: 1_000, side: 'Sell', type: 'Limit', price: '102', qty: '2' }),
    0,
  ); // would flip
  h.broker.setTradingState(TradingStateCode.REDUCING);
  assert.deepEqual(
    h.broker.openOrders().map((o) => o.orderId),
    [3],
  );
  assert.equal(reasonOf(h.orderRows(2).at(-1)!), 'reducing_only_cancel');
  assert.equal(reasonOf(h.orderRows(4).at(-1)!), 'reducing_only_cancel');
  h.broker.onOrder(newOrder({ id: 5, ts: 1_100, side: 'Buy', type: 'Market', qty: '0.1' }), 0);
  assert.equal(reasonOf(h.orderRows(5).at(-1)!), 'reducing_only');
  // 0.5 more against the long: 0.5 resting + 0.5 = 1 ≤ 1, taken.
  h.broker.onOrder(newOrder({ id: 6, ts: 1_100, side: 'Sell', type: 'Market', qty: '0.5' }), 0);
  assert.equal(h.lastStatus(6), 3);
  assert.equal(h.broker.position(asSymbolIndex(0)), u('0.5'));
  // Now 0.5 resting covers the whole 0.5 long: one more unit would exceed it.
  h.broker.onOrder(
    newOrder({ id: 7, ts: 1_100, side: 'Sell', type: 'Market', qty: '0.00000001' }),
    0,
  );
  assert.equal(reasonOf(h.orderRows(7).at(-1)!), 'reducing_only');
  h.broker.setTradingState(TradingStateCode.ACTIVE);
  h.broker.onOrder(newOrder({ id: 8, ts: 1_200, side: 'Buy', type: 'Market', qty: '0.1' }), 0);
  assert.equal(h.lastStatus(8), 3);
});

test('cancels: by id (CANCEL record or host), all at once, and an unknown id is refused as unknown_order', () => {
  const h = started();
  for (const id of [1, 2, 3])
    h.broker.onOrder(
      newOrder({ id, ts: 1_000, side: 'Buy', type: 'Limit', price: '99', qty: '1' }),
      0,
    );
  h.broker.onOrder(commandRecord('CANCEL', 1_100, 2), 0);
  assert.equal(reasonOf(h.orderRows(2).at(-1)!), 'cancel_requested');
  assert.equal(h.orderRows(2).at(-1)!.tsUs, 1_100);
  assert.equal(h.broker.cancelOrder(asOrderId(2)), false);
  assert.equal(h.broker.rejectionCounts()['unknown_order'], 1);
  h.broker.onOrder(commandRecord('CANCEL_ALL', 1_200), 0);
  assert.equal(h.broker.openOrders().length, 0);
  assert.equal(h.broker.counters.cancelled, 3);
});

test('restore: positions and open orders come back and keep trading; ids continue', () => {
  const h = started();
  h.broker.restore(
    [{ strategyIndex: 0, symbolIndex: 0, qty: u('2'), avgCost: u('100'), realizedPnl: u('5') }],
    [
      {
        orderId: 41,
        clientIdWords: [1, 2, 3, 4],
        strategyIndex: 0,
        symbolIndex: 0,
        side: -1,
        type: 1,
        status: 2,
        price: u('100.5'),
        qty: u('1'),
        filledQty: u('0.25'),
        avgFillPrice: u('100.5'),
        fees: 0,
        createdUs: 500,
        updatedUs: 600,
      },
    ],
    { nextTradeId: 77, nextInternalOrderId: INTERNAL_ORDER_ID_BASE + 5 },
  );
  assert.equal(h.broker.position(asSymbolIndex(0)), u('2'));
  const [open] = h.broker.openOrders();
  assert.deepEqual(
    [open!.orderId, open!.status, open!.filledQty, open!.clientOrderId],
    [41, 'PartiallyFilled', '0.25', 'strategy_00000001-0000-0002-0000-000300000004'],
  );
  // The book crosses its price (best bid 100.60 ≥ 100.50): the remaining 0.75 fills as
  // trade 77 and realizes (100.5 − 100) × 0.75 = 0.375 on top of the restored 5.
  h.broker.onMarket(bookRecord({ ts: 2_000, bids: [['100.60', '1']], asks: [['100.70', '1']] }), 0);
  const fill = h.fills()[0]!;
  assert.equal(fill.tradeId, 77);
  assert.equal(fill.qty, u('0.75'));
  assert.equal(fill.positionRealizedPnl, u('5.375'));
  assert.equal(h.broker.flatten(asSymbolIndex(0)), 1);
  assert.equal(h.fills().at(-1)!.orderId, INTERNAL_ORDER_ID_BASE + 5);
  assert.throws(
    () =>
      h.broker.restore(
        [{ strategyIndex: 3, symbolIndex: 0, qty: 1, avgCost: 1, realizedPnl: 0 }],
        [],
      ),
    /strategy index 3 \/ symbol index 0, outside the configured tables/,
  );
});
