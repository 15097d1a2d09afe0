import { indexMap } from '../../../shared/index-map.js';

/**
 * The strategy thread's history of book snapshots (docs/ARCHITECTURE.md §5: "the window holds the
 * snapshots whose receive time lies within feature_window_ms of the newest").
 *
 * A fixed-capacity ring stored as struct-of-arrays: one Float64Array per column, so a
 * feature that scans one column (mids for volatility, imbalances for the weighted
 * imbalance) walks contiguous memory. push, get and window never allocate.
 *
 * Single-threaded by design: only the strategy thread owns it, and it is filled in
 * record order, so a replay of the same recording yields the same windows bit for bit.
 * No locks or atomics because nothing else ever touches it.
 */

/** The fixed columns, in storage order. */
const FEATURE_COLUMNS = [
  'TS_US',
  'MID',
  'BEST_BID',
  'BEST_ASK',
  'IMBALANCE',
  'SPREAD_BPS',
] as const;

/** Column indexes for `get(column, i)` and `column(c)`. */
export const FeatureColumn = indexMap(FEATURE_COLUMNS);

export const FEATURE_COLUMN_COUNT = FEATURE_COLUMNS.length;

const DEFAULT_FEATURE_BUFFER_CAPACITY = 1000;

export class FeatureBuffer {
  readonly capacity: number;
  /** Number of columns; columns past SPREAD_BPS are extra, filled with `setExtra`. */
  readonly columnCount: number;
  private readonly columns: Float64Array[];
  /** Physical index the next push writes to. */
  private next = 0;
  private count = 0;

  constructor(
    capacity: number = DEFAULT_FEATURE_BUFFER_CAPACITY,
    columnCount: number = FEATURE_COLUMN_COUNT,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`FeatureBuffer capacity must be a positive integer, got ${capacity}`);
    }
    if (!Number.isInteger(columnCount) || columnCount < FEATURE_COLUMN_COUNT) {
      throw new RangeError(
        `FeatureBuffer needs at least ${FEATURE_COLUMN_COUNT} columns (the FeatureColumn set), got ${columnCount}`,
      );
    }
    this.capacity = capacity;
    this.columnCount = columnCount;
    this.columns = [];
    for (let c = 0; c < columnCount; c++) this.columns.push(new Float64Array(capacity));
  }

  get size(): number {
    return this.count;
  }

  /**
   * Appends the newest snapshot, overwriting the oldest when full. Entries must arrive in
   * non-decreasing ts order (record order guarantees it); `window` relies on that.
   * Extra columns of the new entry are reset to 0 so a stale value never leaks in.
   */
  push(
    tsUs: number,
    mid: number,
    bestBid: number,
    bestAsk: number,
    imbalance: number,
    spreadBps: number,
  ): void {
    const at = this.next;
    const columns = this.columns;
    columns[FeatureColumn.TS_US]![at] = tsUs;
    columns[FeatureColumn.MID]![at] = mid;
    columns[FeatureColumn.BEST_BID]![at] = bestBid;
    columns[FeatureColumn.BEST_ASK]![at] = bestAsk;
    columns[FeatureColumn.IMBALANCE]![at] = imbalance;
    columns[FeatureColumn.SPREAD_BPS]![at] = spreadBps;
    for (let c = FEATURE_COLUMN_COUNT; c < this.columnCount; c++) columns[c]![at] = 0;
    this.next = at + 1 === this.capacity ? 0 : at + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** Sets an extra column (index ≥ FEATURE_COLUMN_COUNT) of the newest entry. */
  setExtra(column: number, value: number): void {
    if (this.count === 0) throw new RangeError('FeatureBuffer.setExtra: the buffer is empty');
    this.checkColumn(column);
    this.columns[column]![this.physicalIndex(0)] = value;
  }

  /**
   * Number of newest entries whose ts_us >= sinceTsUs (entries are pushed in ts order).
   * Binary search over the logical order, O(log n).
   */
  window(sinceTsUs: number): number {
    const ts = this.columns[FeatureColumn.TS_US]!;
    // ts never increases with age, so the ages that qualify form a prefix [0, n): search n.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const age = (lo + hi) >>> 1;
      if (ts[this.physicalIndex(age)]! >= sinceTsUs) lo = age + 1;
      else hi = age;
    }
    return lo;
  }

  /** Column value of the i-th newest entry (i = 0 is the newest). */
  get(column: number, i: number): number {
    if (!(i >= 0 && i < this.count) || !Number.isInteger(i)) {
      throw new RangeError(`FeatureBuffer.get: entry ${i} is outside 0..${this.count - 1}`);
    }
    const values = this.columns[column];
    if (values === undefined) this.checkColumn(column);
    return values![this.physicalIndex(i)]!;
  }

  /**
   * The raw storage of one column, for loops that want to avoid the per-call bounds check:
   * the i-th newest entry is at `physicalIndex(i)`.
   */
  column(column: number): Float64Array {
    this.checkColumn(column);
    return this.columns[column]!;
  }

  /** Storage index of the i-th newest entry (0 ≤ i < size). */
  physicalIndex(i: number): number {
    const at = this.next - 1 - i;
    return at >= 0 ? at : at + this.capacity;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }

  private checkColumn(column: number): void {
    if (!Number.isInteger(column) || column < 0 || column >= this.columnCount) {
      throw new RangeError(`FeatureBuffer: column ${column} is outside 0..${this.columnCount - 1}`);
    }
  }
}
