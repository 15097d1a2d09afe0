import {
  asOrderId,
  asPrice,
  asQty,
  asSymbolIndex,
  asTimestampUs,
  parseFixed,
} from '../../shared/domain.js';
import { validateConfig, type Config } from '../../shared/config.js';
import { uuidToWords } from '../../shared/client-order-id.js';
import {
  FillRow,
  MarketRecord,
  MarketUpdate,
  OrderCommand,
  OrderCommandKind,
  OrderRecord,
  OrderRow,
  PersistKind,
  TradeUpdate,
  persistKindOf,
} from '../../shared/records.js';
import { Rng } from '../../main/engine/core/rng.js';
import { PaperBroker, type PaperBrokerOptions } from '../../main/engine/execution/paper-broker.js';

/** Builders for the execution and persistence tests: records from readable decimals. */

export const u = (decimal: string): number => {
  const negative = decimal.startsWith('-');
  const value = parseFixed(negative ? decimal.slice(1) : decimal);
  if (Number.isNaN(value)) throw new Error(`test decimal ${decimal} does not parse`);
  return negative ? -value : value;
};

export type Level = readonly [string, string];

const bookOut = new MarketUpdate();
const tradeOut = new TradeUpdate();
const commandOut = new OrderCommand();

export function bookRecord(opts: {
  symbol?: number;
  seq?: number;
  ts: number;
  bids: readonly Level[];
  asks: readonly Level[];
  synced?: boolean;
}): Float64Array {
  const rec = new Float64Array(MarketRecord.SLOTS);
  const book = bookOut.begin(
    rec,
    0,
    asSymbolIndex(opts.symbol ?? 0),
    opts.seq ?? 0,
    asTimestampUs(opts.ts),
    0,
  );
  book.synced = opts.synced !== false;
  book.bidCount = opts.bids.length;
  book.askCount = opts.asks.length;
  opts.bids.forEach(([p, q], i) => book.setBid(i, asPrice(u(p)), asQty(u(q))));
  opts.asks.forEach(([p, q], i) => book.setAsk(i, asPrice(u(p)), asQty(u(q))));
  return rec;
}

export function tradeRecord(opts: {
  symbol?: number;
  ts: number;
  price: string;
  qty: string;
  buyerMaker?: boolean;
}): Float64Array {
  const rec = new Float64Array(MarketRecord.SLOTS);
  const trade = tradeOut.begin(
    rec,
    0,
    asSymbolIndex(opts.symbol ?? 0),
    0,
    asTimestampUs(opts.ts),
    0,
  );
  trade.synced = true;
  trade.price = asPrice(u(opts.price));
  trade.qty = asQty(u(opts.qty));
  trade.isBuyerMaker = opts.buyerMaker === true;
  return rec;
}

const TYPES = { Market: 0, Limit: 1, PostOnly: 2, IOC: 3, FOK: 4 } as const;

export function newOrder(opts: {
  id: number;
  ts: number;
  side: 'Buy' | 'Sell';
  type: keyof typeof TYPES;
  qty: string;
  price?: string;
  symbol?: number;
  strategy?: number;
}): Float64Array {
  const rec = new Float64Array(OrderRecord.SLOTS);
  const cmd = commandOut.begin(rec, 0, OrderCommandKind.NEW);
  cmd.orderId = asOrderId(opts.id);
  cmd.symbol = asSymbolIndex(opts.symbol ?? 0);
  cmd.side = opts.side === 'Buy' ? 1 : -1;
  cmd.type = TYPES[opts.type];
  cmd.price = asPrice(opts.price === undefined ? 0 : u(opts.price));
  cmd.qty = asQty(u(opts.qty));
  cmd.tsUs = asTimestampUs(opts.ts);
  cmd.strategy = opts.strategy ?? 0;
  const words = new Float64Array(4);
  uuidToWords(`00000000-0000-4000-8000-${String(opts.id).padStart(12, '0')}`, words, 0);
  words.forEach((word, i) => cmd.setClientIdWord(i, word));
  return rec;
}

export function commandRecord(
  kind: 'CANCEL' | 'CANCEL_ALL' | 'FLATTEN',
  ts: number,
  arg = 0,
): Float64Array {
  const rec = new Float64Array(OrderRecord.SLOTS);
  const cmd = commandOut.begin(rec, 0, OrderCommandKind[kind]);
  cmd.tsUs = asTimestampUs(ts);
  if (kind === 'CANCEL') cmd.orderId = asOrderId(arg);
  if (kind === 'FLATTEN') cmd.symbol = asSymbolIndex(arg);
  return rec;
}

/** A FILL row's fields, decoded through the codec. */
export interface FillSnapshot {
  readonly tsUs: number;
  readonly symbol: number;
  readonly strategy: number;
  readonly orderId: number;
  readonly side: number;
  readonly status: number;
  readonly price: number;
  readonly qty: number;
  readonly orderFilledQty: number;
  readonly orderAvgFillPrice: number;
  readonly positionRealizedPnl: number;
  readonly positionQty: number;
  readonly positionAvgCost: number;
  readonly fee: number;
  readonly tradeId: number;
}

/** An ORDER row's fields, decoded through the codec. */
export interface OrderSnapshot {
  readonly tsUs: number;
  readonly symbol: number;
  readonly strategy: number;
  readonly orderId: number;
  readonly side: number;
  readonly type: number;
  readonly status: number;
  readonly price: number;
  readonly qty: number;
  readonly filledQty: number;
  readonly avgFillPrice: number;
  readonly fees: number;
  readonly createdUs: number;
  readonly reason: number;
}

function fillOf(rec: Float64Array): FillSnapshot {
  const r = new FillRow().read(rec, 0);
  return {
    tsUs: r.tsUs,
    symbol: r.symbol,
    strategy: r.strategy,
    orderId: r.orderId,
    side: r.side,
    status: r.status,
    price: r.price,
    qty: r.qty,
    orderFilledQty: r.orderFilledQty,
    orderAvgFillPrice: r.orderAvgFillPrice,
    positionRealizedPnl: r.positionRealizedPnl,
    positionQty: r.positionQty,
    positionAvgCost: r.positionAvgCost,
    fee: r.fee,
    tradeId: r.tradeId,
  };
}

function orderOf(rec: Float64Array): OrderSnapshot {
  const r = new OrderRow().read(rec, 0);
  return {
    tsUs: r.tsUs,
    symbol: r.symbol,
    strategy: r.strategy,
    orderId: r.orderId,
    side: r.side,
    type: r.type,
    status: r.status,
    price: r.price,
    qty: r.qty,
    filledQty: r.filledQty,
    avgFillPrice: r.avgFillPrice,
    fees: r.fees,
    createdUs: r.createdUs,
    reason: r.reason,
  };
}

export interface Harness {
  readonly broker: PaperBroker;
  /** Every PersistRecord row the broker emitted, copied. */
  readonly rows: Float64Array[];
  readonly config: Config;
  fills(): FillSnapshot[];
  orderRows(orderId: number): OrderSnapshot[];
  lastStatus(orderId: number): number;
}

/** A config with the given execution settings (fill_probability 0 unless asked: no random fills). */
export function testConfig(execution: Record<string, unknown> = {}): Config {
  return validateConfig({ execution: { fill_probability: 0, ...execution } });
}

export function harness(
  execution: Record<string, unknown> = {},
  extra: Partial<PaperBrokerOptions> = {},
): Harness {
  const config = testConfig(execution);
  const rows: Float64Array[] = [];
  const broker = new PaperBroker(config, {
    symbols: ['BTCUSDT', 'ETHUSDT'],
    strategyIds: ['imbalance_v1'],
    rng: new Rng(config.execution.seed),
    sink: (rec) => rows.push(rec.slice()),
    ...extra,
  });
  return {
    broker,
    rows,
    config,
    fills: () => rows.filter((r) => persistKindOf(r, 0) === PersistKind.FILL).map(fillOf),
    orderRows: (orderId) =>
      rows
        .filter((r) => persistKindOf(r, 0) === PersistKind.ORDER)
        .map(orderOf)
        .filter((r) => r.orderId === orderId),
    lastStatus(orderId) {
      const list = this.orderRows(orderId);
      if (list.length === 0) throw new Error(`no ORDER row for order ${orderId}`);
      return list[list.length - 1]!.status;
    },
  };
}

/** The book most tests start from: a 1-lot touch and deeper levels. */
export const BASE_BOOK = {
  bids: [
    ['100.00', '1'],
    ['99.90', '2'],
    ['99.80', '5'],
  ] as const,
  asks: [
    ['100.10', '1'],
    ['100.20', '2'],
    ['100.30', '5'],
  ] as const,
};
