import type Database from 'better-sqlite3';
import { PersistKind, PersistRecord, persistKindOf } from '../../../shared/records.js';
import { RowStatements, type KillSwitchRow, type ParamChangeRow } from './row-statements.js';
import { openDatabase } from './schema.js';

export type { KillSwitchRow, ParamChangeRow } from './row-statements.js';

/**
 * The persistence thread's SQLite writer (better-sqlite3, WAL, synchronous = NORMAL).
 *
 * Rows are buffered as raw record slots (a copy into a preallocated Float64Array, no
 * object per row) and written in transactions of at most `maxTransactionRows` (1000):
 * `flushIfDue(nowMs)` writes once `batchRows` (500) are waiting or the oldest waiting row
 * is `maxDelayMs` (50) old, so a quiet market still reaches the disk within ~50 ms. A FILL
 * record is both a trade and the position after it, written by the same statement run
 * inside the same transaction: after any crash every position equals the sum of its
 * trades.
 *
 * A failed write (disk full, read-only file, another process holding the lock) loses
 * nothing: the transaction rolls back, every unwritten row stays buffered (the buffer
 * grows as needed), `onError` is told (the engine engages the kill switch), and the write
 * is retried on a later `flushIfDue` after a back-off (100 ms doubling to 2 s) or on an
 * explicit `flush()`. Rows written before the failure (earlier transactions) are not
 * written again. A row a constraint refuses (a repeated trade id) cannot succeed on retry,
 * so it goes to `malformed_rows` with the reason, as does a row that cannot be decoded,
 * and `onMalformed` is told; the rows behind it are written normally.
 *
 * Parameter changes and kill-switch events are rare: written at once, each in its own
 * transaction, and queued for retry the same way when that fails.
 */

export interface PersistenceWriterOptions {
  /** Index → name tables for the SYMBOL and STRATEGY slots. */
  readonly symbols: readonly string[];
  readonly strategyIds: readonly string[];
  readonly onError?: (error: Error) => void;
  /** After each successful write, with the number of rows it stored. */
  readonly onRowsWritten?: (rows: number) => void;
  /** A row stored in malformed_rows instead of its table. */
  readonly onMalformed?: (problem: string) => void;
  /** Rows waiting that trigger a write; default 500. */
  readonly batchRows?: number;
  /** Age of the oldest waiting row that triggers a write, ms; default 50. */
  readonly maxDelayMs?: number;
  /** Largest transaction, rows; default 1000. */
  readonly maxTransactionRows?: number;
  /** First retry delay after a failure, ms (doubles up to 2 s); default 100. */
  readonly retryDelayMs?: number;
  /** The clock `flushIfDue` is called with (ms); default Date.now. */
  readonly now?: () => number;
  /**
   * Fault injection for tests: once this many rows are committed, every later write fails
   * as a full disk does (SQLITE_FULL), so "nothing lost" is tested without a full disk.
   */
  readonly failAfterRows?: number;
}

/** Rows that could not be written, taken out of the writer (for the journal). */
export interface UnwrittenRows {
  /** `count` records of PersistRecord.SLOTS slots each. */
  readonly records: Float64Array;
  readonly count: number;
  readonly control: readonly UnwrittenControlRow[];
}

export type UnwrittenControlRow =
  | { readonly kind: 'param'; readonly row: ParamChangeRow }
  | { readonly kind: 'kill'; readonly row: KillSwitchRow };

export interface WriterStats {
  rowsWritten: number;
  transactions: number;
  failures: number;
  malformed: number;
}

type ControlRow = UnwrittenControlRow;

const SLOTS = PersistRecord.SLOTS;
const MAX_RETRY_DELAY_MS = 2000;

export class PersistenceWriter {
  readonly stats: WriterStats = { rowsWritten: 0, transactions: 0, failures: 0, malformed: 0 };
  readonly db: Database.Database;
  private readonly statements: RowStatements;
  private buffer: Float64Array;
  private count = 0;
  private oldestMs = 0;
  private readonly control: ControlRow[] = [];
  private failing = false;
  private retryDelayMs: number;
  private retryAtMs = 0;
  private closed = false;
  private readonly batchRows: number;
  private readonly maxDelayMs: number;
  private readonly maxTransactionRows: number;
  private readonly baseRetryDelayMs: number;
  private readonly now: () => number;
  private readonly writeChunk: (from: number, to: number) => number;
  private readonly problems: string[] = [];

  constructor(
    target: string | Database.Database,
    private readonly options: PersistenceWriterOptions,
  ) {
    this.batchRows = positiveInteger('batchRows', options.batchRows ?? 500);
    this.maxDelayMs = nonNegative('maxDelayMs', options.maxDelayMs ?? 50);
    this.maxTransactionRows = positiveInteger(
      'maxTransactionRows',
      options.maxTransactionRows ?? 1000,
    );
    this.baseRetryDelayMs = nonNegative('retryDelayMs', options.retryDelayMs ?? 100);
    this.retryDelayMs = this.baseRetryDelayMs;
    this.now = options.now ?? Date.now;
    this.db = typeof target === 'string' ? openDatabase(target) : target;
    this.statements = new RowStatements(this.db, options.symbols, options.strategyIds);
    this.buffer = new Float64Array(Math.max(this.batchRows, this.maxTransactionRows) * 2 * SLOTS);
    const writeRows = this.db.transaction((from: number, to: number): void => {
      this.injectFault();
      for (let i = from; i < to; i++) {
        const problem = this.statements.writeRecord(this.buffer, i * SLOTS);
        if (problem !== null) this.problems.push(problem);
      }
    });
    // Problems are told only once their transaction committed: a rolled-back attempt is
    // retried, and would otherwise report the same row twice.
    this.writeChunk = (from: number, to: number): number => {
      this.problems.length = 0;
      writeRows(from, to);
      for (const problem of this.problems) this.options.onMalformed?.(problem);
      return this.problems.length;
    };
  }

  /** Buffers one record (copied: the caller's array is reused). FLUSH writes at once. */
  writeRecord(rec: Float64Array, off: number): void {
    if (this.closed) throw new Error('the persistence writer is closed; the row was not taken');
    if (persistKindOf(rec, off) === PersistKind.FLUSH) {
      this.flush();
      return;
    }
    if ((this.count + 1) * SLOTS > this.buffer.length) this.grow();
    this.buffer.set(rec.subarray(off, off + SLOTS), this.count * SLOTS);
    if (this.count === 0) this.oldestMs = this.now();
    this.count++;
  }

  /** Rows buffered and not yet committed (records and control rows). */
  pendingRows(): number {
    return this.count + this.control.length;
  }

  /** Writes if a batch is full or the oldest row is due (and no failure back-off is running). Returns rows written. */
  flushIfDue(nowMs: number): number {
    if (this.count === 0 && this.control.length === 0) return 0;
    if (this.failing && nowMs < this.retryAtMs) return 0;
    const due =
      this.failing ||
      this.control.length > 0 ||
      this.count >= this.batchRows ||
      nowMs - this.oldestMs >= this.maxDelayMs;
    return due ? this.flushAt(nowMs) : 0;
  }

  /** Writes everything buffered now. Returns rows written; on failure rows are kept and onError told. */
  flush(): number {
    return this.flushAt(this.now());
  }

  /** `nowMs` is when the write happens, for the retry back-off. */
  private flushAt(nowMs: number): number {
    let written = 0;
    try {
      written += this.flushControl();
      while (this.count > 0) {
        const rows = Math.min(this.count, this.maxTransactionRows);
        try {
          this.stats.malformed += this.writeChunk(0, rows);
          this.committed(rows);
          written += rows;
        } catch (error) {
          if (!isConstraintError(error)) throw error;
          // The batch rolled back because one row can never be stored; write the rows one
          // transaction each and quarantine that one, so it does not block the others.
          for (let i = 0; i < rows; i++) {
            this.writeAloneOrQuarantine();
            this.committed(1);
            written++;
          }
        }
      }
    } catch (error) {
      this.fail(error, nowMs);
      if (written > 0) this.options.onRowsWritten?.(written);
      return written;
    }
    if (this.failing) {
      this.failing = false;
      this.retryDelayMs = this.baseRetryDelayMs;
    }
    if (written > 0) this.options.onRowsWritten?.(written);
    return written;
  }

  writeParamChange(row: ParamChangeRow): void {
    this.control.push({
      kind: 'param',
      row: {
        tsUs: row.tsUs,
        key: row.key,
        oldValue: row.oldValue,
        newValue: row.newValue,
        source: row.source,
      },
    });
    this.flushControlNow();
  }

  writeKillSwitchEvent(row: KillSwitchRow): void {
    this.control.push({
      kind: 'kill',
      row: { tsUs: row.tsUs, state: row.state, reason: row.reason, source: row.source },
    });
    this.flushControlNow();
  }

  /**
   * Takes every row still buffered out of the writer (oldest first), so the caller can
   * keep them elsewhere (the journal beside the database) before `close()`.
   */
  takeUnwritten(): UnwrittenRows {
    const taken: UnwrittenRows = {
      records: this.buffer.slice(0, this.count * SLOTS),
      count: this.count,
      control: this.control.splice(0),
    };
    this.count = 0;
    return taken;
  }

  private injectFault(): void {
    const limit = this.options.failAfterRows;
    if (limit === undefined || this.stats.rowsWritten < limit) return;
    throw Object.assign(new Error('database or disk is full (injected fault)'), {
      code: 'SQLITE_FULL',
    });
  }

  /** Writes what it can and closes the database; returns the rows that could not be written. */
  close(): number {
    if (this.closed) return this.pendingRows();
    this.flush();
    const left = this.pendingRows();
    this.closed = true;
    if (this.db.open) this.db.close();
    return left;
  }

  private flushControlNow(): void {
    try {
      const written = this.flushControl();
      if (written > 0) this.options.onRowsWritten?.(written);
    } catch (error) {
      this.fail(error, this.now());
    }
  }

  private flushControl(): number {
    let written = 0;
    while (this.control.length > 0) {
      const item = this.control[0]!;
      const problem = this.db.transaction(() => {
        this.injectFault();
        return item.kind === 'param'
          ? this.statements.writeParamChange(item.row)
          : this.statements.writeKillSwitchEvent(item.row);
      })();
      this.control.shift();
      if (problem !== null) {
        this.stats.malformed++;
        this.options.onMalformed?.(problem);
      }
      written++;
      this.stats.rowsWritten++;
      this.stats.transactions++;
    }
    return written;
  }

  /** Writes the first buffered row in its own transaction, or quarantines it if a constraint refuses it. */
  private writeAloneOrQuarantine(): void {
    try {
      this.stats.malformed += this.writeChunk(0, 1);
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      const problem = `refused by the database: ${(error as Error).message}`;
      this.db.transaction(() => this.statements.quarantineRecord(this.buffer, 0, problem))();
      this.stats.malformed++;
      this.options.onMalformed?.(problem);
    }
  }

  /** The first `rows` buffered rows are committed: forget them. */
  private committed(rows: number): void {
    this.dropFront(rows);
    this.stats.rowsWritten += rows;
    this.stats.transactions++;
  }

  private fail(error: unknown, nowMs: number): void {
    const cause = error instanceof Error ? error : new Error(String(error));
    const code = (cause as { code?: unknown }).code;
    this.stats.failures++;
    this.failing = true;
    this.retryAtMs = nowMs + this.retryDelayMs;
    this.retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(1, this.retryDelayMs * 2));
    const wrapped = new Error(
      `SQLite write to ${this.db.name} failed${typeof code === 'string' ? ` (${code})` : ''}: ${cause.message}; ${this.pendingRows()} rows kept for retry`,
      { cause },
    );
    this.options.onError?.(wrapped);
  }

  private dropFront(rows: number): void {
    if (rows <= 0) return;
    this.buffer.copyWithin(0, rows * SLOTS, this.count * SLOTS);
    this.count -= rows;
    if (this.count > 0) this.oldestMs = this.now();
  }

  private grow(): void {
    const next = new Float64Array(this.buffer.length * 2);
    next.set(this.buffer.subarray(0, this.count * SLOTS));
    this.buffer = next;
  }
}

function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`persistence writer option ${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`persistence writer option ${name} must be a number ≥ 0, got ${value}`);
  return value;
}
