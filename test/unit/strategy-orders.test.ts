import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORDER_TYPES, asSymbolIndex, symbolSpecFor, type OrderType } from '../../shared/domain.js';
import { MarketUpdate, OrderCommand, OrderCommandKind, OrderRecord } from '../../shared/records.js';
import { clientOrderIdFromWords, uuidToWords } from '../../shared/client-order-id.js';
import { Rng } from '../../main/engine/core/rng.js';
import { OrderFactory } from '../../main/engine/strategy/orders/order-factory.js';
import { bookRecord, limits, params, units } from './strategy-fixtures.js';

const S0 = asSymbolIndex(0);
const view = (rec: Float64Array): MarketUpdate => new MarketUpdate().read(rec, 0);
/** The client id words of the order command at (out, off). */
const clientWords = (out: Float64Array, off: number): Float64Array => {
  const cmd = new OrderCommand().read(out, off);
  return Float64Array.from([0, 1, 2, 3], (i) => cmd.clientIdWord(i));
};

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
  assert.equal(f.plan(S0, 0.3, 0, view(BOOK)), true);
  assert.equal(f.qtyUnits, units('0.3'));
  assert.equal(f.side, 1);
  // Strength 0.9: target 0.9, capped at max_order_size 0.5.
  assert.equal(f.plan(S0, 0.9, 0, view(BOOK)), true);
  assert.equal(f.qtyUnits, units('0.5'));
  // Long 0.25 already, strength 0.3: only the 0.05 missing.
  assert.equal(f.plan(S0, 0.3, units('0.25'), view(BOOK)), true);
  assert.equal(f.qtyUnits, units('0.05'));
  // Strength 0.123456789 → 0.12345678.. BTC, rounded DOWN to 0.12345 (BTCUSDT step 0.00001).
  assert.equal(f.plan(S0, 0.123456789, 0, view(BOOK)), true);
  assert.equal(f.qtyUnits, units('0.12345'));
  // Sell side: short target −0.4 from long 0.1 → sell 0.5.
  assert.equal(f.plan(S0, -0.4, units('0.1'), view(BOOK)), true);
  assert.equal(f.side, -1);
  assert.equal(f.qtyUnits, units('0.5'));
});

test('order sizing: no order when the target is reached, passed, or the size rounds to zero', () => {
  const f = factory('Limit', 1, 0.5);
  assert.equal(f.plan(S0, 0.3, units('0.3'), view(BOOK)), false, 'at target');
  assert.equal(
    f.plan(S0, 0.3, units('0.8'), view(BOOK)),
    false,
    'beyond target: a buy signal never sells',
  );
  assert.equal(
    f.plan(S0, -0.3, -units('0.5'), view(BOOK)),
    false,
    'short beyond target: a sell signal never buys',
  );
  assert.equal(f.plan(S0, 0, 0, view(BOOK)), false, 'zero strength has no side');
  assert.equal(
    f.plan(S0, 0.000009, 0, view(BOOK)),
    false,
    '0.000009 BTC rounds down to 0 on a 0.00001 step',
  );
  const sol = factory('Limit', 1, 0.5, 'SOLUSDT');
  assert.equal(
    sol.plan(S0, 0.009, 0, view(BOOK)),
    false,
    '0.009 SOL rounds down to 0 on a 0.01 step',
  );
  assert.equal(sol.plan(S0, 0.0157, 0, view(BOOK)), true);
  assert.equal(sol.qtyUnits, units('0.01'), '0.0157 SOL rounds DOWN to 0.01');
});

test('order pricing: marketable at the far touch; PostOnly joins its own side', () => {
  const f = factory('Limit');
  f.plan(S0, 0.5, 0, view(BOOK));
  assert.equal(f.priceUnits, units('60000.02'), 'a buy at the best ask');
  f.plan(S0, -0.5, 0, view(BOOK));
  assert.equal(f.priceUnits, units('60000.01'), 'a sell at the best bid');
  const post = factory('PostOnly');
  post.plan(S0, 0.5, 0, view(BOOK));
  assert.equal(post.priceUnits, units('60000.01'), 'a post-only buy rests at the best bid');
  post.plan(S0, -0.5, 0, view(BOOK));
  assert.equal(post.priceUnits, units('60000.02'));
  const oneSided = bookRecord({ tsUs: 1, bids: [['1', '1']], asks: [] });
  assert.equal(f.plan(S0, 0.5, 0, view(oneSided)), false, 'no ask to buy at');
});

test('order record: every field, exact units, and the client id is rng.uuid() as uuidToWords stores it', () => {
  const f = factory('IOC', 1, 0.5, 'BTCUSDT', 99);
  const out = new Float64Array(OrderRecord.SLOTS + 2).fill(-7);
  assert.equal(f.plan(S0, 0.4, 0, view(BOOK)), true);
  const id = f.write(out, 1, S0, view(BOOK), 0.4, 0.8);
  assert.equal(id, 100);
  const cmd = new OrderCommand().read(out, 1);
  assert.equal(cmd.kind, OrderCommandKind.NEW);
  assert.equal(cmd.orderId, 100);
  assert.equal(cmd.symbol, 0);
  assert.equal(cmd.side, 1);
  assert.equal(cmd.type, ORDER_TYPES.indexOf('IOC'));
  assert.equal(cmd.price, 6_000_002_000_000);
  assert.equal(cmd.qty, 40_000_000);
  assert.equal(cmd.tsUs, 1_700_000_000_123_456, 'the data time of the tick it answers');
  assert.equal(cmd.t0Us, 987.5);
  assert.equal(cmd.strength, 0.4);
  assert.equal(cmd.confidence, 0.8);
  assert.equal(cmd.strategy, 3);
  assert.equal(out[0], -7, 'nothing written before the offset');
  assert.equal(out[OrderRecord.SLOTS + 1], -7, 'nothing written past the record');

  // The same seed through the documented path: rng.uuid() → uuidToWords.
  const reference = new Rng(99);
  const expected = new Float64Array(4);
  const uuid = reference.uuid();
  uuidToWords(uuid, expected, 0);
  assert.deepEqual([...clientWords(out, 1)], [...expected]);
  assert.equal(clientOrderIdFromWords(clientWords(out, 1), 0), `strategy_${uuid}`);
  // And the next order draws the next uuid.
  f.plan(S0, 0.4, 0, view(BOOK));
  f.write(out, 0, S0, view(BOOK), 0.4, 0.8);
  assert.equal(clientOrderIdFromWords(clientWords(out, 0), 0), `strategy_${reference.uuid()}`);
  assert.equal(new OrderCommand().read(out, 0).orderId, 101);
});
