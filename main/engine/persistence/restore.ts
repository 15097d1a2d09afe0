import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  FIXED_SCALE,
  ORDER_STATUSES,
  ORDER_TYPES,
  REJECT_REASONS,
  TRADING_STATES,
  formatFixed,
  parseFixed,
  type OrderStatus,
  type OrderType,
  type RejectReason,
  type Side,
  type TradingState,
} from '../../../shared/domain.js';
import type {
  FillView,
  KillSwitchChange,
  OrderView,
  ParamChangeView,
  SignalView,
} from '../../../shared/api.js';
import { uuidToWords } from '../../../shared/client-order-id.js';
import {
  INTERNAL_ORDER_ID_BASE,
  type RestoredIds,
  type RestoredOrder,
  type RestoredPosition,
} from '../execution/paper-broker.js';
import { signalReason } from '../strategy/signal-reason.js';
import { openDatabase } from './schema.js';

/**
 * What a (re)started engine reads back from SQLite: positions and open orders for
 * PaperBroker.restore, the id counters to continue from, and the recent history the
 * window shows (orders, fills, signals, parameter changes, the last kill-switch state).
 *
 * Quantities come back exact: REAL columns hold the double nearest to the exact decimal
 * (schema.ts), so Math.round(value × 1e8) is the integer the broker wrote; TEXT columns
 * are parsed with parseFixed. Rows naming a symbol or strategy that is no longer
 * configured are left in the database untouched and listed in `skipped`.
 */

export interface BrokerRestoreState {
  readonly positions: RestoredPosition[];
  readonly openOrders: RestoredOrder[];
  readonly ids: RestoredIds;
  /** Largest order id below INTERNAL_ORDER_ID_BASE (0 if none): the strategy's order counter continues after it. */
  readonly maxStrategyOrderId: number;
  /** Why rows were not restored, one sentence each. */
  readonly skipped: string[];
}

const OPEN_STATUSES = ['Pending', 'Open', 'PartiallyFilled'] as const;
const KILL_SWITCH_SOURCES = ['trader', 'engine'] as const;

const units = (value: number): number => Math.round(value * FIXED_SCALE);

function hasTables(db: Database.Database): boolean {
  const row = db
    .prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('trades', 'positions', 'orders')",
    )
    .get() as { n: number };
  return row.n === 3;
}

const emptyState = (): BrokerRestoreState => ({
  positions: [],
  openOrders: [],
  ids: { nextTradeId: 1, nextInternalOrderId: INTERNAL_ORDER_ID_BASE },
  maxStrategyOrderId: 0,
  skipped: [],
});

/**
 * Reads the broker's state from a database path (none yet: an empty state) or an open
 * database. A path is opened read-only and closed again.
 */
export function restoreBrokerState(
  target: string | Database.Database,
  symbols: readonly string[],
  strategyIds: readonly string[],
): BrokerRestoreState {
  if (typeof target === 'string') {
    if (!existsSync(target)) return emptyState();
    const db = openDatabase(target, { readonly: true });
    try {
      return restoreBrokerState(db, symbols, strategyIds);
    } finally {
      db.close();
    }
  }
  const db = target;
  if (!hasTables(db)) return emptyState();
  const skipped: string[] = [];
  const symbolIndex = new Map(symbols.map((s, i) => [s, i]));
  const strategyIndex = new Map(strategyIds.map((s, i) => [s, i]));

  const positions: RestoredPosition[] = [];
  const positionRows = db
    .prepare(
      'SELECT strategy_id, symbol, quantity, cost_basis, realized_pnl FROM positions ORDER BY strategy_id, symbol',
    )
    .all() as {
    strategy_id: string;
    symbol: string;
    quantity: number;
    cost_basis: number;
    realized_pnl: number;
  }[];
  for (const row of positionRows) {
    const sym = symbolIndex.get(row.symbol);
    const strat = strategyIndex.get(row.strategy_id);
    if (sym === undefined || strat === undefined) {
      skipped.push(
        `position ${row.strategy_id}/${row.symbol} not restored: that ${sym === undefined ? 'symbol' : 'strategy'} is not configured`,
      );
      continue;
    }
    positions.push({
      strategyIndex: strat,
      symbolIndex: sym,
      qty: units(row.quantity),
      avgCost: units(row.cost_basis),
      realizedPnl: units(row.realized_pnl),
    });
  }

  const openOrders: RestoredOrder[] = [];
  const orderRows = db
    .prepare(
      `SELECT order_id, client_order_id, strategy_id, symbol, side, type, status, price, quantity, filled_quantity, avg_fill_price, fees,
              created_ns / 1000 AS created_us, updated_ns / 1000 AS updated_us
       FROM orders WHERE status IN ('Pending', 'Open', 'PartiallyFilled') ORDER BY order_id`,
    )
    .all() as OrderRow[];
  const words = new Float64Array(4);
  for (const row of orderRows) {
    const sym = symbolIndex.get(row.symbol);
    const strat = strategyIndex.get(row.strategy_id);
    if (sym === undefined || strat === undefined) {
      skipped.push(
        `order ${row.order_id} not restored: its ${sym === undefined ? 'symbol ' + row.symbol : 'strategy ' + row.strategy_id} is not configured`,
      );
      continue;
    }
    const type = (ORDER_TYPES as readonly string[]).indexOf(row.type);
    const status = (OPEN_STATUSES as readonly string[]).indexOf(row.status);
    const decimals = [row.price, row.quantity, row.filled_quantity, row.avg_fill_price].map(
      parseFixed,
    );
    const fees = parseSignedFixed(row.fees);
    const uuid = row.client_order_id.startsWith('strategy_')
      ? row.client_order_id.slice('strategy_'.length)
      : '';
    let problem: string | null = null;
    if (type < 0) problem = `unknown type ${row.type}`;
    else if (row.side !== 'Buy' && row.side !== 'Sell') problem = `unknown side ${row.side}`;
    else if (decimals.some(Number.isNaN) || Number.isNaN(fees))
      problem = 'a price or quantity is not a decimal';
    else {
      try {
        uuidToWords(uuid, words, 0);
      } catch {
        problem = `client order id ${row.client_order_id} is not strategy_<uuid>`;
      }
    }
    if (problem !== null) {
      skipped.push(`order ${row.order_id} not restored: ${problem}`);
      continue;
    }
    openOrders.push({
      orderId: row.order_id,
      clientIdWords: [words[0]!, words[1]!, words[2]!, words[3]!],
      strategyIndex: strat,
      symbolIndex: sym,
      side: row.side === 'Buy' ? 1 : -1,
      type,
      status: ORDER_STATUSES.indexOf(OPEN_STATUSES[status]!),
      price: decimals[0]!,
      qty: decimals[1]!,
      filledQty: decimals[2]!,
      avgFillPrice: decimals[3]!,
      fees,
      createdUs: row.created_us,
      updatedUs: row.updated_us,
    });
  }

  const maxTrade =
    (db.prepare('SELECT max(trade_id) AS id FROM trades').get() as { id: number | null }).id ?? 0;
  const maxInternal = (
    db
      .prepare('SELECT max(order_id) AS id FROM orders WHERE order_id >= ?')
      .get(INTERNAL_ORDER_ID_BASE) as { id: number | null }
  ).id;
  const maxStrategy =
    (
      db
        .prepare('SELECT max(order_id) AS id FROM orders WHERE order_id < ?')
        .get(INTERNAL_ORDER_ID_BASE) as { id: number | null }
    ).id ?? 0;
  return {
    positions,
    openOrders,
    ids: {
      nextTradeId: maxTrade + 1,
      nextInternalOrderId: maxInternal === null ? INTERNAL_ORDER_ID_BASE : maxInternal + 1,
    },
    maxStrategyOrderId: maxStrategy,
    skipped,
  };
}

interface OrderRow {
  order_id: number;
  client_order_id: string;
  strategy_id: string;
  symbol: string;
  side: string;
  type: string;
  status: string;
  price: string;
  quantity: string;
  filled_quantity: string;
  avg_fill_price: string;
  fees: string;
  created_us: number;
  updated_us: number;
  reason?: string | null;
}

function parseSignedFixed(text: string): number {
  return text.startsWith('-') ? -parseFixed(text.slice(1)) : parseFixed(text);
}

// ------------------------------------------------------------------ the window's history

/** The `n` most recently updated orders, newest first. */
export function loadRecentOrders(db: Database.Database, n: number): OrderView[] {
  if (!hasTables(db)) return [];
  const rows = db
    .prepare(
      `SELECT order_id, client_order_id, strategy_id, symbol, side, type, status, price, quantity, filled_quantity, avg_fill_price, fees, reason,
              created_ns / 1000 AS created_us, updated_ns / 1000 AS updated_us
       FROM orders ORDER BY updated_ns DESC, order_id DESC LIMIT ?`,
    )
    .all(n) as OrderRow[];
  return rows.map((row) => ({
    orderId: row.order_id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side as Side,
    type: row.type as OrderType,
    status: row.status as OrderStatus,
    price: row.price,
    qty: row.quantity,
    filledQty: row.filled_quantity,
    avgFillPrice: row.avg_fill_price,
    createdUs: row.created_us,
    updatedUs: row.updated_us,
    ...(row.reason ? { reason: row.reason } : {}),
    strategyId: row.strategy_id,
  }));
}

/** The `n` latest fills, newest first. */
export function loadRecentFills(db: Database.Database, n: number): FillView[] {
  if (!hasTables(db)) return [];
  const rows = db
    .prepare(
      'SELECT trade_id, order_id, symbol, side, price, quantity, timestamp_ns / 1000 AS ts_us FROM trades ORDER BY trade_id DESC LIMIT ?',
    )
    .all(n) as {
    trade_id: number;
    order_id: number;
    symbol: string;
    side: string;
    price: number;
    quantity: number;
    ts_us: number;
  }[];
  return rows.map((row) => ({
    tradeId: row.trade_id,
    orderId: row.order_id,
    symbol: row.symbol,
    side: row.side as Side,
    price: formatFixed(units(row.price)),
    qty: formatFixed(units(row.quantity)),
    tsUs: row.ts_us,
  }));
}

/** The `n` latest signals, newest first. */
export function loadRecentSignals(db: Database.Database, n: number): SignalView[] {
  if (!hasTables(db)) return [];
  const rows = db
    .prepare(
      'SELECT ts_ns / 1000 AS ts_us, symbol, side, strength, confidence, holding_period_ms, suppressed, reject_reason FROM signals ORDER BY ts_ns DESC, signal_id DESC LIMIT ?',
    )
    .all(n) as {
    ts_us: number;
    symbol: string;
    side: string;
    strength: number;
    confidence: number;
    holding_period_ms: number;
    suppressed: number;
    reject_reason: string | null;
  }[];
  return rows.map((row) => {
    const suppressed = row.suppressed === 1;
    const rejectReason = (REJECT_REASONS as readonly string[]).includes(row.reject_reason ?? '')
      ? (row.reject_reason as RejectReason)
      : null;
    // The min_confidence of the time is not stored: the reason says "below" without it.
    const reason = signalReason({ suppressed, confidence: row.confidence, rejectReason }, null);
    return {
      tsUs: row.ts_us,
      symbol: row.symbol,
      side: (row.side === 'Sell' ? 'Sell' : 'Buy') as Side,
      strength: row.strength,
      confidence: row.confidence,
      holdingPeriodMs: row.holding_period_ms,
      suppressed,
      ...(reason === undefined ? {} : { reason }),
    };
  });
}

/** The `n` latest parameter changes, newest first. */
export function loadParamHistory(db: Database.Database, n: number): ParamChangeView[] {
  if (!hasTables(db)) return [];
  const rows = db
    .prepare(
      'SELECT ts_ns / 1000 AS ts_us, key, old_value, new_value, source FROM param_changes ORDER BY ts_ns DESC, change_id DESC LIMIT ?',
    )
    .all(n) as {
    ts_us: number;
    key: string;
    old_value: number;
    new_value: number;
    source: string;
  }[];
  return rows.map((row) => ({
    tsUs: row.ts_us,
    key: row.key,
    oldValue: row.old_value,
    newValue: row.new_value,
    source: row.source,
  }));
}

/** The last recorded trading state, or null when none was ever recorded. */
export function loadLastKillSwitch(db: Database.Database): KillSwitchChange | null {
  if (!hasTables(db)) return null;
  const row = db
    .prepare(
      'SELECT ts_ns / 1000 AS ts_us, state, reason, source FROM kill_switch_events ORDER BY ts_ns DESC, event_id DESC LIMIT 1',
    )
    .get() as { ts_us: number; state: string; reason: string; source: string } | undefined;
  if (!row || !(TRADING_STATES as readonly string[]).includes(row.state)) return null;
  return {
    state: row.state as TradingState,
    reason: row.reason,
    source: (KILL_SWITCH_SOURCES as readonly string[]).includes(row.source)
      ? (row.source as KillSwitchChange['source'])
      : 'engine',
    changedUs: row.ts_us,
  };
}
