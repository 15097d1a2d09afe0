import type Database from 'better-sqlite3';
import {
  FIXED_SCALE,
  ORDER_STATUSES,
  ORDER_TYPES,
  REJECT_REASONS,
  TRADING_STATES,
  formatFixed,
  sideFromCode,
} from '../../../shared/domain.js';
import { clientOrderIdFromWords } from '../../../shared/client-order-id.js';
import {
  FillRow,
  KillSwitchEventRow,
  NO_REJECT,
  OrderRow,
  PersistKind,
  SIGNAL_ROW_FEATURES,
  SignalRow,
  persistKindOf,
  rowSlots,
} from '../../../shared/records.js';
import { ORDER_REASONS, NO_REASON } from '../execution/order-reasons.js';

/**
 * Prepared statements and the decoding of PersistRecord rows into them. Each record kind
 * is checked before any statement runs; a record that cannot be decoded is written to
 * `malformed_rows` with the reason instead (see schema.ts), so a bad row never blocks the
 * rows behind it and never vanishes.
 *
 * Rows (shared/records.ts):
 * - FillRow → `trades`, and the position it leaves → `positions`, in one transaction.
 *   Its fee reaches `orders.fees` through the OrderRow that follows.
 * - OrderRow → `orders` (upserted by id).
 * - SignalRow → `signals` (strategy/signal-record.ts).
 * - KillSwitchEventRow → `kill_switch_events` (reason "", source "engine"; the runtime's
 *   own events with text come through writeKillSwitchEvent).
 */

const SIGNAL_FEATURES = SIGNAL_ROW_FEATURES;
const SIGNAL_SUPPRESSED = 1;
const NS_PER_US = BigInt(1000);

export interface ParamChangeRow {
  readonly tsUs: number;
  readonly key: string;
  readonly oldValue: number;
  readonly newValue: number;
  readonly source: string;
}

export interface KillSwitchRow {
  readonly tsUs: number;
  readonly state: string;
  readonly reason: string;
  readonly source: string;
}

class RowProblem extends Error {}

const isSafeInt = (v: number): boolean => Number.isSafeInteger(v);
const isUnits = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;

function need(ok: boolean, problem: string): void {
  if (!ok) throw new RowProblem(problem);
}

function timestampNs(tsUs: number, what: string): bigint {
  need(
    Number.isSafeInteger(tsUs) && tsUs >= 0,
    `${what} must be a non-negative integer of microseconds, got ${tsUs}`,
  );
  return BigInt(tsUs) * NS_PER_US;
}

const real = (units: number): number => units / FIXED_SCALE;

export class RowStatements {
  private readonly insertTrade: Database.Statement;
  private readonly upsertPosition: Database.Statement;
  private readonly upsertOrder: Database.Statement;
  private readonly insertSignal: Database.Statement;
  private readonly insertParamChange: Database.Statement;
  private readonly insertKillSwitch: Database.Statement;
  private readonly insertMalformed: Database.Statement;
  private readonly words = new Float64Array(4);
  private readonly fillIn = new FillRow();
  private readonly orderIn = new OrderRow();
  private readonly signalIn = new SignalRow();
  private readonly killIn = new KillSwitchEventRow();

  constructor(
    db: Database.Database,
    private readonly symbols: readonly string[],
    private readonly strategyIds: readonly string[],
  ) {
    // A repeated trade id is refused (plain INSERT): two fills claiming one id is a bug to
    // surface, and the record then goes to malformed_rows whole, trade and position together.
    this.insertTrade = db.prepare(
      'INSERT INTO trades (trade_id, order_id, strategy_id, symbol, side, price, quantity, timestamp_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertPosition = db.prepare(
      `INSERT INTO positions (strategy_id, symbol, quantity, cost_basis, realized_pnl) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (strategy_id, symbol) DO UPDATE SET quantity = excluded.quantity, cost_basis = excluded.cost_basis, realized_pnl = excluded.realized_pnl`,
    );
    this.upsertOrder = db.prepare(
      `INSERT INTO orders (order_id, client_order_id, strategy_id, symbol, side, type, price, quantity, status, filled_quantity, avg_fill_price, created_ns, updated_ns, reason, fees)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET client_order_id = excluded.client_order_id, status = excluded.status, filled_quantity = excluded.filled_quantity,
         avg_fill_price = excluded.avg_fill_price, updated_ns = excluded.updated_ns, reason = excluded.reason, fees = excluded.fees`,
    );
    this.insertSignal = db.prepare(
      `INSERT INTO signals (ts_ns, strategy_id, symbol, side, strength, confidence, holding_period_ms, suppressed, order_id, reject_reason, features)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertParamChange = db.prepare(
      'INSERT INTO param_changes (ts_ns, key, old_value, new_value, source) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertKillSwitch = db.prepare(
      'INSERT INTO kill_switch_events (ts_ns, state, reason, source) VALUES (?, ?, ?, ?)',
    );
    this.insertMalformed = db.prepare(
      'INSERT INTO malformed_rows (kind, problem, content) VALUES (?, ?, ?)',
    );
  }

  /**
   * Writes one record (inside the caller's transaction). Returns null when it landed where
   * it belongs, or the problem when it went to malformed_rows. SQLite errors propagate.
   */
  writeRecord(rows: Float64Array, off: number): string | null {
    const kind = persistKindOf(rows, off);
    try {
      switch (kind) {
        case PersistKind.FILL:
          this.writeFill(rows, off);
          return null;
        case PersistKind.ORDER:
          this.writeOrder(rows, off);
          return null;
        case PersistKind.SIGNAL:
          this.writeSignal(rows, off);
          return null;
        case PersistKind.KILL_SWITCH:
          this.writeEngineKillSwitch(rows, off);
          return null;
        default:
          throw new RowProblem(`unknown persist record kind ${kind}`);
      }
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      this.quarantineRecord(rows, off, error.message);
      return error.message;
    }
  }

  /** Stores a record in malformed_rows with the reason (also used for constraint refusals). */
  quarantineRecord(rows: Float64Array, off: number, problem: string): void {
    const slots = rowSlots(rows, off);
    this.insertMalformed.run(
      Number.isFinite(slots[0]) ? slots[0] : null,
      problem,
      JSON.stringify(slots),
    );
  }

  quarantineObject(kind: string, value: unknown, problem: string): void {
    this.insertMalformed.run(null, problem, JSON.stringify({ kind, value }));
  }

  writeParamChange(row: ParamChangeRow): string | null {
    try {
      const ts = timestampNs(row.tsUs, 'param change tsUs');
      need(
        typeof row.key === 'string' && row.key.length > 0,
        'param change key must be a non-empty string',
      );
      need(
        Number.isFinite(row.oldValue) && Number.isFinite(row.newValue),
        `param change ${row.key} values must be finite numbers`,
      );
      need(
        typeof row.source === 'string' && row.source.length > 0,
        'param change source must be a non-empty string',
      );
      this.insertParamChange.run(ts, row.key, row.oldValue, row.newValue, row.source);
      return null;
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      this.quarantineObject('param_change', row, error.message);
      return error.message;
    }
  }

  writeKillSwitchEvent(row: KillSwitchRow): string | null {
    try {
      const ts = timestampNs(row.tsUs, 'kill switch event tsUs');
      need(
        (TRADING_STATES as readonly string[]).includes(row.state),
        `kill switch state must be one of ${TRADING_STATES.join(', ')}, got ${String(row.state)}`,
      );
      need(typeof row.reason === 'string', 'kill switch reason must be a string');
      need(
        typeof row.source === 'string' && row.source.length > 0,
        'kill switch source must be a non-empty string',
      );
      this.insertKillSwitch.run(ts, row.state, row.reason, row.source);
      return null;
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      this.quarantineObject('kill_switch', row, error.message);
      return error.message;
    }
  }

  private symbol(index: number): string {
    const name = Number.isInteger(index) ? this.symbols[index] : undefined;
    need(
      name !== undefined,
      `symbol index ${index} is not one of the ${this.symbols.length} configured symbols`,
    );
    return name!;
  }

  private strategy(index: number): string {
    const name = Number.isInteger(index) ? this.strategyIds[index] : undefined;
    need(
      name !== undefined,
      `strategy index ${index} is not one of the ${this.strategyIds.length} configured strategies`,
    );
    return name!;
  }

  private side(code: number): string {
    need(code === 1 || code === -1, `side must be +1 or -1, got ${code}`);
    return sideFromCode(code);
  }

  private writeFill(rows: Float64Array, off: number): void {
    const row = this.fillIn.read(rows, off);
    const tradeId = row.tradeId;
    const orderId = row.orderId;
    need(
      isSafeInt(tradeId) && tradeId > 0,
      `fill trade id must be a positive integer, got ${tradeId}`,
    );
    need(
      isSafeInt(orderId) && orderId > 0,
      `fill order id must be a positive integer, got ${orderId}`,
    );
    const strategy = this.strategy(row.strategy);
    const symbol = this.symbol(row.symbol);
    const side = this.side(row.side);
    const price = row.price;
    const qty = row.qty;
    need(
      isUnits(price) && price > 0,
      `fill price must be a positive integer of 1e-8 units, got ${price}`,
    );
    need(
      isUnits(qty) && qty > 0,
      `fill quantity must be a positive integer of 1e-8 units, got ${qty}`,
    );
    const ts = timestampNs(row.tsUs, 'fill TS_US');
    const positionQty = row.positionQty;
    const avgCost = row.positionAvgCost;
    const realized = row.positionRealizedPnl;
    need(
      isSafeInt(positionQty),
      `position quantity after the fill must be an integer of 1e-8 units, got ${positionQty}`,
    );
    need(
      isUnits(avgCost),
      `average cost after the fill must be a non-negative integer of 1e-8 units, got ${avgCost}`,
    );
    need(
      isSafeInt(realized),
      `realized PnL after the fill must be an integer of 1e-8 units, got ${realized}`,
    );
    // Trade and position in the one transaction the caller holds: after any crash,
    // every position equals the sum of its trades.
    this.insertTrade.run(tradeId, orderId, strategy, symbol, side, real(price), real(qty), ts);
    this.upsertPosition.run(strategy, symbol, real(positionQty), real(avgCost), real(realized));
  }

  private writeOrder(rows: Float64Array, off: number): void {
    const row = this.orderIn.read(rows, off);
    const orderId = row.orderId;
    need(isSafeInt(orderId) && orderId > 0, `order id must be a positive integer, got ${orderId}`);
    const strategy = this.strategy(row.strategy);
    const symbol = this.symbol(row.symbol);
    const side = this.side(row.side);
    const type = ORDER_TYPES[row.type];
    need(
      type !== undefined,
      `order type index ${row.type} is not one of ${ORDER_TYPES.join(', ')}`,
    );
    const status = ORDER_STATUSES[row.status];
    need(
      status !== undefined,
      `order status index ${row.status} is not one of ${ORDER_STATUSES.join(', ')}`,
    );
    for (const [name, value] of [
      ['price', row.price],
      ['quantity', row.qty],
      ['filled quantity', row.filledQty],
      ['average fill price', row.avgFillPrice],
    ] as const) {
      need(
        isUnits(value),
        `order ${name} must be a non-negative integer of 1e-8 units, got ${value}`,
      );
    }
    const fees = row.fees;
    need(isSafeInt(fees), `order fees must be an integer of 1e-8 units, got ${fees}`);
    const reasonIndex = row.reason;
    const reason = reasonIndex === NO_REASON ? null : ORDER_REASONS[reasonIndex];
    need(
      reason !== undefined,
      `order reason index ${reasonIndex} is not -1 or one of the ${ORDER_REASONS.length} known reasons`,
    );
    const updated = timestampNs(row.tsUs, 'order TS_US');
    const created = timestampNs(row.createdUs, 'order creation time');
    const w = this.words;
    for (let i = 0; i < 4; i++) {
      const word = row.clientIdWord(i);
      need(
        Number.isInteger(word) && word >= 0 && word <= 0xffffffff,
        `client order id word ${i} must be a uint32, got ${word}`,
      );
      w[i] = word;
    }
    this.upsertOrder.run(
      orderId,
      clientOrderIdFromWords(w, 0),
      strategy,
      symbol,
      side,
      type,
      formatFixed(row.price),
      formatFixed(row.qty),
      status,
      formatFixed(row.filledQty),
      formatFixed(row.avgFillPrice),
      created,
      updated,
      reason ?? null,
      formatFixed(fees),
    );
  }

  private writeSignal(rows: Float64Array, off: number): void {
    const row = this.signalIn.read(rows, off);
    const strategy = this.strategy(row.strategy);
    const symbol = this.symbol(row.symbol);
    const sideCode = row.side;
    need(
      sideCode === 1 || sideCode === -1 || sideCode === 0,
      `signal side must be +1, -1 or 0, got ${sideCode}`,
    );
    const ts = timestampNs(row.tsUs, 'signal TS_US');
    const strength = row.strength;
    const confidence = row.confidence;
    const holding = row.holdingPeriodMs;
    need(
      Number.isFinite(strength) && Number.isFinite(confidence) && Number.isFinite(holding),
      'signal strength, confidence and holding period must be finite',
    );
    const orderId = row.orderId;
    need(
      isSafeInt(orderId) && orderId >= 0,
      `signal order id must be 0 or a positive integer, got ${orderId}`,
    );
    const rejectIndex = row.rejectReason;
    const rejectReason = rejectIndex === NO_REJECT ? null : REJECT_REASONS[rejectIndex];
    need(
      rejectReason !== undefined,
      `signal reject reason ${rejectIndex} is not -1 (none) or a REJECT_REASONS index`,
    );
    const features: (number | null)[] = [];
    for (let i = 0; i < SIGNAL_FEATURES; i++) {
      const v = row.feature(i);
      features.push(Number.isFinite(v) ? v : null); // JSON has no NaN: a missing feature is null
    }
    this.insertSignal.run(
      ts,
      strategy,
      symbol,
      sideCode === 0 ? 'None' : sideFromCode(sideCode),
      strength,
      confidence,
      holding,
      row.status === SIGNAL_SUPPRESSED ? 1 : 0,
      orderId === 0 ? null : orderId,
      rejectReason ?? null,
      JSON.stringify(features),
    );
  }

  private writeEngineKillSwitch(rows: Float64Array, off: number): void {
    const row = this.killIn.read(rows, off);
    const code = row.state;
    const state = TRADING_STATES[code];
    need(state !== undefined, `kill switch record state code ${code} is not 0, 1 or 2`);
    this.insertKillSwitch.run(timestampNs(row.tsUs, 'kill switch TS_US'), state, '', 'engine');
  }
}
