import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderView } from '../../shared/api.js';
import {
  createLadder,
  fillLadder,
  ownRestingOrders,
} from '../../renderer/src/book/ladder-model.js';
import { decimalsFor } from '../../renderer/src/format/decimals.js';
import { book } from './renderer-fixtures.js';

const order = (overrides: Partial<OrderView>): OrderView => ({
  orderId: 1,
  clientOrderId: 'strategy_x',
  symbol: 'BTCUSDT',
  side: 'Buy',
  type: 'Limit',
  status: 'Open',
  price: '118999.99',
  qty: '0.01',
  filledQty: '0',
  avgFillPrice: '0',
  createdUs: 1,
  updatedUs: 1,
  ...overrides,
});

test('the ladder shows 20 levels a side with fixed decimals, exact cumulative sizes and depth fractions', () => {
  const ladder = fillLadder(
    createLadder(),
    book('BTCUSDT', 119000, 25),
    ownRestingOrders([], 'BTCUSDT'),
    decimalsFor('BTCUSDT'),
  );
  assert.equal(ladder.bids.length, 20);
  assert.equal(ladder.asks.length, 20);
  assert.equal(ladder.bids[0].priceText, '118999.99');
  assert.equal(ladder.asks[0].priceText, '119000.01');
  assert.equal(ladder.bids[0].sizeText, '0.10000');
  // 0.1 + 0.2 + 0.3 in fixed point: exactly 0.60000, not 0.6000000000000001.
  assert.equal(ladder.bids[2].cumulativeText, '0.60000');
  assert.equal(ladder.bids[19].cumulativeText, '21.00000');
  assert.equal(ladder.bids[19].depth, 1);
  assert.ok(Math.abs(ladder.bids[0].depth - 0.1 / 21) < 1e-12);
  assert.equal(ladder.spreadText, '0.02 (0.0017 bps)');
  assert.equal(ladder.midText, '119000.000');
  assert.equal(ladder.synced, true);
});

test('a thin book leaves the missing rows blank rather than stale', () => {
  const ladder = createLadder();
  fillLadder(
    ladder,
    book('BTCUSDT', 119000, 20),
    ownRestingOrders([], 'BTCUSDT'),
    decimalsFor('BTCUSDT'),
  );
  fillLadder(
    ladder,
    book('BTCUSDT', 119000, 3),
    ownRestingOrders([], 'BTCUSDT'),
    decimalsFor('BTCUSDT'),
  );
  assert.equal(ladder.asks[2].priceText, '119000.03');
  assert.equal(ladder.asks[3].priceText, '');
  assert.equal(ladder.asks[19].cumulativeText, '');
  assert.equal(ladder.asks[19].depth, 0);
  fillLadder(ladder, undefined, ownRestingOrders([], 'BTCUSDT'), decimalsFor('BTCUSDT'));
  assert.equal(ladder.bids[0].priceText, '');
  assert.equal(ladder.spreadText, '—');
  assert.equal(ladder.synced, false);
});

test("the trader's resting orders are marked at their price and side, only while they rest", () => {
  const orders = [
    order({ orderId: 1, price: '118999.99', qty: '0.01' }),
    order({
      orderId: 2,
      price: '118999.990',
      qty: '0.03',
      filledQty: '0.01',
      status: 'PartiallyFilled',
    }),
    order({ orderId: 3, side: 'Sell', price: '119000.02', qty: '0.5' }),
    order({ orderId: 4, price: '118999.98', status: 'Filled', filledQty: '0.01' }),
    order({ orderId: 5, price: '118999.97', status: 'Cancelled' }),
    order({ orderId: 6, price: '118999.96', symbol: 'ETHUSDT' }),
    order({ orderId: 7, price: '0', type: 'Market' }),
  ];
  const ladder = fillLadder(
    createLadder(),
    book('BTCUSDT', 119000, 20),
    ownRestingOrders(orders, 'BTCUSDT'),
    decimalsFor('BTCUSDT'),
  );
  assert.equal(ladder.bids[0].ownCount, 2);
  assert.equal(ladder.bids[0].ownText, '0.03000', 'remaining quantity: 0.01 + (0.03 - 0.01)');
  assert.equal(ladder.asks[1].ownCount, 1);
  assert.equal(ladder.asks[1].ownText, '0.50000');
  assert.equal(ladder.asks[0].ownCount, 0, 'a sell order is not marked on the bid side');
  for (const index of [1, 2, 3])
    assert.equal(ladder.bids[index].ownCount, 0, `bid level ${index + 1}`);
});

test('a level the engine sent in a form the window cannot read is shown as sent', () => {
  const weird = {
    ...book('BTCUSDT', 119000, 2),
    bids: [['n/a', '0.1'] as const, ['118999.98', '0.2'] as const],
  };
  const ladder = fillLadder(
    createLadder(),
    weird,
    ownRestingOrders([], 'BTCUSDT'),
    decimalsFor('BTCUSDT'),
  );
  assert.equal(ladder.bids[0].priceText, 'n/a');
  assert.equal(ladder.bids[1].cumulativeText, '0.30000');
});
