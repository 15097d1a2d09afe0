import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersistKind, PersistRecord } from '../../shared/records.js';

/** Builders of PersistRecord rows and throwaway database folders for the persistence tests. */

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-persist-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function fillRow(opts: {
  tradeId: number;
  orderId?: number;
  symbol?: number;
  strategy?: number;
  side: 1 | -1;
  price: number;
  qty: number;
  tsUs?: number;
  positionQty: number;
  avgCost: number;
  realized?: number;
}): Float64Array {
  const r = new Float64Array(PersistRecord.SLOTS);
  r[PersistRecord.KIND] = PersistKind.FILL;
  r[PersistRecord.TRADE_ID] = opts.tradeId;
  r[PersistRecord.ORDER_ID] = opts.orderId ?? 1;
  r[PersistRecord.SYMBOL] = opts.symbol ?? 0;
  r[PersistRecord.STRATEGY] = opts.strategy ?? 0;
  r[PersistRecord.SIDE] = opts.side;
  r[PersistRecord.PRICE] = opts.price;
  r[PersistRecord.QTY] = opts.qty;
  r[PersistRecord.TS_US] = opts.tsUs ?? 1_752_000_000_000_000;
  r[PersistRecord.AMOUNT_B] = opts.positionQty;
  r[PersistRecord.AMOUNT_C] = opts.avgCost;
  r[PersistRecord.AMOUNT_A] = opts.realized ?? 0;
  return r;
}

/**
 * A run of fills of one position, buys and sells alternating in size, each carrying the
 * position after it (the quantity is all the crash and error tests check).
 */
export function fillSequence(count: number, firstTradeId = 1, symbol = 0): Float64Array[] {
  const rows: Float64Array[] = [];
  let position = 0;
  for (let i = 0; i < count; i++) {
    const side: 1 | -1 = i % 3 === 2 ? -1 : 1;
    const qty = 1_000 * (1 + (i % 7));
    position += side * qty;
    rows.push(
      fillRow({
        tradeId: firstTradeId + i,
        orderId: 1 + i,
        symbol,
        side,
        price: 11_900_000_000_000 + i,
        qty,
        positionQty: position,
        avgCost: 11_900_000_000_000,
        tsUs: 1_752_000_000_000_000 + i,
      }),
    );
  }
  return rows;
}

export function signalRow(opts: {
  tsUs: number;
  symbol?: number;
  strength: number;
  suppressed?: boolean;
  orderId?: number;
  rejectSlot?: number;
}): Float64Array {
  const r = new Float64Array(PersistRecord.SLOTS);
  r[PersistRecord.KIND] = PersistKind.SIGNAL;
  r[PersistRecord.TS_US] = opts.tsUs;
  r[PersistRecord.SYMBOL] = opts.symbol ?? 0;
  r[PersistRecord.SIDE] = Math.sign(opts.strength);
  r[PersistRecord.STATUS] = opts.suppressed ? 1 : 0;
  r[PersistRecord.ORDER_ID] = opts.orderId ?? 0;
  r[PersistRecord.AMOUNT_A] = opts.rejectSlot ?? 0;
  r[PersistRecord.AMOUNT_B] = opts.strength;
  r[PersistRecord.AMOUNT_C] = 0.8;
  r[PersistRecord.AMOUNT_D] = 2500;
  for (let i = 0; i < 8; i++) r[PersistRecord.FEATURES + i] = i + 0.5;
  r[PersistRecord.FEATURES + 7] = NaN;
  return r;
}
