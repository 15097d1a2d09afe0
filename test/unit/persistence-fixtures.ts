import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderId, Price, Qty, SymbolIndex, TimestampUs } from '../../shared/domain.js';
import { FillRow, NO_REJECT, PersistRecord, SignalRow } from '../../shared/records.js';

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
  // Raw numbers on purpose: the persistence tests also feed malformed values.
  const rec = new Float64Array(PersistRecord.SLOTS);
  const r = new FillRow().begin(rec, 0);
  r.tradeId = opts.tradeId;
  r.orderId = (opts.orderId ?? 1) as OrderId;
  r.symbol = (opts.symbol ?? 0) as SymbolIndex;
  r.strategy = opts.strategy ?? 0;
  r.side = opts.side;
  r.price = opts.price as Price;
  r.qty = opts.qty as Qty;
  r.tsUs = (opts.tsUs ?? 1_752_000_000_000_000) as TimestampUs;
  r.positionQty = opts.positionQty as Qty;
  r.positionAvgCost = opts.avgCost as Price;
  r.positionRealizedPnl = opts.realized ?? 0;
  return rec;
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
  /** REJECT_REASONS index of the risk refusal; none when absent. */
  rejectReason?: number;
}): Float64Array {
  const rec = new Float64Array(PersistRecord.SLOTS);
  const r = new SignalRow().begin(rec, 0);
  r.tsUs = opts.tsUs as TimestampUs;
  r.symbol = (opts.symbol ?? 0) as SymbolIndex;
  r.side = Math.sign(opts.strength) as 1 | -1 | 0;
  r.status = opts.suppressed ? 1 : 0;
  r.orderId = (opts.orderId ?? 0) as OrderId;
  r.rejectReason = opts.rejectReason ?? NO_REJECT;
  r.strength = opts.strength;
  r.confidence = 0.8;
  r.holdingPeriodMs = 2500;
  for (let i = 0; i < 8; i++) r.setFeature(i, i + 0.5);
  r.setFeature(7, NaN);
  return rec;
}
