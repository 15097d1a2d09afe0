import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderCommand, OrderRecord } from '../../shared/records.js';
import {
  ORDER_STATUSES,
  REJECT_REASONS,
  TradingStateCode,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
} from '../../shared/domain.js';
import {
  dispatchCommand,
  encodeManualOrder,
  engineStrategyIds,
  ManualOrderGate,
  MANUAL_STRATEGY_INDEX,
} from '../../main/engine/execution/manual-orders.js';
import { orderReasonText } from '../../main/engine/execution/order-reasons.js';
import { RISK_ACCEPTED, RiskValidator } from '../../main/engine/strategy/risk/risk-validator.js';
import { BASE_BOOK, bookRecord, harness, u } from './execution-fixtures.js';

// Reduce only means the symbol's NET position over every book (the strategy's and the
// trader's 'manual' one). Three deciders must agree on it: the strategy's risk check (as
// the hot loop and the strategy thread feed it: net position, every book's open orders),
// the manual-order gate in front of the broker, and the paper broker's own check. Both
// layouts run these same three (hot: hot-loop.ts; pipeline: strategy + execution thread).

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const STRATEGY = 0;
const BTC = asSymbolIndex(0);

interface Order {
  readonly book: 'strategy' | 'manual';
  readonly side: 'Buy' | 'Sell';
  readonly qty: string;
}

interface Case {
  readonly name: string;
  readonly strategyPosition: string;
  readonly manualPosition: string;
  /** Orders resting before the one judged (accepted in ACTIVE, before REDUCING). */
  readonly resting?: readonly Order[];
  readonly order: Order;
  readonly passes: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'manual sell shrinks a long held in the strategy book',
    strategyPosition: '0.3',
    manualPosition: '0',
    order: { book: 'manual', side: 'Sell', qty: '0.2' },
    passes: true,
  },
  {
    name: 'manual sell exactly closes the net long',
    strategyPosition: '0.3',
    manualPosition: '0',
    order: { book: 'manual', side: 'Sell', qty: '0.3' },
    passes: true,
  },
  {
    name: 'manual sell would flip the net long short',
    strategyPosition: '0.3',
    manualPosition: '0',
    order: { book: 'manual', side: 'Sell', qty: '0.4' },
    passes: false,
  },
  {
    name: 'manual buy closes the manual short but grows the net long',
    strategyPosition: '0.3',
    manualPosition: '-0.1',
    order: { book: 'manual', side: 'Buy', qty: '0.1' },
    passes: false,
  },
  {
    name: 'strategy sell shrinks a long held in the manual book',
    strategyPosition: '0',
    manualPosition: '0.3',
    order: { book: 'strategy', side: 'Sell', qty: '0.2' },
    passes: true,
  },
  {
    name: 'strategy buy closes the strategy short but grows the net long',
    strategyPosition: '-0.1',
    manualPosition: '0.4',
    order: { book: 'strategy', side: 'Buy', qty: '0.1' },
    passes: false,
  },
  {
    name: 'books that cancel out: net flat, nothing reduces',
    strategyPosition: '0.2',
    manualPosition: '-0.2',
    order: { book: 'manual', side: 'Sell', qty: '0.1' },
    passes: false,
  },
  {
    name: 'a strategy sell already resting claims the net long first',
    strategyPosition: '0.3',
    manualPosition: '0',
    resting: [{ book: 'strategy', side: 'Sell', qty: '0.2' }],
    order: { book: 'manual', side: 'Sell', qty: '0.2' },
    passes: false,
  },
  {
    name: 'a manual sell resting leaves room for a strategy sell within the net',
    strategyPosition: '0.1',
    manualPosition: '0.2',
    resting: [{ book: 'manual', side: 'Sell', qty: '0.1' }],
    order: { book: 'strategy', side: 'Sell', qty: '0.2' },
    passes: true,
  },
  {
    name: 'a net short: a buy shrinks it whatever book holds it',
    strategyPosition: '-0.5',
    manualPosition: '0.1',
    order: { book: 'manual', side: 'Buy', qty: '0.4' },
    passes: true,
  },
];

let nextId = 1;

/** A resting (far from the touch) limit order record of `book`. */
function orderRecord(order: Order): { rec: Float64Array; orderId: number } {
  const rec = new Float64Array(OrderRecord.SLOTS);
  const encoded = encodeManualOrder(
    {
      type: 'placeOrder',
      symbol: 'BTCUSDT',
      side: order.side,
      orderType: 'Limit',
      price: order.side === 'Buy' ? '99.00' : '102.00',
      qty: order.qty,
    },
    SYMBOLS,
    () => nextId++,
    asTimestampUs(2_000),
    0,
    rec,
  );
  assert.ok(encoded.ok);
  new OrderCommand().read(rec, 0).strategy =
    order.book === 'manual' ? MANUAL_STRATEGY_INDEX : STRATEGY;
  return { rec, orderId: encoded.orderId };
}

/** A broker holding the case's two books, its resting orders placed while ACTIVE. */
function brokerFor(c: Case) {
  const h = harness({}, { strategyIds: engineStrategyIds('imbalance_v1') });
  const position = (strategyIndex: number, qty: string) => ({
    strategyIndex,
    symbolIndex: 0,
    qty: u(qty),
    avgCost: u('100'),
    realizedPnl: 0,
  });
  h.broker.restore(
    [position(STRATEGY, c.strategyPosition), position(MANUAL_STRATEGY_INDEX, c.manualPosition)],
    [],
    { nextTradeId: 1, nextInternalOrderId: 1e12 },
  );
  const book = bookRecord({ ts: 1_000, ...BASE_BOOK });
  h.broker.onMarket(book, 0);
  for (const order of c.resting ?? []) {
    const { rec, orderId } = orderRecord(order);
    h.broker.onOrder(rec, 0);
    assert.equal(ORDER_STATUSES[h.lastStatus(orderId)], 'Open', `${c.name}: resting order`);
  }
  h.broker.setTradingState(TradingStateCode.REDUCING);
  return { h, book };
}

/** The strategy's risk check, fed as hot-loop.ts and the strategy thread feed it. */
function strategyRiskPasses(c: Case): boolean {
  const { h } = brokerFor(c);
  const risk = new RiskValidator(SYMBOLS.length, h.config.strategy.risk_limits);
  risk.setTradingState(TradingStateCode.REDUCING);
  risk.setBookSynced(BTC, true);
  risk.setMark(BTC, 100);
  risk.setPosition(BTC, h.broker.position(BTC));
  risk.setOpenOrders(BTC, h.broker.openQuantity(BTC, 1), h.broker.openQuantity(BTC, -1));
  const verdict = risk.check(
    BTC,
    c.order.side === 'Buy' ? 1 : -1,
    asQty(u(c.order.qty)),
    asPrice(u(c.order.side === 'Buy' ? '99.00' : '102.00')),
    asTimestampUs(2_000),
  );
  assert.ok(
    verdict === RISK_ACCEPTED || REJECT_REASONS[verdict] === 'reducing_only',
    `${c.name}: strategy risk refused for ${REJECT_REASONS[verdict]}`,
  );
  return verdict === RISK_ACCEPTED;
}

/** The trader's road: the manual-order gate, then the broker (dispatchCommand). */
function gateAndBrokerPasses(c: Case): boolean {
  const { h, book } = brokerFor(c);
  const gate = new ManualOrderGate(SYMBOLS.length, h.config.strategy.risk_limits);
  gate.onMarket(book, 0);
  gate.setTradingState(TradingStateCode.REDUCING);
  const { rec, orderId } = orderRecord(c.order);
  dispatchCommand(h.broker, gate, rec, 0);
  return verdictOf(c, h.orderRows(orderId));
}

/** The broker's own check alone (what it does with an order risk let through). */
function brokerAlonePasses(c: Case): boolean {
  const { h } = brokerFor(c);
  const { rec, orderId } = orderRecord(c.order);
  h.broker.onOrder(rec, 0);
  return verdictOf(c, h.orderRows(orderId));
}

function verdictOf(c: Case, rows: ReturnType<ReturnType<typeof harness>['orderRows']>): boolean {
  const last = rows[rows.length - 1]!;
  const status = ORDER_STATUSES[last.status];
  if (status === 'Rejected') {
    assert.equal(orderReasonText(last.reason), 'reducing_only', `${c.name}: reason`);
    return false;
  }
  assert.ok(status === 'Pending' || status === 'Open', `${c.name}: status ${status}`);
  return true;
}

test('reduce only: risk (strategy and manual) and the broker decide on the NET position alike', () => {
  for (const c of CASES) {
    const verdicts = {
      strategyRisk: strategyRiskPasses(c),
      gateAndBroker: gateAndBrokerPasses(c),
      brokerAlone: brokerAlonePasses(c),
    };
    assert.deepEqual(
      verdicts,
      { strategyRisk: c.passes, gateAndBroker: c.passes, brokerAlone: c.passes },
      c.name,
    );
  }
});

test('turning REDUCING cancels the open orders that would grow the NET position, of every book', () => {
  // The long is in the strategy's book; placed while ACTIVE, a manual sell within the
  // net long stays, a manual buy that would grow it goes.
  const fresh = harness({}, { strategyIds: engineStrategyIds('imbalance_v1') });
  fresh.broker.restore(
    [
      {
        strategyIndex: STRATEGY,
        symbolIndex: 0,
        qty: u('0.3'),
        avgCost: u('100'),
        realizedPnl: 0,
      },
    ],
    [],
    { nextTradeId: 1, nextInternalOrderId: 1e12 },
  );
  fresh.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  const sell = orderRecord({ book: 'manual', side: 'Sell', qty: '0.2' });
  const buy = orderRecord({ book: 'manual', side: 'Buy', qty: '0.1' });
  fresh.broker.onOrder(sell.rec, 0);
  fresh.broker.onOrder(buy.rec, 0);
  fresh.broker.setTradingState(TradingStateCode.REDUCING);
  assert.equal(ORDER_STATUSES[fresh.lastStatus(sell.orderId)], 'Open');
  assert.equal(ORDER_STATUSES[fresh.lastStatus(buy.orderId)], 'Cancelled');
  assert.equal(fresh.broker.position(BTC), u('0.3'));
});
