import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asOrderId,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  OrderStatusCode,
  OrderTypeCode,
  TradingStateCode,
} from '../../shared/domain.js';
import {
  FeedStateUpdate,
  FIELD_WIDTHS,
  FillRow,
  KillSwitchEventRow,
  MarketHeader,
  MarketKind,
  MarketRecord,
  MarketUpdate,
  MAX_LEVELS,
  NO_REJECT,
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
  OrderRow,
  PersistKind,
  PersistRecord,
  persistKindOf,
  RECORD_LAYOUTS,
  SIGNAL_ROW_FEATURES,
  SignalRow,
  TradeUpdate,
  writeFlushRow,
} from '../../shared/records.js';

// Every record is encoded at an offset inside a larger array filled with a sentinel, so a
// view writing outside its record (or reading a neighbour's slot) shows up.
const SENTINEL = -123.25;
function arena(slots: number): { buf: Float64Array; off: number } {
  const buf = new Float64Array(slots * 3).fill(SENTINEL);
  return { buf, off: slots };
}
function assertOutsideUntouched(buf: Float64Array, off: number, slots: number): void {
  for (let i = 0; i < off; i++) assert.equal(buf[i], SENTINEL, `slot ${i} before the record`);
  for (let i = off + slots; i < buf.length; i++)
    assert.equal(buf[i], SENTINEL, `slot ${i} after the record`);
}

test('MarketUpdate (BOOK) round-trips every field, levels included', () => {
  const { buf, off } = arena(MarketRecord.SLOTS);
  const w = new MarketUpdate().begin(
    buf,
    off,
    asSymbolIndex(3),
    987_654,
    asTimestampUs(1_752_000_000_123_456),
    42.5,
  );
  w.updateId = 77_777_777;
  w.synced = true;
  w.bidCount = MAX_LEVELS;
  w.askCount = 7;
  w.mdUs = 3.25;
  for (let i = 0; i < MAX_LEVELS; i++) {
    w.setBid(i, asPrice(11_900_000_000_000 - i * 1_000_000), asQty(1_000 + i));
    w.setAsk(i, asPrice(11_900_001_000_000 + i * 1_000_000), asQty(2_000 + i));
  }
  assertOutsideUntouched(buf, off, MarketRecord.SLOTS);
  const r = new MarketUpdate().read(buf, off);
  assert.equal(r.kind, MarketKind.BOOK);
  assert.equal(r.symbol, 3);
  assert.equal(r.seq, 987_654);
  assert.equal(r.tsUs, 1_752_000_000_123_456);
  assert.equal(r.t0Us, 42.5);
  assert.equal(r.mdUs, 3.25);
  assert.equal(r.updateId, 77_777_777);
  assert.equal(r.synced, true);
  assert.equal(r.bidCount, MAX_LEVELS);
  assert.equal(r.askCount, 7);
  for (let i = 0; i < MAX_LEVELS; i++) {
    assert.equal(r.bidPrice(i), 11_900_000_000_000 - i * 1_000_000);
    assert.equal(r.bidQty(i), 1_000 + i);
    assert.equal(r.askPrice(i), 11_900_001_000_000 + i * 1_000_000);
    assert.equal(r.askQty(i), 2_000 + i);
  }
  // The level subarrays a book writes into are the same slots the view reads.
  const levels = MarketUpdate.levelArrays(buf, off);
  assert.equal(levels.bidPrices[4], r.bidPrice(4));
  assert.equal(levels.askQtys[19], r.askQty(19));
  levels.bidQtys[0] = 5;
  assert.equal(r.bidQty(0), 5);
});

test('TradeUpdate round-trips every field', () => {
  const { buf, off } = arena(MarketRecord.SLOTS);
  const w = new TradeUpdate().begin(buf, off, asSymbolIndex(1), 55, asTimestampUs(9_001), 17);
  w.tradeId = 123_456_789;
  w.synced = true;
  w.price = asPrice(6_000_012_000_000);
  w.qty = asQty(350_000);
  w.isBuyerMaker = true;
  assertOutsideUntouched(buf, off, MarketRecord.SLOTS);
  const r = new TradeUpdate().read(buf, off);
  assert.deepEqual(
    [r.kind, r.symbol, r.seq, r.tsUs, r.t0Us, r.tradeId, r.synced, r.price, r.qty, r.isBuyerMaker],
    [MarketKind.TRADE, 1, 55, 9_001, 17, 123_456_789, true, 6_000_012_000_000, 350_000, true],
  );
  w.isBuyerMaker = false;
  assert.equal(r.isBuyerMaker, false);
});

test('FeedStateUpdate and the END record round-trip', () => {
  const { buf, off } = arena(MarketRecord.SLOTS);
  const w = new FeedStateUpdate().begin(buf, off, asSymbolIndex(2), 8, asTimestampUs(10));
  w.updateId = 99;
  w.synced = false;
  w.feedState = 3;
  assertOutsideUntouched(buf, off, MarketRecord.SLOTS);
  const r = new FeedStateUpdate().read(buf, off);
  assert.deepEqual(
    [r.kind, r.symbol, r.seq, r.tsUs, r.updateId, r.synced, r.feedState],
    [MarketKind.FEED_STATE, 2, 8, 10, 99, false, 3],
  );
  new MarketHeader().writeEnd(buf, off, 9, asTimestampUs(11));
  const end = new MarketHeader().at(buf, off);
  assert.deepEqual([end.kind, end.seq, end.tsUs, end.symbol], [MarketKind.END, 9, 11, 0]);
  assertOutsideUntouched(buf, off, MarketRecord.SLOTS);
});

test('OrderCommand round-trips every field of a NEW order, and the other command kinds', () => {
  const { buf, off } = arena(OrderRecord.SLOTS);
  const w = new OrderCommand().begin(buf, off, OrderCommandKind.NEW);
  w.orderId = asOrderId(4_242);
  w.symbol = asSymbolIndex(1);
  w.side = -1;
  w.type = OrderTypeCode.FOK;
  w.price = asPrice(300_001_000_000);
  w.qty = asQty(12_345_000);
  w.tsUs = asTimestampUs(1_700_000_000_000_001);
  w.t0Us = 88.5;
  w.strength = -0.625;
  w.confidence = 0.875;
  for (let i = 0; i < 4; i++) w.setClientIdWord(i, 0xfeed0000 + i);
  w.strategy = 2;
  assertOutsideUntouched(buf, off, OrderRecord.SLOTS);
  const r = new OrderCommand().read(buf, off);
  assert.deepEqual(
    [
      r.kind,
      r.orderId,
      r.symbol,
      r.side,
      r.type,
      r.price,
      r.qty,
      r.tsUs,
      r.t0Us,
      r.strength,
      r.confidence,
      r.strategy,
    ],
    [
      OrderCommandKind.NEW,
      4_242,
      1,
      -1,
      OrderTypeCode.FOK,
      300_001_000_000,
      12_345_000,
      1_700_000_000_000_001,
      88.5,
      -0.625,
      0.875,
      2,
    ],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => r.clientIdWord(i)),
    [0xfeed0000, 0xfeed0001, 0xfeed0002, 0xfeed0003],
  );
  // begin() clears what an earlier command left in the reused record.
  const cancel = new OrderCommand().begin(buf, off, OrderCommandKind.CANCEL);
  cancel.orderId = asOrderId(7);
  assert.deepEqual([r.kind, r.orderId, r.qty, r.strength], [OrderCommandKind.CANCEL, 7, 0, 0]);
});

test('OrderRow round-trips every field', () => {
  const { buf, off } = arena(PersistRecord.SLOTS);
  const w = new OrderRow().begin(buf, off);
  w.tsUs = asTimestampUs(2_000);
  w.symbol = asSymbolIndex(1);
  w.strategy = 4;
  w.orderId = asOrderId(31);
  w.side = 1;
  w.type = OrderTypeCode.PostOnly;
  w.status = OrderStatusCode.PartiallyFilled;
  w.price = asPrice(101);
  w.qty = asQty(102);
  w.filledQty = asQty(103);
  w.avgFillPrice = asPrice(104);
  w.fees = -105;
  w.createdUs = asTimestampUs(1_000);
  w.reason = 13;
  for (let i = 0; i < 4; i++) w.setClientIdWord(i, 200 + i);
  assertOutsideUntouched(buf, off, PersistRecord.SLOTS);
  const r = new OrderRow().read(buf, off);
  assert.equal(persistKindOf(buf, off), PersistKind.ORDER);
  assert.deepEqual(
    [
      r.kind,
      r.tsUs,
      r.symbol,
      r.strategy,
      r.orderId,
      r.side,
      r.type,
      r.status,
      r.price,
      r.qty,
      r.filledQty,
      r.avgFillPrice,
      r.fees,
      r.createdUs,
      r.reason,
    ],
    [
      PersistKind.ORDER,
      2_000,
      1,
      4,
      31,
      1,
      OrderTypeCode.PostOnly,
      OrderStatusCode.PartiallyFilled,
      101,
      102,
      103,
      104,
      -105,
      1_000,
      13,
    ],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => r.clientIdWord(i)),
    [200, 201, 202, 203],
  );
});

test('FillRow round-trips every field: the fill, the order after it and the position after it', () => {
  const { buf, off } = arena(PersistRecord.SLOTS);
  const w = new FillRow().begin(buf, off);
  w.tsUs = asTimestampUs(3_000);
  w.symbol = asSymbolIndex(1);
  w.strategy = 2;
  w.orderId = asOrderId(41);
  w.side = -1;
  w.type = OrderTypeCode.IOC;
  w.status = OrderStatusCode.Filled;
  w.price = asPrice(501);
  w.qty = asQty(502);
  w.orderFilledQty = asQty(503);
  w.orderAvgFillPrice = asPrice(504);
  w.positionRealizedPnl = -505;
  w.positionQty = asQty(-506);
  w.positionAvgCost = asPrice(507);
  w.fee = 508;
  for (let i = 0; i < 4; i++) w.setClientIdWord(i, 600 + i);
  w.tradeId = 509;
  assertOutsideUntouched(buf, off, PersistRecord.SLOTS);
  const r = new FillRow().read(buf, off);
  assert.deepEqual(
    [
      r.kind,
      r.tsUs,
      r.symbol,
      r.strategy,
      r.orderId,
      r.side,
      r.type,
      r.status,
      r.price,
      r.qty,
      r.orderFilledQty,
      r.orderAvgFillPrice,
      r.positionRealizedPnl,
      r.positionQty,
      r.positionAvgCost,
      r.fee,
      r.tradeId,
    ],
    [
      PersistKind.FILL,
      3_000,
      1,
      2,
      41,
      -1,
      OrderTypeCode.IOC,
      OrderStatusCode.Filled,
      501,
      502,
      503,
      504,
      -505,
      -506,
      507,
      508,
      509,
    ],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => r.clientIdWord(i)),
    [600, 601, 602, 603],
  );
});

test('SignalRow round-trips every field; the reject reason has a "none"', () => {
  const { buf, off } = arena(PersistRecord.SLOTS);
  const w = new SignalRow().begin(buf, off);
  w.tsUs = asTimestampUs(4_000);
  w.symbol = asSymbolIndex(1);
  w.strategy = 3;
  w.orderId = asOrderId(51);
  w.side = -1;
  w.status = 1;
  w.rejectReason = 0; // REJECT_REASONS[0]: a real reason, not "none"
  w.strength = -0.75;
  w.confidence = 0.5;
  w.holdingPeriodMs = 1_250;
  for (let i = 0; i < SIGNAL_ROW_FEATURES; i++) w.setFeature(i, 10 + i / 4);
  assertOutsideUntouched(buf, off, PersistRecord.SLOTS);
  const r = new SignalRow().read(buf, off);
  assert.deepEqual(
    [
      r.kind,
      r.tsUs,
      r.symbol,
      r.strategy,
      r.orderId,
      r.side,
      r.status,
      r.rejectReason,
      r.strength,
      r.confidence,
      r.holdingPeriodMs,
    ],
    [PersistKind.SIGNAL, 4_000, 1, 3, 51, -1, 1, 0, -0.75, 0.5, 1_250],
  );
  assert.deepEqual(
    Array.from({ length: SIGNAL_ROW_FEATURES }, (_, i) => r.feature(i)),
    Array.from({ length: SIGNAL_ROW_FEATURES }, (_, i) => 10 + i / 4),
  );
  assert.equal(new SignalRow().begin(buf, off).rejectReason, NO_REJECT, 'a fresh row has none');
});

test('KillSwitchEventRow and FLUSH round-trip', () => {
  const { buf, off } = arena(PersistRecord.SLOTS);
  const w = new KillSwitchEventRow().begin(buf, off);
  w.tsUs = asTimestampUs(5_000);
  w.state = TradingStateCode.REDUCING;
  const r = new KillSwitchEventRow().read(buf, off);
  assert.deepEqual([r.kind, r.tsUs, r.state], [PersistKind.KILL_SWITCH, 5_000, 1]);
  writeFlushRow(buf, off);
  assert.equal(persistKindOf(buf, off), PersistKind.FLUSH);
  assertOutsideUntouched(buf, off, PersistRecord.SLOTS);
});

test('kinds that share a ring cannot be decoded as each other', () => {
  const rows = new Float64Array(PersistRecord.SLOTS);
  new FillRow().begin(rows, 0).fee = 12;
  assert.throws(
    () => new OrderRow().read(rows, 0),
    /expected a persistence row of kind 1, found kind 2/,
  );
  assert.throws(() => new SignalRow().read(rows, 0), /kind 3, found kind 2/);
  assert.throws(() => new KillSwitchEventRow().read(rows, 0), /kind 4, found kind 2/);
  const market = new Float64Array(MarketRecord.SLOTS);
  new TradeUpdate().begin(market, 0, asSymbolIndex(0), 1, asTimestampUs(1), 0).price = asPrice(100);
  assert.throws(() => new MarketUpdate().read(market, 0), /expected a BOOK market record/);
  assert.throws(() => new FeedStateUpdate().read(market, 0), /expected a FEED_STATE/);
});

test('no two fields of a kind share a slot, and every field fits in its ring record', () => {
  for (const [kind, layout] of Object.entries(RECORD_LAYOUTS)) {
    const owner = new Map<number, string>();
    for (const [field, slot] of Object.entries(layout.slots)) {
      const width = FIELD_WIDTHS[field] ?? 1;
      for (let s = slot; s < slot + width; s++) {
        const other = owner.get(s);
        assert.equal(other, undefined, `${kind}: ${field} and ${other} both use slot ${s}`);
        owner.set(s, field);
        assert.ok(s < layout.size, `${kind}: ${field} slot ${s} is outside its ${layout.size}`);
      }
    }
  }
});

test('the fill row keeps the fee and the realized PnL apart (they once shared one documented slot)', () => {
  const rows = new Float64Array(PersistRecord.SLOTS);
  const fill = new FillRow().begin(rows, 0);
  fill.fee = 7;
  fill.positionRealizedPnl = -7;
  assert.equal(fill.fee, 7);
  assert.equal(fill.positionRealizedPnl, -7);
  const layout = RECORD_LAYOUTS.fillRow.slots;
  assert.notEqual(layout.fee, layout.positionRealizedPnl);
});
