import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OrderStatusCode,
  REJECT_REASONS,
  TradingStateCode,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  type Qty,
  type SideCode,
} from '../../shared/domain.js';
import { GATE_OPEN, tradingGate } from '../../main/engine/core/trading-gate.js';
import type { FeeModel, LiquidityCode } from '../../main/engine/execution/fee-model.js';
import { ConstantLatency } from '../../main/engine/execution/latency-model.js';
import { ORDER_REASONS } from '../../main/engine/execution/order-reasons.js';
import { isLegalTransition, transition } from '../../main/engine/execution/order-state.js';
import type { RestoredOrder } from '../../main/engine/execution/paper-broker.js';
import type { QueueModel, QueueSlot } from '../../main/engine/execution/queue-model.js';
import { RISK_ACCEPTED, RiskValidator } from '../../main/engine/strategy/risk/risk-validator.js';
import { BASE_BOOK, bookRecord, harness, newOrder, u } from './execution-fixtures.js';
import { limits } from './strategy-fixtures.js';

const { Pending, Open, PartiallyFilled, Filled, Cancelled, Rejected } = OrderStatusCode;

test('order state machine: the legal moves, and an illegal one throws', () => {
  const legal: [number, number][] = [
    [Pending, Open],
    [Pending, PartiallyFilled],
    [Pending, Filled],
    [Pending, Cancelled],
    [Pending, Rejected],
    [Open, PartiallyFilled],
    [Open, Filled],
    [Open, Cancelled],
    [PartiallyFilled, PartiallyFilled],
    [PartiallyFilled, Filled],
    [PartiallyFilled, Cancelled],
  ];
  const all = [Pending, Open, PartiallyFilled, Filled, Cancelled, Rejected];
  for (const from of all) {
    for (const to of all) {
      const expected = legal.some(([f, t]) => f === from && t === to);
      assert.equal(isLegalTransition(from, to), expected, `${from} → ${to}`);
    }
  }
  const order = { orderId: 9, status: Filled as OrderStatusCode };
  assert.throws(() => transition(order, Open), /order 9: illegal status change Filled → Open/);
  const open = { orderId: 10, status: Open as OrderStatusCode };
  assert.throws(() => transition(open, Rejected), /Open → Rejected/);
  transition(open, Cancelled);
  assert.equal(open.status, Cancelled);
  assert.throws(() => transition(open, Filled), /Cancelled → Filled/);
});

/**
 * One decision table for the trading-state gate: the risk check and the broker must agree
 * on every row. Before the shared gate, the risk check ignored open orders in REDUCING
 * (rows marked †) and passed orders the broker then refused.
 */
const GATE_CASES: {
  state: TradingStateCode;
  position: string;
  /** Remaining size of open orders on the new order's side. */
  open: string;
  side: SideCode;
  qty: string;
  expect: 'pass' | 'kill_switch' | 'reducing_only';
}[] = [
  { state: TradingStateCode.ACTIVE, position: '0', open: '0', side: 1, qty: '1', expect: 'pass' },
  {
    state: TradingStateCode.ACTIVE,
    position: '1',
    open: '0.5',
    side: 1,
    qty: '0.2',
    expect: 'pass',
  },
  {
    state: TradingStateCode.HALTED,
    position: '1',
    open: '0',
    side: -1,
    qty: '0.5',
    expect: 'kill_switch',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '1',
    open: '0',
    side: -1,
    qty: '0.5',
    expect: 'pass',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '1',
    open: '0',
    side: -1,
    qty: '1',
    expect: 'pass',
  },
  // † the open sell of 0.6 plus this 0.5 would flip the long 1 into a short
  {
    state: TradingStateCode.REDUCING,
    position: '1',
    open: '0.6',
    side: -1,
    qty: '0.5',
    expect: 'reducing_only',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '1',
    open: '0.5',
    side: -1,
    qty: '0.5',
    expect: 'pass',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '1',
    open: '0',
    side: -1,
    qty: '1.5',
    expect: 'reducing_only',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '1',
    open: '0',
    side: 1,
    qty: '0.1',
    expect: 'reducing_only',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '0',
    open: '0',
    side: -1,
    qty: '0.1',
    expect: 'reducing_only',
  },
  {
    state: TradingStateCode.REDUCING,
    position: '-2',
    open: '1',
    side: 1,
    qty: '1',
    expect: 'pass',
  },
  // †
  {
    state: TradingStateCode.REDUCING,
    position: '-2',
    open: '1.5',
    side: 1,
    qty: '1',
    expect: 'reducing_only',
  },
];

const signedUnits = (decimal: string): number => u(decimal);
const verdictName = (code: number): string =>
  code === GATE_OPEN || code === RISK_ACCEPTED ? 'pass' : REJECT_REASONS[code]!;

function riskVerdict(c: (typeof GATE_CASES)[number]): string {
  // Limits wide open, so only the trading-state gate can refuse.
  const risk = new RiskValidator(
    1,
    limits({
      max_position_size: 100,
      max_order_size: 100,
      max_notional_exposure: 1e12,
      max_orders_per_second: 1000,
    }),
  );
  const btc = asSymbolIndex(0);
  risk.setBookSynced(btc, true);
  risk.setMark(btc, 100);
  risk.setPosition(btc, asQty(signedUnits(c.position)));
  const open = asQty(u(c.open));
  risk.setOpenOrders(btc, c.side > 0 ? open : asQty(0), c.side < 0 ? open : asQty(0));
  risk.setTradingState(c.state);
  return verdictName(
    risk.check(btc, c.side, asQty(u(c.qty)), asPrice(u('100')), asTimestampUs(1_000_000)),
  );
}

function brokerVerdict(c: (typeof GATE_CASES)[number]): string {
  const h = harness();
  h.broker.setTradingState(c.state);
  const position = signedUnits(c.position);
  const openOrders: RestoredOrder[] =
    u(c.open) > 0
      ? [
          {
            orderId: 1,
            clientIdWords: [1, 0x4000, 0x80000000, 1],
            strategyIndex: 0,
            symbolIndex: 0,
            side: c.side,
            type: 1,
            status: Open,
            // Far from the touch: it rests and never fills during the check.
            price: c.side > 0 ? u('50') : u('150'),
            qty: u(c.open),
            filledQty: 0,
            avgFillPrice: 0,
            fees: 0,
            createdUs: 500,
            updatedUs: 500,
          },
        ]
      : [];
  h.broker.restore(
    position === 0
      ? []
      : [
          {
            strategyIndex: 0,
            symbolIndex: 0,
            qty: position,
            avgCost: u('100'),
            realizedPnl: 0,
          },
        ],
    openOrders,
    { nextTradeId: 1, nextInternalOrderId: 2 ** 50 },
  );
  h.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  // A limit order far from the touch: nothing but the gate can refuse it.
  h.broker.onOrder(
    newOrder({
      id: 2,
      ts: 1_000,
      side: c.side > 0 ? 'Buy' : 'Sell',
      type: 'Limit',
      price: c.side > 0 ? '60' : '140',
      qty: c.qty,
    }),
    0,
  );
  const last = h.orderRows(2).at(-1)!;
  return last.status === Rejected ? ORDER_REASONS[last.reason]! : 'pass';
}

test('trading-state gate: the risk check and the broker agree on every case of one table', () => {
  for (const c of GATE_CASES) {
    const label = `${['ACTIVE', 'REDUCING', 'HALTED'][c.state]} position ${c.position}, open ${c.open} on the order's side, ${c.side > 0 ? 'buy' : 'sell'} ${c.qty}`;
    const gate = verdictName(
      tradingGate(
        c.state,
        c.side,
        asQty(u(c.qty)),
        asQty(signedUnits(c.position)),
        asQty(u(c.open)),
      ),
    );
    assert.equal(gate, c.expect, `gate: ${label}`);
    assert.equal(riskVerdict(c), c.expect, `risk: ${label}`);
    assert.equal(brokerVerdict(c), c.expect, `broker: ${label}`);
  }
});

test('the broker takes its fee, latency and queue models as interfaces', () => {
  const fees: { price: number; qty: number; liquidity: LiquidityCode }[] = [];
  const flatFee: FeeModel = {
    fee(price, qty, liquidity) {
      fees.push({ price, qty, liquidity });
      return 7;
    },
  };
  const joined: number[] = [];
  const alwaysFillsQueue: QueueModel = {
    join: (_slot: QueueSlot, displayed: number) => void joined.push(displayed),
    onTrade: () => 0,
    onDepth: () => {},
    undecidedFill: () => true,
  };
  const h = harness(
    {},
    {
      feeModel: flatFee,
      latencyModel: new ConstantLatency(500),
      queueModel: alwaysFillsQueue,
    },
  );
  h.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  h.broker.onOrder(
    newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Limit', price: '100', qty: '0.5' }),
    0,
  );
  assert.deepEqual(
    h.orderRows(1).map((r) => r.status),
    [Pending],
    'in flight for the latency model’s 500 µs',
  );
  // A book at 1 400 µs: not arrived yet.
  h.broker.onMarket(bookRecord({ ts: 1_400, ...BASE_BOOK }), 0);
  assert.equal(h.orderRows(1).length, 1);
  // At 1 500 µs it arrives (before the record applies), rests at the bid and joins the
  // queue behind the displayed 1 BTC; the record then asks the queue model, which fills it.
  h.broker.onMarket(bookRecord({ ts: 1_500, ...BASE_BOOK }), 0);
  assert.deepEqual(joined, [u('1')]);
  assert.deepEqual(
    h.orderRows(1).map((r) => r.status),
    [Pending, Open, Filled],
  );
  const fill = h.fills()[0]!;
  assert.equal(fill.fee, 7, 'the fee model’s fee');
  assert.equal(fill.positionRealizedPnl, -7);
  assert.deepEqual(fees, [{ price: u('100'), qty: u('0.5'), liquidity: 0 }]);
  assert.equal(h.broker.position(asSymbolIndex(0)), u('0.5') as Qty);
});

test('a malformed order is rejected with a reason code, not a parsed message', () => {
  const h = harness();
  h.broker.onMarket(bookRecord({ ts: 1_000, ...BASE_BOOK }), 0);
  h.broker.onOrder(newOrder({ id: 1, ts: 1_000, side: 'Buy', type: 'Market', qty: '0' }), 0);
  h.broker.onOrder(
    newOrder({ id: 2, ts: 1_000, side: 'Buy', type: 'Limit', price: '0', qty: '1' }),
    0,
  );
  assert.equal(ORDER_REASONS[h.orderRows(1).at(-1)!.reason], 'zero_size');
  assert.equal(ORDER_REASONS[h.orderRows(2).at(-1)!.reason], 'invalid_order');
});
