import Database from 'better-sqlite3';
import { betterSqliteBinding } from './native-binding.js';

/**
 * The SQLite schema (docs/ARCHITECTURE.md §7). `trades` and `positions` are the seed's tables,
 * column for column: their REAL columns hold the double NEAREST to the exact decimal
 * (integer 1e-8 units ÷ 1e8, one correctly rounded division), so nothing accumulates in
 * floats, and `Math.round(value × 1e8)` gives the exact units back for any magnitude
 * below 2^51 units (22 million BTC, or 22 million USDT of PnL).
 *
 * The other tables are Lockstep's:
 * - `orders`: one row per order, upserted on every status change. Prices and quantities
 *   are exact decimal TEXT (formatFixed: "119000.01", no trailing zeros); `fees` is the
 *   fees paid on its fills (quote currency, exact decimal; negative = rebate);
 *   `avg_fill_price` is rounded to 1e-8; `reason` says why it was rejected or cancelled
 *   (execution/order-reasons.ts), NULL otherwise.
 * - `signals`: every signal the strategy produced, suppressed ones included, with the
 *   first 8 features as a JSON array in extractor order.
 * - `param_changes`, `kill_switch_events`: the audit trail of live edits and of the
 *   trading state.
 * - `malformed_rows`: a record the writer could not decode (a symbol index outside the
 *   table, an unknown kind) or that a constraint refused (a repeated trade id), as JSON
 *   with the reason: kept for inspection rather than dropped or left to block the queue.
 * Timestamps are integer nanoseconds since the epoch on the data clock (µs × 1000).
 */

const SCHEMA_VERSION = 1;

const STATEMENTS = [
  // --- the seed's tables, unchanged
  `CREATE TABLE IF NOT EXISTS trades (trade_id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, strategy_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, price REAL NOT NULL, quantity REAL NOT NULL, timestamp_ns INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS positions (strategy_id TEXT NOT NULL, symbol TEXT NOT NULL, quantity REAL NOT NULL, cost_basis REAL NOT NULL, realized_pnl REAL NOT NULL, PRIMARY KEY (strategy_id, symbol))`,
  // --- Lockstep's
  `CREATE TABLE IF NOT EXISTS orders (
     order_id INTEGER PRIMARY KEY,
     client_order_id TEXT NOT NULL,
     strategy_id TEXT NOT NULL,
     symbol TEXT NOT NULL,
     side TEXT NOT NULL,
     type TEXT NOT NULL,
     price TEXT NOT NULL,
     quantity TEXT NOT NULL,
     status TEXT NOT NULL,
     filled_quantity TEXT NOT NULL,
     avg_fill_price TEXT NOT NULL,
     created_ns INTEGER NOT NULL,
     updated_ns INTEGER NOT NULL,
     reason TEXT,
     fees TEXT NOT NULL DEFAULT '0')`,
  `CREATE TABLE IF NOT EXISTS signals (
     signal_id INTEGER PRIMARY KEY,
     ts_ns INTEGER NOT NULL,
     strategy_id TEXT NOT NULL,
     symbol TEXT NOT NULL,
     side TEXT NOT NULL,
     strength REAL NOT NULL,
     confidence REAL NOT NULL,
     holding_period_ms REAL NOT NULL,
     suppressed INTEGER NOT NULL,
     order_id INTEGER,
     reject_reason TEXT,
     features TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS param_changes (change_id INTEGER PRIMARY KEY, ts_ns INTEGER NOT NULL, key TEXT NOT NULL, old_value REAL NOT NULL, new_value REAL NOT NULL, source TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS kill_switch_events (event_id INTEGER PRIMARY KEY, ts_ns INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL)`,
  /** Rows the writer could not store where they belong (undecodable, or refused by a constraint), kept with the reason instead of vanishing. */
  `CREATE TABLE IF NOT EXISTS malformed_rows (row_id INTEGER PRIMARY KEY, kind INTEGER, problem TEXT NOT NULL, content TEXT NOT NULL)`,
  // An order id names one order for good: an update that would hand a row to a different
  // order (a counter restarted without restore) is refused, and the writer keeps the
  // refused row in malformed_rows, instead of silently mixing two orders in one row.
  `CREATE TRIGGER IF NOT EXISTS orders_id_names_one_order BEFORE UPDATE OF client_order_id ON orders
     WHEN OLD.client_order_id <> NEW.client_order_id
     BEGIN SELECT RAISE(ABORT, 'order id reused by a different order (client order id differs)'); END`,
  // --- what the window and restore ask for
  /** Recent orders, newest update first. */
  `CREATE INDEX IF NOT EXISTS orders_by_updated ON orders (updated_ns DESC)`,
  /** Open orders at restore: a partial index, so it stays as small as the open set. */
  `CREATE INDEX IF NOT EXISTS orders_open ON orders (status, order_id) WHERE status IN ('Pending', 'Open', 'PartiallyFilled')`,
  `CREATE INDEX IF NOT EXISTS signals_by_ts ON signals (ts_ns)`,
  `CREATE INDEX IF NOT EXISTS param_changes_by_ts ON param_changes (ts_ns)`,
  `CREATE INDEX IF NOT EXISTS kill_switch_events_by_ts ON kill_switch_events (ts_ns)`,
  /** Trades of one position (restore checks, per-symbol fills). */
  `CREATE INDEX IF NOT EXISTS trades_by_position ON trades (strategy_id, symbol, trade_id)`,
];

/** Creates the tables and indexes that are missing; refuses a database from a newer Lockstep. */
function applySchema(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `database ${db.name} has schema version ${version}, newer than this Lockstep's ${SCHEMA_VERSION}: upgrade Lockstep or use another --db`,
    );
  }
  db.transaction(() => {
    for (const sql of STATEMENTS) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

export interface OpenOptions {
  readonly readonly?: boolean;
  /** How long a statement waits for another connection's lock before SQLITE_BUSY; default 50 ms. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a Lockstep database: WAL, synchronous = NORMAL (a commit is
 * durable against a process crash; an OS crash may lose the last commits, never tear
 * one), and the schema applied. Read-only opens skip the schema.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  // Plain Node loads node_modules' own build (never rebuilt for Electron any more), so a
  // process holds one copy of SQLite: two copies in one process do not see each other's
  // POSIX locks, and one closing a file drops the other's locks. Electron's engine, whose
  // ABI differs, loads its side-by-side build and nothing else.
  const nativeBinding = process.versions.electron ? betterSqliteBinding() : undefined;
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 50}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      applySchema(db);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
