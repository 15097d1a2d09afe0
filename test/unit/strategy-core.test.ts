import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  REJECT_REASONS,
  TradingStateCode,
  asQty,
  asSymbolIndex,
  feedStateCode,
} from '../../shared/domain.js';
import {
  OrderCommand,
  OrderRecord,
  PersistKind,
  PersistRecord,
  SignalRow,
  persistKindOf,
} from '../../shared/records.js';
import { Rng } from '../../main/engine/core/rng.js';
import { StrategyCore, StrategyOutput } from '../../main/engine/strategy/strategy-core.js';
import { decodeSignalRecord, SignalStatus } from '../../main/engine/strategy/signal-record.js';
import {
  bookRecord,
  config,
  feedStateRecord,
  tradeRecord,
  units,
  type Level,
} from './strategy-fixtures.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
/** The order command written at orderOut[0..]. */
const cmd = (rec: Float64Array): OrderCommand => new OrderCommand().read(rec, 0);

function core(
  overrides: Parameters<typeof config>[0] = {},
  seed = 5,
  logs: string[] = [],
): StrategyCore {
  let id = 1;
  return new StrategyCore(
    config({ symbols: SYMBOLS, ...overrides, params: { min_confidence: 0, ...overrides.params } }),
    {
      symbols: SYMBOLS,
      nextOrderId: () => id++,
      rng: new Rng(seed),
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    },
  );
}

/** A BTC book whose top-5 imbalance is (bid − ask) / (bid + ask). */
function book(
  tsUs: number,
  bidQty: string,
  askQty: string,
  symbol = 0,
  synced = true,
): Float64Array {
  const bids: Level[] = [['60000.00', bidQty]];
  const asks: Level[] = [['60000.10', askQty]];
  return bookRecord({ tsUs, bids, asks, symbol, synced, seq: tsUs / 1000, updateId: tsUs });
}

test('strategy core: a strong bid imbalance fires a buy order and a signal record', () => {
  const c = core();
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  // I = (9 − 1) / 10 = 0.8 → strength (0.8 − 0.3) / 0.7 = 5/7 → target 0.714285.. BTC, capped 0.5.
  const flags = c.onMarket(book(1_000_000, '9', '1'), 0, orderOut, signalOut);
  assert.equal(flags, StrategyOutput.ORDER | StrategyOutput.SIGNAL);
  assert.equal(cmd(orderOut).side, 1);
  assert.equal(cmd(orderOut).qty, units('0.5'));
  assert.equal(cmd(orderOut).price, units('60000.10'));
  assert.equal(cmd(orderOut).orderId, 1);
  assert.equal(cmd(orderOut).tsUs, 1_000_000, 'answers the tick at its data time');
  const signal = decodeSignalRecord(signalOut, 0, SYMBOLS);
  assert.equal(persistKindOf(signalOut, 0), PersistKind.SIGNAL);
  assert.equal(signal.symbol, 'BTCUSDT');
  assert.equal(signal.side, 'Buy');
  assert.ok(Math.abs(signal.strength - 5 / 7) < 1e-12);
  assert.equal(signal.suppressed, false);
  assert.equal(signal.orderId, 1);
  assert.equal(signal.rejectReason, null);
  assert.equal(signal.holdingPeriodMs, 1000 / 0.8);
  assert.equal(signal.features[0], 60000.05, 'the first persisted feature is the mid');
  assert.ok(Math.abs(signal.features[2]! - 0.8) < 1e-15, 'then spread_bps, imbalance');
  assert.deepEqual(
    { fired: c.counters.fired, orders: c.counters.ordersCreated, books: c.counters.bookUpdates },
    { fired: 1, orders: 1, books: 1 },
  );
  assert.equal(c.features.get('imbalance'), signal.features[2]);
});

test('strategy core: none, suppressed, trades and one-sided books', () => {
  const c = core({ params: { min_confidence: 0.99 } });
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  assert.equal(
    c.onMarket(book(1_000_000, '1', '1'), 0, orderOut, signalOut),
    0,
    'I = 0: no signal',
  );
  assert.equal(c.counters.none, 1);
  // One mid only: momentum 0 → 0, volatility 0 → 1; confidence 0.5 < 0.99.
  assert.equal(
    c.onMarket(book(1_100_000, '9', '1'), 0, orderOut, signalOut),
    StrategyOutput.SIGNAL,
  );
  assert.equal(new SignalRow().read(signalOut, 0).status, SignalStatus.SUPPRESSED);
  assert.equal(decodeSignalRecord(signalOut, 0, SYMBOLS).suppressed, true);
  assert.equal(c.counters.suppressed, 1);
  assert.equal(c.counters.ordersCreated, 0);
  assert.equal(
    c.onMarket(tradeRecord(1_150_000, '60000.1', '0.2', false), 0, orderOut, signalOut),
    0,
  );
  assert.equal(c.counters.trades, 1);
  assert.equal(c.counters.bookUpdates, 2, 'a trade is not a book update');
  const oneSided = bookRecord({ tsUs: 1_200_000, bids: [['1', '1']], asks: [] });
  assert.equal(c.onMarket(oneSided, 0, orderOut, signalOut), 0);
  assert.equal(c.counters.bookUpdates, 2, 'a one-sided book adds no row');
  c.onMarket(book(1_300_000, '1', '1'), 0, orderOut, signalOut);
  assert.equal(c.features.get('trade_volume'), 0.2, 'the trade reached the trade features');
});

test('strategy core: refusals keep the signal, name the reason, and send no order', () => {
  const c = core();
  const orderOut = new Float64Array(OrderRecord.SLOTS).fill(-1);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  c.onMarket(feedStateRecord(0, feedStateCode('stale')), 0, orderOut, signalOut);
  assert.equal(
    c.onMarket(book(1_000_000, '9', '1'), 0, orderOut, signalOut),
    StrategyOutput.SIGNAL,
  );
  assert.equal(decodeSignalRecord(signalOut, 0, SYMBOLS).rejectReason, 'feed_not_live');
  assert.equal(orderOut[0], -1, 'no order written');
  c.onMarket(feedStateRecord(0, feedStateCode('live')), 0, orderOut, signalOut);

  c.setTradingState(TradingStateCode.HALTED);
  c.onMarket(book(2_000_000, '9', '1'), 0, orderOut, signalOut);
  assert.equal(decodeSignalRecord(signalOut, 0, SYMBOLS).rejectReason, 'kill_switch');

  c.setTradingState(TradingStateCode.ACTIVE);
  c.onMarket(book(3_000_000, '9', '1', 0, false), 0, orderOut, signalOut);
  assert.equal(decodeSignalRecord(signalOut, 0, SYMBOLS).rejectReason, 'book_unsynced');

  assert.equal(c.counters.rejections[REJECT_REASONS.indexOf('feed_not_live')], 1);
  assert.equal(c.counters.rejections[REJECT_REASONS.indexOf('kill_switch')], 1);
  assert.equal(c.counters.rejections[REJECT_REASONS.indexOf('book_unsynced')], 1);
  assert.equal(c.counters.ordersCreated, 0);
  assert.equal(
    c.onMarket(book(4_000_000, '9', '1'), 0, orderOut, signalOut),
    StrategyOutput.ORDER | StrategyOutput.SIGNAL,
  );
});

test('strategy core: sizing follows the reported position and open orders; repeats do not pile up', () => {
  const c = core({ params: { max_position_size: 0.6 }, risk_limits: { max_order_size: 0.2 } });
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  // I = 0.65 → strength 0.5 → target 0.3 BTC; the first order is capped at 0.2.
  c.onMarket(book(1_000_000, '0.825', '0.175'), 0, orderOut, signalOut);
  assert.equal(cmd(orderOut).qty, units('0.2'));
  c.setPosition(asSymbolIndex(0), asQty(units('0.2')));
  c.onMarket(book(2_000_000, '0.825', '0.175'), 0, orderOut, signalOut);
  assert.equal(cmd(orderOut).qty, units('0.1'), 'tops up to the target');
  c.setOpenOrderQty(asSymbolIndex(0), units('0.1'));
  assert.equal(
    c.onMarket(book(3_000_000, '0.825', '0.175'), 0, orderOut, signalOut),
    StrategyOutput.SIGNAL,
  );
  assert.equal(c.counters.noOrderNeeded, 1, 'the resting 0.1 already covers the target');
  assert.equal(c.counters.ordersCreated, 2);
});

test('strategy core: live parameters apply from the next tick; symbols are independent', () => {
  const c = core();
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  const base = config({ symbols: SYMBOLS, params: { min_confidence: 0 } }).strategy;
  c.setParams({ ...base.params, imbalance_threshold: 0.9 }, base.risk_limits);
  assert.equal(c.onMarket(book(1_000_000, '9', '1'), 0, orderOut, signalOut), 0, 'I = 0.8 < 0.9');
  c.setParams({ ...base.params, imbalance_threshold: 0.5 }, base.risk_limits);
  assert.equal(c.onMarket(book(1_100_000, '9', '1', 1), 0, orderOut, signalOut), 3);
  assert.equal(cmd(orderOut).symbol, 1);
  assert.equal(c.featureSet(1).buffer.size, 1);
  assert.equal(c.featureSet(0).buffer.size, 1);
  assert.equal(c.onMarket(book(1_200_000, '9', '1', 7), 0, orderOut, signalOut), 0);
  assert.equal(c.counters.unknownSymbol, 1, 'an unknown symbol index is counted and skipped');
});

test('strategy core: the same records and seed give the same orders and signals', () => {
  const run = (): number[][] => {
    const c = core({}, 77);
    const rng = new Rng(3);
    const out: number[][] = [];
    const orderOut = new Float64Array(OrderRecord.SLOTS);
    const signalOut = new Float64Array(PersistRecord.SLOTS);
    let position = 0;
    for (let k = 0; k < 400; k++) {
      const bid = (1 + rng.int(900)) / 100;
      const ask = (1 + rng.int(900)) / 100;
      const flags = c.onMarket(
        book(1_000_000 + k * 5_000, bid.toFixed(2), ask.toFixed(2)),
        0,
        orderOut,
        signalOut,
      );
      if (flags & StrategyOutput.ORDER) {
        out.push([...orderOut]);
        position += cmd(orderOut).side * cmd(orderOut).qty;
        c.setPosition(asSymbolIndex(0), asQty(position));
      }
      if (flags & StrategyOutput.SIGNAL) out.push([...signalOut]);
    }
    assert.ok(
      c.counters.ordersCreated > 5,
      `enough orders to compare (${c.counters.ordersCreated})`,
    );
    assert.ok(
      c.counters.rejections[REJECT_REASONS.indexOf('rate_limit')]! > 0,
      'the data-clock rate limit bites',
    );
    return out;
  };
  assert.deepEqual(run(), run());
});

test('strategy core: stage timings are reported for every stage a tick reaches', () => {
  const seen = { features: 0, signal: 0, risk: 0, orderCreate: 0 };
  const c = new StrategyCore(config({ params: { min_confidence: 0 } }), {
    symbols: ['BTCUSDT'],
    nextOrderId: () => 1,
    rng: new Rng(1),
    timings: {
      features: (ns) => {
        assert.ok(ns >= 0);
        seen.features++;
      },
      signal: () => seen.signal++,
      risk: () => seen.risk++,
      orderCreate: () => seen.orderCreate++,
    },
  });
  const orderOut = new Float64Array(OrderRecord.SLOTS);
  const signalOut = new Float64Array(PersistRecord.SLOTS);
  c.onMarket(book(1_000_000, '1', '1'), 0, orderOut, signalOut);
  c.onMarket(book(1_100_000, '9', '1'), 0, orderOut, signalOut);
  assert.deepEqual(seen, { features: 2, signal: 2, risk: 1, orderCreate: 1 });
});

test('strategy core: enable_ml without a model warns and trades the imbalance strategy', () => {
  const logs: string[] = [];
  const c = core({ enable_ml: true }, 1, logs);
  assert.equal(c.activeGenerator, 'imbalance');
  assert.match(logs.join('\n'), /warn: strategy.enable_ml is on but no ML model was loaded/);
});
