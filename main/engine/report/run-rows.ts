import { openDatabase } from '../persistence/schema.js';

/**
 * The rows of one replay run as the report reads them back from its SQLite file: the
 * report is built from what the engine wrote, not from what it kept in memory, so its
 * totals are the database's.
 */
export interface FillRow {
  readonly tradeId: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: 'Buy' | 'Sell';
  readonly price: number;
  readonly qty: number;
  readonly tsUs: number;
}

export interface OrderRow {
  readonly orderId: number;
  readonly symbol: string;
  readonly type: string;
  readonly status: string;
  readonly filledQty: number;
  readonly fees: number;
  readonly reason: string | null;
}

export interface SignalRow {
  readonly tsUs: number;
  readonly symbol: string;
  readonly side: 'Buy' | 'Sell';
  readonly strength: number;
  readonly holdingPeriodMs: number;
  readonly suppressed: boolean;
}

export interface PositionRow {
  readonly symbol: string;
  readonly qty: number;
  readonly realizedPnl: number;
}

export interface RunRows {
  readonly fills: readonly FillRow[];
  readonly orders: readonly OrderRow[];
  readonly signals: readonly SignalRow[];
  readonly positions: readonly PositionRow[];
}

export function readRunRows(dbPath: string): RunRows {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const fills = db
      .prepare(
        'SELECT trade_id, order_id, symbol, side, price, quantity, timestamp_ns FROM trades ORDER BY timestamp_ns, trade_id',
      )
      .all() as Array<{
      trade_id: number;
      order_id: number;
      symbol: string;
      side: 'Buy' | 'Sell';
      price: number;
      quantity: number;
      timestamp_ns: number;
    }>;
    const orders = db
      .prepare(
        'SELECT order_id, symbol, type, status, filled_quantity, fees, reason FROM orders ORDER BY order_id',
      )
      .all() as Array<{
      order_id: number;
      symbol: string;
      type: string;
      status: string;
      filled_quantity: string;
      fees: string;
      reason: string | null;
    }>;
    const signals = db
      .prepare(
        'SELECT ts_ns, symbol, side, strength, holding_period_ms, suppressed FROM signals ORDER BY signal_id',
      )
      .all() as Array<{
      ts_ns: number;
      symbol: string;
      side: 'Buy' | 'Sell';
      strength: number;
      holding_period_ms: number;
      suppressed: number;
    }>;
    const positions = db
      .prepare('SELECT symbol, quantity, realized_pnl FROM positions ORDER BY symbol')
      .all() as Array<{ symbol: string; quantity: number; realized_pnl: number }>;
    return {
      fills: fills.map((r) => ({
        tradeId: r.trade_id,
        orderId: r.order_id,
        symbol: r.symbol,
        side: r.side,
        price: r.price,
        qty: r.quantity,
        tsUs: Math.round(r.timestamp_ns / 1000),
      })),
      orders: orders.map((r) => ({
        orderId: r.order_id,
        symbol: r.symbol,
        type: r.type,
        status: r.status,
        filledQty: Number(r.filled_quantity),
        fees: Number(r.fees),
        reason: r.reason,
      })),
      signals: signals.map((r) => ({
        tsUs: Math.round(r.ts_ns / 1000),
        symbol: r.symbol,
        side: r.side,
        strength: r.strength,
        holdingPeriodMs: r.holding_period_ms,
        suppressed: r.suppressed !== 0,
      })),
      positions: positions.map((r) => ({
        symbol: r.symbol,
        qty: r.quantity,
        realizedPnl: r.realized_pnl,
      })),
    };
  } finally {
    db.close();
  }
}
