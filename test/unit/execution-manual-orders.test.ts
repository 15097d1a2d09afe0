import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
  PersistKind,
  persistKindOf,
} from '../../shared/records.js';
import {
  ORDER_STATUSES,
  TradingStateCode,
  asSymbolIndex,
  asTimestampUs,
} from '../../shared/domain.js';
import { parseCommand } from '../../shared/api.js';
import {
  dispatchCommand,
  encodeManualOrder,
  engineStrategyIds,
  ManualOrderGate,
  MANUAL_STRATEGY_INDEX,
  type PlaceOrderCommand,
} from '../../main/engine/execution/manual-orders.js';
import { orderReasonText } from '../../main/engine/execution/order-reasons.js';
import { BASE_BOOK, bookRecord, harness, u } from './execution-fixtures.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
let nextId = 1;
const ids = () => nextId++;

function place(command: Omit<PlaceOrderCommand, 'type'>) {
  const out = new Float64Array(OrderRecord.SLOTS);
  const result = encodeManualOrder(
    { type: 'placeOrder', ...command },
    SYMBOLS,
    ids,
    asTimestampUs(2_000),
    0,
    out,
  );
  return { result, out };
}

test('placeOrder is checked for form before any id is drawn: tick, step, price rules, symbol', () => {
  const refused = (command: Omit<PlaceOrderCommand, 'type'>) => {
    const before = nextId;
    const { result } = place(command);
    assert.equal(nextId, before, 'no id spent on a refused order');
    assert.equal(result.ok, false);
    return result.ok ? '' : result.reason;
  };
  const base = { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01' } as const;
  assert.match(
    refused({ ...base, price: '100.005' }),
    /not a multiple of the BTCUSDT tick size 0\.01/,
  );
  assert.match(refused({ ...base, price: '100', qty: '0.000001' }), /step size 0\.00001/);
  assert.match(refused({ ...base }), /a Limit order needs a price/);
  assert.match(refused({ ...base, price: '0' }), /price 0 must be a decimal above 0/);
  assert.match(
    refused({ ...base, orderType: 'Market', price: '100' }),
    /Market order takes no price/,
  );
  assert.match(
    refused({ ...base, symbol: 'DOGEUSDT', price: '1' }),
    /unknown symbol DOGEUSDT; trading BTCUSDT, ETHUSDT/,
  );
  // The schema refuses what is not a decimal at all, with the field named.
  const bad = parseCommand({
    type: 'placeOrder',
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    price: '1e5',
    qty: '1',
  });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.reason, /price: must be a plain decimal/);

  const { result, out } = place({ ...base, price: '99.90' });
  assert.ok(result.ok);
  const written = new OrderCommand().read(out, 0);
  assert.equal(written.kind, OrderCommandKind.NEW);
  assert.equal(written.price, u('99.90'));
  assert.equal(written.qty, u('0.01'));
  assert.equal(written.side, 1);
  assert.equal(written.strategy, MANUAL_STRATEGY_INDEX, 'tagged as the trader’s own');
  assert.equal(engineStrategyIds('imbalance_v1')[MANUAL_STRATEGY_INDEX], 'manual');
});

/** A broker with the engine's strategy table and the gate in front of it, as the execution thread runs them. */
function desk(limits: Record<string, number> = {}) {
  const h = harness({}, { strategyIds: engineStrategyIds('imbalance_v1') });
  const gate = new ManualOrderGate(SYMBOLS.length, { ...h.config.strategy.risk_limits, ...limits });
  const book = bookRecord({ ts: 1_000, ...BASE_BOOK });
  h.broker.onMarket(book, 0);
  gate.onMarket(book, 0);
  const send = (command: Omit<PlaceOrderCommand, 'type'>) => {
    const { result, out } = place(command);
    assert.ok(result.ok, JSON.stringify(result));
    dispatchCommand(h.broker, gate, out, 0);
    const rows = h.orderRows(result.orderId);
    const last = rows[rows.length - 1]!;
    return {
      id: result.orderId,
      status: ORDER_STATUSES[last.status],
      reason: orderReasonText(last.reason),
      strategy: last.strategy,
    };
  };
  const setState = (code: TradingStateCode) => {
    h.broker.setTradingState(code);
    gate.setTradingState(code);
  };
  return { h, gate, send, setState };
}

test('manual orders pass the strategy’s risk check: a refusal is a Rejected order with the reason', () => {
  const { h, send, setState } = desk({ max_order_size: 0.5, max_position_size: 1 });
  const resting = send({
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    price: '99.90',
    qty: '0.2',
  });
  assert.deepEqual(
    [resting.status, resting.reason, resting.strategy],
    ['Open', null, MANUAL_STRATEGY_INDEX],
  );
  const tooBig = send({
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    price: '99.90',
    qty: '0.6',
  });
  assert.deepEqual([tooBig.status, tooBig.reason], ['Rejected', 'order_size']);
  // 0.2 resting + 0.5 + 0.5 would exceed the position limit of 1 in the worst case.
  assert.equal(
    send({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: '99.80', qty: '0.5' }).status,
    'Open',
  );
  const over = send({
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    price: '99.80',
    qty: '0.5',
  });
  assert.deepEqual([over.status, over.reason], ['Rejected', 'position_limit']);
  // The kill switch: the broker cancels what rests, the check refuses new orders.
  setState(TradingStateCode.HALTED);
  const halted = send({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.1' });
  assert.deepEqual([halted.status, halted.reason], ['Rejected', 'kill_switch']);
  assert.equal(h.broker.openOrders().length, 0);
  assert.ok(
    h.rows.every((r) => persistKindOf(r, 0) !== PersistKind.FILL),
    'nothing filled while refused',
  );
});

test('reduce only: an order that grows the position is refused, one that shrinks it fills', () => {
  const { h, send, setState } = desk();
  assert.equal(
    send({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.3' }).status,
    'Filled',
  );
  assert.equal(h.broker.position(asSymbolIndex(0)), u('0.3'));
  setState(TradingStateCode.REDUCING);
  const grows = send({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.1' });
  assert.deepEqual([grows.status, grows.reason], ['Rejected', 'reducing_only']);
  const flips = send({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.4' });
  assert.deepEqual([flips.status, flips.reason], ['Rejected', 'reducing_only'], 'never flips');
  const shrinks = send({ symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.1' });
  assert.equal(shrinks.status, 'Filled');
  assert.equal(h.broker.position(asSymbolIndex(0)), u('0.2'));
});

test('the gate follows the book: no order on a book that may be wrong', () => {
  const { gate, h, send } = desk();
  const unsynced = bookRecord({ ts: 1_500, ...BASE_BOOK, synced: false });
  h.broker.onMarket(unsynced, 0);
  gate.onMarket(unsynced, 0);
  const refused = send({
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    price: '99.90',
    qty: '0.1',
  });
  assert.deepEqual([refused.status, refused.reason], ['Rejected', 'book_unsynced']);
});
