import { parseFixed } from '../../shared/domain.js';
import { validateConfig, type Config } from '../../shared/config.js';
import { uuidToWords } from '../../shared/client-order-id.js';
import {
  MarketKind,
  MarketRecord,
  OrderCommandKind,
  OrderRecord,
  PersistKind,
  PersistRecord,
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

export function bookRecord(opts: {
  symbol?: number;
  seq?: number;
  ts: number;
  bids: readonly Level[];
  asks: readonly Level[];
  synced?: boolean;
}): Float64Array {
  const rec = new Float64Array(MarketRecord.SLOTS);
  rec[MarketRecord.KIND] = MarketKind.BOOK;
  rec[MarketRecord.SYMBOL] = opts.symbol ?? 0;
  rec[MarketRecord.SEQ] = opts.seq ?? 0;
  rec[MarketRecord.TS_US] = opts.ts;
  rec[MarketRecord.SYNCED] = opts.synced === false ? 0 : 1;
  rec[MarketRecord.BID_COUNT] = opts.bids.length;
  rec[MarketRecord.ASK_COUNT] = opts.asks.length;
  opts.bids.forEach(([p, q], i) => {
    rec[MarketRecord.BID_PRICE + i] = u(p);
    rec[MarketRecord.BID_QTY + i] = u(q);
  });
  opts.asks.forEach(([p, q], i) => {
    rec[MarketRecord.ASK_PRICE + i] = u(p);
    rec[MarketRecord.ASK_QTY + i] = u(q);
  });
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
  rec[MarketRecord.KIND] = MarketKind.TRADE;
  rec[MarketRecord.SYMBOL] = opts.symbol ?? 0;
  rec[MarketRecord.TS_US] = opts.ts;
  rec[MarketRecord.SYNCED] = 1;
  rec[MarketRecord.BID_COUNT] = u(opts.price);
  rec[MarketRecord.ASK_COUNT] = u(opts.qty);
  rec[MarketRecord.FLAGS] = opts.buyerMaker ? 1 : 0;
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
  rec[OrderRecord.KIND] = OrderCommandKind.NEW;
  rec[OrderRecord.ORDER_ID] = opts.id;
  rec[OrderRecord.SYMBOL] = opts.symbol ?? 0;
  rec[OrderRecord.SIDE] = opts.side === 'Buy' ? 1 : -1;
  rec[OrderRecord.TYPE] = TYPES[opts.type];
  rec[OrderRecord.PRICE] = opts.price === undefined ? 0 : u(opts.price);
  rec[OrderRecord.QTY] = u(opts.qty);
  rec[OrderRecord.TS_US] = opts.ts;
  rec[OrderRecord.STRATEGY] = opts.strategy ?? 0;
  uuidToWords(
    `00000000-0000-4000-8000-${String(opts.id).padStart(12, '0')}`,
    rec,
    OrderRecord.CLIENT_ID_0,
  );
  return rec;
}

export function commandRecord(
  kind: 'CANCEL' | 'CANCEL_ALL' | 'FLATTEN',
  ts: number,
  arg = 0,
): Float64Array {
  const rec = new Float64Array(OrderRecord.SLOTS);
  rec[OrderRecord.KIND] = OrderCommandKind[kind];
  rec[OrderRecord.TS_US] = ts;
  if (kind === 'CANCEL') rec[OrderRecord.ORDER_ID] = arg;
  if (kind === 'FLATTEN') rec[OrderRecord.SYMBOL] = arg;
  return rec;
}

export interface Harness {
  readonly broker: PaperBroker;
  /** Every PersistRecord row the broker emitted, copied. */
  readonly rows: Float64Array[];
  readonly config: Config;
  fills(): Float64Array[];
  orderRows(orderId: number): Float64Array[];
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
    fills: () => rows.filter((r) => r[PersistRecord.KIND] === PersistKind.FILL),
    orderRows: (orderId) =>
      rows.filter(
        (r) => r[PersistRecord.KIND] === PersistKind.ORDER && r[PersistRecord.ORDER_ID] === orderId,
      ),
    lastStatus(orderId) {
      const list = this.orderRows(orderId);
      if (list.length === 0) throw new Error(`no ORDER row for order ${orderId}`);
      return list[list.length - 1]![PersistRecord.STATUS]!;
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
