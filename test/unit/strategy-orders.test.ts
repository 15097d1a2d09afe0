import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORDER_TYPES, symbolSpecFor, type OrderType } from '../../shared/domain.js';
import { OrderCommandKind, OrderRecord } from '../../shared/records.js';
import { clientOrderIdFromWords, uuidToWords } from '../../shared/client-order-id.js';
import { Rng } from '../../main/engine/core/rng.js';
import { OrderFactory } from '../../main/engine/strategy/orders/order-factory.js';
import { bookRecord, limits, params, units } from './strategy-fixtures.js';

const BOOK = bookRecord({
  tsUs: 1_700_000_000_123_456,
  seq: 42,
  t0Us: 987.5,
  bids: [
    ['60000.01', '1'],
    ['60000.00', '2'],
  ],
  asks: [
    ['60000.02', '1'],
    ['60000.05', '2'],
  ],
});

function factory(
  orderType: OrderType = 'Limit',
  maxPosition = 1,
  maxOrder = 0.5,
  symbol = 'BTCUSDT',
  seed = 1,
): OrderFactory {
  let nextId = 100;
  const f = new OrderFactory({
    symbolSpecs: [symbolSpecFor(symbol)],
    nextOrderId: () => nextId++,
    rng: new Rng(seed),
    orderType,
    strategyIndex: 3,
  });
  f.setSizing(
    params({ max_position_size: maxPosition }),
    limits({ max_position_size: Math.max(1, maxPosition), max_order_size: maxOrder }),
  );
  return f;
}

test('order sizing: toward strength × max_position_size, capped, rounded down to the step', () => {
  const f = factory('Limit', 1, 0.5);
  // Flat, strength 0.3: target 0.3 BTC → 0.3 (on the 0.00001 BTC step).
  assert.equal(f.plan(0, 0.3, 0, BOOK, 0), true);
  assert.equal(f.qtyUnits, units('0.3'));
  assert.equal(f.side, 1);
  // Strength 0.9: target 0.9, capped at max_order_size 0.5.
  assert.equal(f.plan(0, 0.9, 0, BOOK, 0), true);
  assert.equal(f.qtyUnits, units('0.5'));
  // Long 0.25 already, strength 0.3: only the 0.05 missing.
  assert.equal(f.plan(0, 0.3, units('0.25'), BOOK, 0), true);
  assert.equal(f.qtyUnits, units('0.05'));
  // Strength 0.123456789 → 0.12345678.. BTC, rounded DOWN to 0.12345 (BTCUSDT step 0.00001).
  assert.equal(f.plan(0, 0.123456789, 0, BOOK, 0), true);
  assert.equal(f.qtyUnits, units('0.12345'));
  // Sell side: short target −0.4 from long 0.1 → sell 0.5.
  assert.equal(f.plan(0, -0.4, units('0.1'), BOOK, 0), true);
  assert.equal(f.side, -1);
  assert.equal(f.qtyUnits, units('0.5'));
});

test('order sizing: no order when the target is reached, passed, or the size rounds to zero', () => {
  const f = factory('Limit', 1, 0.5);
  assert.equal(f.plan(0, 0.3, units('0.3'), BOOK, 0), false, 'at target');
  assert.equal(
    f.plan(0, 0.3, units('0.8'), BOOK, 0),
    false,
    'beyond target: a buy signal never sells',
  );
  assert.equal(
    f.plan(0, -0.3, -units('0.5'), BOOK, 0),
    false,
    'short beyond target: a sell signal never buys',
  );
  assert.equal(f.plan(0, 0, 0, BOOK, 0), false, 'zero strength has no side');
  assert.equal(
    f.plan(0, 0.000009, 0, BOOK, 0),
    false,
    '0.000009 BTC rounds down to 0 on a 0.00001 step',
  );
  const sol = factory('Limit', 1, 0.5, 'SOLUSDT');
  assert.equal(sol.plan(0, 0.009, 0, BOOK, 0), false, '0.009 SOL rounds down to 0 on a 0.01 step');
  assert.equal(sol.plan(0, 0.0157, 0, BOOK, 0), true);
  assert.equal(sol.qtyUnits, units('0.01'), '0.0157 SOL rounds DOWN to 0.01');
});

test('order pricing: marketable at the far touch; PostOnly joins its own side', () => {
  const f = factory('Limit');
  f.plan(0, 0.5, 0, BOOK, 0);
  assert.equal(f.priceUnits, units('60000.02'), 'a buy at the best ask');
  f.plan(0, -0.5, 0, BOOK, 0);
  assert.equal(f.priceUnits, units('60000.01'), 'a sell at the best bid');
  const post = factory('PostOnly');
  post.plan(0, 0.5, 0, BOOK, 0);
  assert.equal(post.priceUnits, units('60000.01'), 'a post-only buy rests at the best bid');
  post.plan(0, -0.5, 0, BOOK, 0);
  assert.equal(post.priceUnits, units('60000.02'));
  const oneSided = bookRecord({ tsUs: 1, bids: [['1', '1']], asks: [] });
  assert.equal(f.plan(0, 0.5, 0, oneSided, 0), false, 'no ask to buy at');
});

test('order record: every field, exact units, and the client id is rng.uuid() as uuidToWords stores it', () => {
  const f = factory('IOC', 1, 0.5, 'BTCUSDT', 99);
  const out = new Float64Array(OrderRecord.SLOTS + 2).fill(-7);
  assert.equal(f.plan(0, 0.4, 0, BOOK, 0), true);
  const id = f.write(out, 1, 0, BOOK, 0, 0.4, 0.8);
  assert.equal(id, 100);
  const at = (field: number): number => out[1 + field]!;
  assert.equal(at(OrderRecord.KIND), OrderCommandKind.NEW);
  assert.equal(at(OrderRecord.ORDER_ID), 100);
  assert.equal(at(OrderRecord.SYMBOL), 0);
  assert.equal(at(OrderRecord.SIDE), 1);
  assert.equal(at(OrderRecord.TYPE), ORDER_TYPES.indexOf('IOC'));
  assert.equal(at(OrderRecord.PRICE), 6_000_002_000_000);
  assert.equal(at(OrderRecord.QTY), 40_000_000);
  assert.equal(at(OrderRecord.TICK_SEQ), 42);
  assert.equal(at(OrderRecord.TS_US), 1_700_000_000_123_456);
  assert.equal(at(OrderRecord.T0_US), 987.5);
  assert.equal(at(OrderRecord.STRENGTH), 0.4);
  assert.equal(at(OrderRecord.CONFIDENCE), 0.8);
  assert.equal(at(OrderRecord.STRATEGY), 3);
  assert.equal(out[0], -7, 'nothing written before the offset');
  assert.equal(out[OrderRecord.SLOTS + 1], -7, 'nothing written past the record');

  // The same seed through the documented path: rng.uuid() → uuidToWords.
  const reference = new Rng(99);
  const expected = new Float64Array(4);
  const uuid = reference.uuid();
  uuidToWords(uuid, expected, 0);
  assert.deepEqual(
    [...out.slice(1 + OrderRecord.CLIENT_ID_0, 1 + OrderRecord.CLIENT_ID_3 + 1)],
    [...expected],
  );
  assert.equal(clientOrderIdFromWords(out, 1 + OrderRecord.CLIENT_ID_0), `strategy_${uuid}`);
  // And the next order draws the next uuid.
  f.plan(0, 0.4, 0, BOOK, 0);
  f.write(out, 0, 0, BOOK, 0, 0.4, 0.8);
  assert.equal(
    clientOrderIdFromWords(out, OrderRecord.CLIENT_ID_0),
    `strategy_${reference.uuid()}`,
  );
  assert.equal(out[OrderRecord.ORDER_ID], 101);
});
