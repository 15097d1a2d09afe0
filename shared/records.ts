import type {
  FeedStateCode,
  OrderId,
  OrderStatusCode,
  OrderTypeCode,
  Price,
  Qty,
  SideCode,
  SignalSideCode,
  SymbolIndex,
  TimestampUs,
  TradingStateCode,
} from './domain.js';

/**
 * The engine's ring records, each kind declared ONCE here: its fields, the slot each
 * occupies and its unit, and a typed view that reads and writes them. Every record is a
 * run of float64 slots (integers up to 2^53 are exact; prices and quantities are 1e-8
 * fixed-point, see domain.ts). No other file names a slot: producers and consumers bind
 * a view to (array, offset) and use field names.
 *
 * Views allocate nothing per record: each user keeps one view object and re-points it
 * with `read` (checks the record's kind, so a FILL row can never be decoded as an ORDER
 * row by mistake) or `begin` (zeroes the record and writes its kind).
 *
 * Slot numbers are the wire format between threads and of the persistence journal
 * (sqlite-writer spills raw rows), so changing one is a format change.
 */

/** Book levels carried per side in a market record; the UI and every feature use ≤ 20. */
export const MAX_LEVELS = 20;
const CLIENT_ID_WORDS = 4;
/** Features a SIGNAL row carries: the first 8 of the extractor order. */
export const SIGNAL_ROW_FEATURES = 8;

const EMPTY = new Float64Array(0);

/**
 * Zeroes slots [from, to). A loop, not `fill(0, from, to)`: the ranged builtin costs more
 * than the whole row's encoding on the hot path (measured in bench's fill simulation).
 */
function zero(buf: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) buf[i] = 0;
}

// ================================================================== market ring

export const MarketKind = {
  BOOK: 1,
  TRADE: 2,
  /** The feed changed state; no book data. */
  FEED_STATE: 3,
  /** End of a replay: consumers flush and report. */
  END: 4,
} as const;
export type MarketKindCode = (typeof MarketKind)[keyof typeof MarketKind];

/** Fields every market record has. */
const MARKET_HEADER = {
  /** MarketKindCode. */
  kind: 0,
  /** SymbolIndex. */
  symbol: 1,
  /**
   * Sequence of every record the pipeline emits, across symbols, from 1: the tick an
   * order answers, and the replay barrier's position.
   */
  seq: 2,
  /** Receive time on the recording's clock, µs since epoch (replay: the file's `ts`). */
  tsUs: 3,
  /** Monotonic µs when the frame was read from the socket: start of tick-to-trade. */
  t0Us: 4,
  /**
   * Time the market-data thread spent on this record (parse + book), µs. In replay the
   * reader floods the ring, so the strategy measures tick-to-trade from its own dequeue
   * plus this, not from t0Us (which would count time queued behind a file read).
   */
  mdUs: 10 + 4 * MAX_LEVELS,
} as const;

/** The slots after the header's fixed five that carry each kind's own fields. */
const HEADER_END = 5;
const BOOK_LEVELS = 10;

const BOOK_LAYOUT = {
  ...MARKET_HEADER,
  /** Binance `u` of the last applied diff (or the snapshot's lastUpdateId). */
  updateId: 5,
  /** 1 when the book is synced, 0 when it may be wrong. */
  synced: 6,
  /** Bid levels present (≤ MAX_LEVELS). */
  bidCount: 7,
  /** Ask levels present (≤ MAX_LEVELS). */
  askCount: 8,
  /** MAX_LEVELS prices, best first (Price). */
  bidPrice: BOOK_LEVELS,
  /** MAX_LEVELS quantities (Qty). */
  bidQty: BOOK_LEVELS + MAX_LEVELS,
  askPrice: BOOK_LEVELS + 2 * MAX_LEVELS,
  askQty: BOOK_LEVELS + 3 * MAX_LEVELS,
} as const;

const TRADE_LAYOUT = {
  ...MARKET_HEADER,
  /** Binance trade id. */
  tradeId: 5,
  /** 1 when the symbol's book was synced when the trade arrived. */
  synced: 6,
  /** Price. */
  price: 7,
  /** Qty. */
  qty: 8,
  /** 1 when the buyer was the maker (an aggressive sell). */
  isBuyerMaker: 9,
} as const;

const FEED_STATE_LAYOUT = {
  ...MARKET_HEADER,
  updateId: 5,
  synced: 6,
  /** FEED_STATES index. */
  feedState: 9,
} as const;

/** Ring record size of the market ring. */
export const MarketRecord = { SLOTS: 11 + 4 * MAX_LEVELS } as const;

/** A market record's header, whatever its kind: what dispatchers and the barrier read. */
export class MarketHeader {
  protected b: Float64Array = EMPTY;
  protected o = 0;

  /** Binds to any market record (header fields mean the same in every kind). */
  at(buf: Float64Array, off: number): this {
    this.b = buf;
    this.o = off;
    return this;
  }

  get kind(): MarketKindCode {
    return this.b[this.o + MARKET_HEADER.kind] as MarketKindCode;
  }
  get symbol(): SymbolIndex {
    return this.b[this.o + MARKET_HEADER.symbol] as SymbolIndex;
  }
  get seq(): number {
    return this.b[this.o + MARKET_HEADER.seq]!;
  }
  get tsUs(): TimestampUs {
    return this.b[this.o + MARKET_HEADER.tsUs] as TimestampUs;
  }
  /** Re-times a record (benches and tests replaying one record at new times). */
  set tsUs(us: TimestampUs) {
    this.b[this.o + MARKET_HEADER.tsUs] = us;
  }
  get t0Us(): number {
    return this.b[this.o + MARKET_HEADER.t0Us]!;
  }
  get mdUs(): number {
    return this.b[this.o + MARKET_HEADER.mdUs]!;
  }
  set mdUs(us: number) {
    this.b[this.o + MARKET_HEADER.mdUs] = us;
  }

  /** Writes an END record (end of a replay): header only, every other slot 0. */
  writeEnd(buf: Float64Array, off: number, seq: number, tsUs: TimestampUs): this {
    this.beginKind(buf, off, MarketKind.END, 0 as SymbolIndex, seq, tsUs, 0);
    zero(this.b, off + HEADER_END, off + MarketRecord.SLOTS);
    return this;
  }

  protected checkKind(buf: Float64Array, off: number, kind: MarketKindCode, name: string): void {
    const found = buf[off + MARKET_HEADER.kind];
    if (found !== kind)
      throw new Error(`expected a ${name} market record (kind ${kind}), found kind ${found}`);
    this.b = buf;
    this.o = off;
  }

  protected beginKind(
    buf: Float64Array,
    off: number,
    kind: MarketKindCode,
    symbol: SymbolIndex,
    seq: number,
    tsUs: TimestampUs,
    t0Us: number,
  ): void {
    this.b = buf;
    this.o = off;
    buf[off + MARKET_HEADER.kind] = kind;
    buf[off + MARKET_HEADER.symbol] = symbol;
    buf[off + MARKET_HEADER.seq] = seq;
    buf[off + MARKET_HEADER.tsUs] = tsUs;
    buf[off + MARKET_HEADER.t0Us] = t0Us;
  }
}

/** The level arrays of one book record, as subarrays (made once, written by the book). */
export interface BookLevelArrays {
  readonly bidPrices: Float64Array;
  readonly bidQtys: Float64Array;
  readonly askPrices: Float64Array;
  readonly askQtys: Float64Array;
}

/** MarketKind.BOOK: the top MAX_LEVELS of a symbol's book after an update. */
export class MarketUpdate extends MarketHeader {
  read(buf: Float64Array, off: number): this {
    this.checkKind(buf, off, MarketKind.BOOK, 'BOOK');
    return this;
  }

  /** Starts a BOOK record: header written, scalar fields 0; the levels are the caller's. */
  begin(
    buf: Float64Array,
    off: number,
    symbol: SymbolIndex,
    seq: number,
    tsUs: TimestampUs,
    t0Us: number,
  ): this {
    this.beginKind(buf, off, MarketKind.BOOK, symbol, seq, tsUs, t0Us);
    zero(buf, off + HEADER_END, off + BOOK_LEVELS);
    return this;
  }

  get updateId(): number {
    return this.b[this.o + BOOK_LAYOUT.updateId]!;
  }
  set updateId(id: number) {
    this.b[this.o + BOOK_LAYOUT.updateId] = id;
  }
  get synced(): boolean {
    return this.b[this.o + BOOK_LAYOUT.synced] === 1;
  }
  set synced(synced: boolean) {
    this.b[this.o + BOOK_LAYOUT.synced] = synced ? 1 : 0;
  }
  get bidCount(): number {
    return this.b[this.o + BOOK_LAYOUT.bidCount]!;
  }
  set bidCount(n: number) {
    this.b[this.o + BOOK_LAYOUT.bidCount] = n;
  }
  get askCount(): number {
    return this.b[this.o + BOOK_LAYOUT.askCount]!;
  }
  set askCount(n: number) {
    this.b[this.o + BOOK_LAYOUT.askCount] = n;
  }
  /** Level i (0 = best) of the bids. */
  bidPrice(i: number): Price {
    return this.b[this.o + BOOK_LAYOUT.bidPrice + i] as Price;
  }
  bidQty(i: number): Qty {
    return this.b[this.o + BOOK_LAYOUT.bidQty + i] as Qty;
  }
  askPrice(i: number): Price {
    return this.b[this.o + BOOK_LAYOUT.askPrice + i] as Price;
  }
  askQty(i: number): Qty {
    return this.b[this.o + BOOK_LAYOUT.askQty + i] as Qty;
  }
  setBid(i: number, price: Price, qty: Qty): void {
    this.b[this.o + BOOK_LAYOUT.bidPrice + i] = price;
    this.b[this.o + BOOK_LAYOUT.bidQty + i] = qty;
  }
  setAsk(i: number, price: Price, qty: Qty): void {
    this.b[this.o + BOOK_LAYOUT.askPrice + i] = price;
    this.b[this.o + BOOK_LAYOUT.askQty + i] = qty;
  }
  /**
   * Subarrays over the four level runs of the record at (buf, off), for a writer that
   * fills them in place (the book's `top`). Allocates: call once per buffer, not per record.
   */
  static levelArrays(buf: Float64Array, off: number): BookLevelArrays {
    const run = (start: number): Float64Array =>
      buf.subarray(off + start, off + start + MAX_LEVELS);
    return {
      bidPrices: run(BOOK_LAYOUT.bidPrice),
      bidQtys: run(BOOK_LAYOUT.bidQty),
      askPrices: run(BOOK_LAYOUT.askPrice),
      askQtys: run(BOOK_LAYOUT.askQty),
    };
  }
}

/** MarketKind.TRADE: one public trade. */
export class TradeUpdate extends MarketHeader {
  read(buf: Float64Array, off: number): this {
    this.checkKind(buf, off, MarketKind.TRADE, 'TRADE');
    return this;
  }

  /** Starts a TRADE record: header written, every other slot 0. */
  begin(
    buf: Float64Array,
    off: number,
    symbol: SymbolIndex,
    seq: number,
    tsUs: TimestampUs,
    t0Us: number,
  ): this {
    this.beginKind(buf, off, MarketKind.TRADE, symbol, seq, tsUs, t0Us);
    zero(buf, off + HEADER_END, off + MarketRecord.SLOTS);
    return this;
  }

  get tradeId(): number {
    return this.b[this.o + TRADE_LAYOUT.tradeId]!;
  }
  set tradeId(id: number) {
    this.b[this.o + TRADE_LAYOUT.tradeId] = id;
  }
  get synced(): boolean {
    return this.b[this.o + TRADE_LAYOUT.synced] === 1;
  }
  set synced(synced: boolean) {
    this.b[this.o + TRADE_LAYOUT.synced] = synced ? 1 : 0;
  }
  get price(): Price {
    return this.b[this.o + TRADE_LAYOUT.price] as Price;
  }
  set price(price: Price) {
    this.b[this.o + TRADE_LAYOUT.price] = price;
  }
  get qty(): Qty {
    return this.b[this.o + TRADE_LAYOUT.qty] as Qty;
  }
  set qty(qty: Qty) {
    this.b[this.o + TRADE_LAYOUT.qty] = qty;
  }
  get isBuyerMaker(): boolean {
    return this.b[this.o + TRADE_LAYOUT.isBuyerMaker] === 1;
  }
  set isBuyerMaker(maker: boolean) {
    this.b[this.o + TRADE_LAYOUT.isBuyerMaker] = maker ? 1 : 0;
  }
}

/** MarketKind.FEED_STATE: a symbol's feed changed state. */
export class FeedStateUpdate extends MarketHeader {
  read(buf: Float64Array, off: number): this {
    this.checkKind(buf, off, MarketKind.FEED_STATE, 'FEED_STATE');
    return this;
  }

  begin(buf: Float64Array, off: number, symbol: SymbolIndex, seq: number, tsUs: TimestampUs): this {
    this.beginKind(buf, off, MarketKind.FEED_STATE, symbol, seq, tsUs, 0);
    zero(buf, off + HEADER_END, off + MarketRecord.SLOTS);
    return this;
  }

  get updateId(): number {
    return this.b[this.o + FEED_STATE_LAYOUT.updateId]!;
  }
  set updateId(id: number) {
    this.b[this.o + FEED_STATE_LAYOUT.updateId] = id;
  }
  get synced(): boolean {
    return this.b[this.o + FEED_STATE_LAYOUT.synced] === 1;
  }
  set synced(synced: boolean) {
    this.b[this.o + FEED_STATE_LAYOUT.synced] = synced ? 1 : 0;
  }
  get feedState(): FeedStateCode {
    return this.b[this.o + FEED_STATE_LAYOUT.feedState] as FeedStateCode;
  }
  set feedState(code: FeedStateCode) {
    this.b[this.o + FEED_STATE_LAYOUT.feedState] = code;
  }
}

// ================================================================== order ring

export const OrderCommandKind = {
  NEW: 1,
  CANCEL: 2,
  CANCEL_ALL: 3,
  FLATTEN: 4,
} as const;
export type OrderCommandCode = (typeof OrderCommandKind)[keyof typeof OrderCommandKind];

/**
 * Strategy thread (and trader commands routed by the engine) → the broker. NEW uses every
 * field; CANCEL orderId; CANCEL_ALL none; FLATTEN symbol (−1 all) and orderId.
 */
const ORDER_COMMAND_LAYOUT = {
  /** OrderCommandCode. */
  kind: 0,
  /** OrderId. */
  orderId: 1,
  /** SymbolIndex (FLATTEN: −1 for every symbol). */
  symbol: 2,
  /** SideCode: +1 buy, −1 sell. */
  side: 3,
  /** OrderTypeCode. */
  type: 4,
  /** Limit price (Price); 0 for a market order. */
  price: 5,
  /** Qty. */
  qty: 6,
  /** Data-clock µs of the tick the order answers (or the command's wall time). */
  tsUs: 7,
  /** Monotonic µs start of tick-to-trade. */
  t0Us: 8,
  /** The signal's strength and confidence. */
  strength: 9,
  confidence: 10,
  /** The client order id's uuid as four uint32 words. */
  clientId: 11,
  /** Index of the strategy id in the engine's strategy table. */
  strategy: 11 + CLIENT_ID_WORDS,
} as const;

/** Ring record size of the order rings. */
export const OrderRecord = { SLOTS: ORDER_COMMAND_LAYOUT.strategy + 1 } as const;

export class OrderCommand {
  private b: Float64Array = EMPTY;
  private o = 0;

  /** Binds to an order-ring record of any command kind (dispatch on `kind`). */
  read(buf: Float64Array, off: number): this {
    this.b = buf;
    this.o = off;
    return this;
  }

  /** Starts a command: every slot 0, then its kind. */
  begin(buf: Float64Array, off: number, kind: OrderCommandCode): this {
    this.b = buf;
    this.o = off;
    zero(buf, off, off + OrderRecord.SLOTS);
    buf[off + ORDER_COMMAND_LAYOUT.kind] = kind;
    return this;
  }

  get kind(): OrderCommandCode {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.kind] as OrderCommandCode;
  }
  get orderId(): OrderId {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.orderId] as OrderId;
  }
  set orderId(id: OrderId) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.orderId] = id;
  }
  get symbol(): SymbolIndex {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.symbol] as SymbolIndex;
  }
  set symbol(index: SymbolIndex) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.symbol] = index;
  }
  /** As sent: the broker checks it is ±1. */
  get side(): SideCode {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.side] as SideCode;
  }
  set side(side: SideCode) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.side] = side;
  }
  /** As sent: the broker checks it is an ORDER_TYPES index. */
  get type(): OrderTypeCode {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.type] as OrderTypeCode;
  }
  set type(type: OrderTypeCode) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.type] = type;
  }
  get price(): Price {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.price] as Price;
  }
  set price(price: Price) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.price] = price;
  }
  get qty(): Qty {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.qty] as Qty;
  }
  set qty(qty: Qty) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.qty] = qty;
  }
  get tsUs(): TimestampUs {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.tsUs] as TimestampUs;
  }
  set tsUs(us: TimestampUs) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.tsUs] = us;
  }
  get t0Us(): number {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.t0Us]!;
  }
  set t0Us(us: number) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.t0Us] = us;
  }
  get strength(): number {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.strength]!;
  }
  set strength(strength: number) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.strength] = strength;
  }
  get confidence(): number {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.confidence]!;
  }
  set confidence(confidence: number) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.confidence] = confidence;
  }
  /** Word i (0..3) of the client order id's uuid. */
  clientIdWord(i: number): number {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.clientId + i]!;
  }
  setClientIdWord(i: number, word: number): void {
    this.b[this.o + ORDER_COMMAND_LAYOUT.clientId + i] = word;
  }
  get strategy(): number {
    return this.b[this.o + ORDER_COMMAND_LAYOUT.strategy]!;
  }
  set strategy(index: number) {
    this.b[this.o + ORDER_COMMAND_LAYOUT.strategy] = index;
  }
}

// ================================================================== persistence ring

export const PersistKind = {
  ORDER: 1,
  /** A fill and the position it produces: written in one transaction. */
  FILL: 2,
  SIGNAL: 3,
  KILL_SWITCH: 4,
  /** End of a run: the writer commits what it holds. */
  FLUSH: 5,
} as const;
export type PersistKindCode = (typeof PersistKind)[keyof typeof PersistKind];

/** Slots every row kind shares. */
const ROW_HEADER = {
  /** PersistKindCode. */
  kind: 0,
  /** Data-clock µs of the event. */
  tsUs: 1,
} as const;

/** An order's state after a change (one row per change; `orders` is upserted by id). */
const ORDER_ROW_LAYOUT = {
  ...ROW_HEADER,
  /** tsUs: the update time. SymbolIndex. */
  symbol: 2,
  orderId: 3,
  /** SideCode. */
  side: 4,
  /** OrderTypeCode. */
  type: 5,
  /** OrderStatusCode. */
  status: 6,
  /** Limit price (Price); 0 for a market order. */
  price: 7,
  qty: 8,
  filledQty: 9,
  /** Average fill price rounded to 1e-8 (Price); 0 before a fill. */
  avgFillPrice: 10,
  /** Fees paid so far, 1e-8 quote units. */
  fees: 11,
  /** Data-clock µs the order was received. */
  createdUs: 12,
  /** Index in ORDER_REASONS (execution/order-reasons.ts), −1 for none. */
  reason: 14,
  /** Four uuid words of `strategy_<uuid>`. */
  clientId: 15,
  /** Index in the engine's strategy table. */
  strategy: 19,
} as const;

/** A fill and the position it leaves (written to `trades` and `positions` together). */
const FILL_ROW_LAYOUT = {
  ...ROW_HEADER,
  symbol: 2,
  orderId: 3,
  side: 4,
  /** The order's type and status after this fill. */
  type: 5,
  status: 6,
  /** Fill price (Price) and quantity (Qty). */
  price: 7,
  qty: 8,
  /** The order's filled quantity and average fill price after this fill. */
  orderFilledQty: 9,
  orderAvgFillPrice: 10,
  /** The position's realized PnL after this fill, fees included, 1e-8 quote units. */
  positionRealizedPnl: 11,
  /** The position's signed quantity after this fill (Qty). */
  positionQty: 12,
  /** The position's average cost after this fill (Price). */
  positionAvgCost: 13,
  /** This fill's fee, 1e-8 quote units. */
  fee: 14,
  clientId: 15,
  strategy: 19,
  /** Monotone trade id. */
  tradeId: 20,
} as const;

/** A signal the strategy produced (fired or suppressed) and what became of it. */
const SIGNAL_ROW_LAYOUT = {
  ...ROW_HEADER,
  symbol: 2,
  /** The order it produced, 0 when none. */
  orderId: 3,
  /** SignalSideCode: the sign of strength. */
  side: 4,
  /** SignalStatus: 0 fired, 1 suppressed (below min_confidence). */
  status: 6,
  /** REJECT_REASONS index + 1 when the risk check refused its order, 0 otherwise. */
  rejectReason: 11,
  strength: 12,
  confidence: 13,
  holdingPeriodMs: 14,
  strategy: 19,
  /** SIGNAL_ROW_FEATURES features in extractor order. */
  features: 21,
} as const;

/** The engine's own record of a trading-state change. */
const KILL_SWITCH_ROW_LAYOUT = {
  ...ROW_HEADER,
  /** TradingStateCode. */
  state: 14,
} as const;

/** Ring record size of the persistence rings. */
export const PersistRecord = { SLOTS: SIGNAL_ROW_LAYOUT.features + SIGNAL_ROW_FEATURES } as const;

/**
 * Every layout with the width of its multi-slot fields: for the tests that prove no two
 * fields of a kind share a slot and every field fits in its ring record.
 */
export const RECORD_LAYOUTS = {
  book: { slots: BOOK_LAYOUT, size: MarketRecord.SLOTS },
  trade: { slots: TRADE_LAYOUT, size: MarketRecord.SLOTS },
  feedState: { slots: FEED_STATE_LAYOUT, size: MarketRecord.SLOTS },
  orderCommand: { slots: ORDER_COMMAND_LAYOUT, size: OrderRecord.SLOTS },
  orderRow: { slots: ORDER_ROW_LAYOUT, size: PersistRecord.SLOTS },
  fillRow: { slots: FILL_ROW_LAYOUT, size: PersistRecord.SLOTS },
  signalRow: { slots: SIGNAL_ROW_LAYOUT, size: PersistRecord.SLOTS },
  killSwitchRow: { slots: KILL_SWITCH_ROW_LAYOUT, size: PersistRecord.SLOTS },
} as const;
export const FIELD_WIDTHS: Readonly<Record<string, number>> = {
  bidPrice: MAX_LEVELS,
  bidQty: MAX_LEVELS,
  askPrice: MAX_LEVELS,
  askQty: MAX_LEVELS,
  clientId: CLIENT_ID_WORDS,
  features: SIGNAL_ROW_FEATURES,
};

/** The kind of the persistence row at (buf, off). */
export function persistKindOf(buf: Float64Array, off: number): number {
  return buf[off + ROW_HEADER.kind]!;
}

/** Writes a FLUSH row (end of a run). */
export function writeFlushRow(buf: Float64Array, off: number): void {
  zero(buf, off, off + PersistRecord.SLOTS);
  buf[off + ROW_HEADER.kind] = PersistKind.FLUSH;
}

/** Raw slots of a row, for quarantining a malformed one as it arrived (off the hot path). */
export function rowSlots(buf: Float64Array, off: number): number[] {
  return Array.from(buf.subarray(off, off + PersistRecord.SLOTS));
}

abstract class PersistRow {
  protected b: Float64Array = EMPTY;
  protected o = 0;

  /** The PersistKind this view reads and writes. */
  protected abstract readonly rowKind: PersistKindCode;

  /** Views the row at `off`; throws if it is of another kind. */
  read(buf: Float64Array, off: number): this {
    const found = buf[off + ROW_HEADER.kind];
    if (found !== this.rowKind)
      throw new Error(`expected a persistence row of kind ${this.rowKind}, found kind ${found}`);
    this.b = buf;
    this.o = off;
    return this;
  }

  /** Starts a row of this kind at `off`: every slot zeroed, the kind written. */
  begin(buf: Float64Array, off: number): this {
    this.b = buf;
    this.o = off;
    zero(buf, off, off + PersistRecord.SLOTS);
    buf[off + ROW_HEADER.kind] = this.rowKind;
    return this;
  }

  get kind(): PersistKindCode {
    return this.b[this.o + ROW_HEADER.kind] as PersistKindCode;
  }
  get tsUs(): TimestampUs {
    return this.b[this.o + ROW_HEADER.tsUs] as TimestampUs;
  }
  set tsUs(us: TimestampUs) {
    this.b[this.o + ROW_HEADER.tsUs] = us;
  }
}

export class OrderRow extends PersistRow {
  protected readonly rowKind = PersistKind.ORDER;

  get symbol(): SymbolIndex {
    return this.b[this.o + ORDER_ROW_LAYOUT.symbol] as SymbolIndex;
  }
  set symbol(index: SymbolIndex) {
    this.b[this.o + ORDER_ROW_LAYOUT.symbol] = index;
  }
  get strategy(): number {
    return this.b[this.o + ORDER_ROW_LAYOUT.strategy]!;
  }
  set strategy(index: number) {
    this.b[this.o + ORDER_ROW_LAYOUT.strategy] = index;
  }
  get orderId(): OrderId {
    return this.b[this.o + ORDER_ROW_LAYOUT.orderId] as OrderId;
  }
  set orderId(id: OrderId) {
    this.b[this.o + ORDER_ROW_LAYOUT.orderId] = id;
  }
  get side(): SideCode {
    return this.b[this.o + ORDER_ROW_LAYOUT.side] as SideCode;
  }
  set side(side: SideCode) {
    this.b[this.o + ORDER_ROW_LAYOUT.side] = side;
  }
  get type(): OrderTypeCode {
    return this.b[this.o + ORDER_ROW_LAYOUT.type] as OrderTypeCode;
  }
  set type(type: OrderTypeCode) {
    this.b[this.o + ORDER_ROW_LAYOUT.type] = type;
  }
  get status(): OrderStatusCode {
    return this.b[this.o + ORDER_ROW_LAYOUT.status] as OrderStatusCode;
  }
  set status(status: OrderStatusCode) {
    this.b[this.o + ORDER_ROW_LAYOUT.status] = status;
  }
  get price(): Price {
    return this.b[this.o + ORDER_ROW_LAYOUT.price] as Price;
  }
  set price(price: Price) {
    this.b[this.o + ORDER_ROW_LAYOUT.price] = price;
  }
  get qty(): Qty {
    return this.b[this.o + ORDER_ROW_LAYOUT.qty] as Qty;
  }
  set qty(qty: Qty) {
    this.b[this.o + ORDER_ROW_LAYOUT.qty] = qty;
  }
  get filledQty(): Qty {
    return this.b[this.o + ORDER_ROW_LAYOUT.filledQty] as Qty;
  }
  set filledQty(qty: Qty) {
    this.b[this.o + ORDER_ROW_LAYOUT.filledQty] = qty;
  }
  get avgFillPrice(): Price {
    return this.b[this.o + ORDER_ROW_LAYOUT.avgFillPrice] as Price;
  }
  set avgFillPrice(price: Price) {
    this.b[this.o + ORDER_ROW_LAYOUT.avgFillPrice] = price;
  }
  /** 1e-8 quote units. */
  get fees(): number {
    return this.b[this.o + ORDER_ROW_LAYOUT.fees]!;
  }
  set fees(units: number) {
    this.b[this.o + ORDER_ROW_LAYOUT.fees] = units;
  }
  get createdUs(): TimestampUs {
    return this.b[this.o + ORDER_ROW_LAYOUT.createdUs] as TimestampUs;
  }
  set createdUs(us: TimestampUs) {
    this.b[this.o + ORDER_ROW_LAYOUT.createdUs] = us;
  }
  /** ORDER_REASONS index, −1 for none. */
  get reason(): number {
    return this.b[this.o + ORDER_ROW_LAYOUT.reason]!;
  }
  set reason(index: number) {
    this.b[this.o + ORDER_ROW_LAYOUT.reason] = index;
  }
  clientIdWord(i: number): number {
    return this.b[this.o + ORDER_ROW_LAYOUT.clientId + i]!;
  }
  setClientIdWord(i: number, word: number): void {
    this.b[this.o + ORDER_ROW_LAYOUT.clientId + i] = word;
  }
}

export class FillRow extends PersistRow {
  protected readonly rowKind = PersistKind.FILL;

  get symbol(): SymbolIndex {
    return this.b[this.o + FILL_ROW_LAYOUT.symbol] as SymbolIndex;
  }
  set symbol(index: SymbolIndex) {
    this.b[this.o + FILL_ROW_LAYOUT.symbol] = index;
  }
  get strategy(): number {
    return this.b[this.o + FILL_ROW_LAYOUT.strategy]!;
  }
  set strategy(index: number) {
    this.b[this.o + FILL_ROW_LAYOUT.strategy] = index;
  }
  get orderId(): OrderId {
    return this.b[this.o + FILL_ROW_LAYOUT.orderId] as OrderId;
  }
  set orderId(id: OrderId) {
    this.b[this.o + FILL_ROW_LAYOUT.orderId] = id;
  }
  get side(): SideCode {
    return this.b[this.o + FILL_ROW_LAYOUT.side] as SideCode;
  }
  set side(side: SideCode) {
    this.b[this.o + FILL_ROW_LAYOUT.side] = side;
  }
  get type(): OrderTypeCode {
    return this.b[this.o + FILL_ROW_LAYOUT.type] as OrderTypeCode;
  }
  set type(type: OrderTypeCode) {
    this.b[this.o + FILL_ROW_LAYOUT.type] = type;
  }
  get status(): OrderStatusCode {
    return this.b[this.o + FILL_ROW_LAYOUT.status] as OrderStatusCode;
  }
  set status(status: OrderStatusCode) {
    this.b[this.o + FILL_ROW_LAYOUT.status] = status;
  }
  get price(): Price {
    return this.b[this.o + FILL_ROW_LAYOUT.price] as Price;
  }
  set price(price: Price) {
    this.b[this.o + FILL_ROW_LAYOUT.price] = price;
  }
  get qty(): Qty {
    return this.b[this.o + FILL_ROW_LAYOUT.qty] as Qty;
  }
  set qty(qty: Qty) {
    this.b[this.o + FILL_ROW_LAYOUT.qty] = qty;
  }
  get orderFilledQty(): Qty {
    return this.b[this.o + FILL_ROW_LAYOUT.orderFilledQty] as Qty;
  }
  set orderFilledQty(qty: Qty) {
    this.b[this.o + FILL_ROW_LAYOUT.orderFilledQty] = qty;
  }
  get orderAvgFillPrice(): Price {
    return this.b[this.o + FILL_ROW_LAYOUT.orderAvgFillPrice] as Price;
  }
  set orderAvgFillPrice(price: Price) {
    this.b[this.o + FILL_ROW_LAYOUT.orderAvgFillPrice] = price;
  }
  /** 1e-8 quote units, fees included. */
  get positionRealizedPnl(): number {
    return this.b[this.o + FILL_ROW_LAYOUT.positionRealizedPnl]!;
  }
  set positionRealizedPnl(units: number) {
    this.b[this.o + FILL_ROW_LAYOUT.positionRealizedPnl] = units;
  }
  get positionQty(): Qty {
    return this.b[this.o + FILL_ROW_LAYOUT.positionQty] as Qty;
  }
  set positionQty(qty: Qty) {
    this.b[this.o + FILL_ROW_LAYOUT.positionQty] = qty;
  }
  get positionAvgCost(): Price {
    return this.b[this.o + FILL_ROW_LAYOUT.positionAvgCost] as Price;
  }
  set positionAvgCost(price: Price) {
    this.b[this.o + FILL_ROW_LAYOUT.positionAvgCost] = price;
  }
  /** 1e-8 quote units. */
  get fee(): number {
    return this.b[this.o + FILL_ROW_LAYOUT.fee]!;
  }
  set fee(units: number) {
    this.b[this.o + FILL_ROW_LAYOUT.fee] = units;
  }
  clientIdWord(i: number): number {
    return this.b[this.o + FILL_ROW_LAYOUT.clientId + i]!;
  }
  setClientIdWord(i: number, word: number): void {
    this.b[this.o + FILL_ROW_LAYOUT.clientId + i] = word;
  }
  get tradeId(): number {
    return this.b[this.o + FILL_ROW_LAYOUT.tradeId]!;
  }
  set tradeId(id: number) {
    this.b[this.o + FILL_ROW_LAYOUT.tradeId] = id;
  }
}

/** No risk refusal on a SIGNAL row. */
export const NO_REJECT = -1;

export class SignalRow extends PersistRow {
  protected readonly rowKind = PersistKind.SIGNAL;

  get symbol(): SymbolIndex {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.symbol] as SymbolIndex;
  }
  set symbol(index: SymbolIndex) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.symbol] = index;
  }
  get strategy(): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.strategy]!;
  }
  set strategy(index: number) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.strategy] = index;
  }
  get orderId(): OrderId {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.orderId] as OrderId;
  }
  set orderId(id: OrderId) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.orderId] = id;
  }
  get side(): SignalSideCode {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.side] as SignalSideCode;
  }
  set side(side: SignalSideCode) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.side] = side;
  }
  /** SignalStatus (strategy/signal-record.ts). */
  get status(): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.status]!;
  }
  set status(status: number) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.status] = status;
  }
  /** REJECT_REASONS index of the risk refusal, NO_REJECT (−1) when none. */
  get rejectReason(): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.rejectReason]! - 1;
  }
  set rejectReason(index: number) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.rejectReason] = index + 1;
  }
  get strength(): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.strength]!;
  }
  set strength(strength: number) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.strength] = strength;
  }
  get confidence(): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.confidence]!;
  }
  set confidence(confidence: number) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.confidence] = confidence;
  }
  get holdingPeriodMs(): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.holdingPeriodMs]!;
  }
  set holdingPeriodMs(ms: number) {
    this.b[this.o + SIGNAL_ROW_LAYOUT.holdingPeriodMs] = ms;
  }
  /** Feature i (0..SIGNAL_ROW_FEATURES−1) in extractor order. */
  feature(i: number): number {
    return this.b[this.o + SIGNAL_ROW_LAYOUT.features + i]!;
  }
  setFeature(i: number, value: number): void {
    this.b[this.o + SIGNAL_ROW_LAYOUT.features + i] = value;
  }
}

export class KillSwitchEventRow extends PersistRow {
  protected readonly rowKind = PersistKind.KILL_SWITCH;
  /** As written: the persistence side checks it is a TradingStateCode. */
  get state(): TradingStateCode {
    return this.b[this.o + KILL_SWITCH_ROW_LAYOUT.state] as TradingStateCode;
  }
  set state(code: TradingStateCode) {
    this.b[this.o + KILL_SWITCH_ROW_LAYOUT.state] = code;
  }
}
