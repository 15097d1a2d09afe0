/**
 * Latency histogram with log-linear buckets (HDR-style), stored in one Float64Array so it
 * can live on a SharedArrayBuffer: the thread that owns a stage records, the metrics
 * server and the UI read from another thread.
 *
 * Buckets: values below 64 ns get one bucket per nanosecond; from 64 ns up, each power of
 * two [2^e, 2^(e+1)) is split into 64 equal sub-buckets. A quantile is reported as the
 * middle of its bucket, so the relative error is at most 1/128 (≈0.8 %) from 64 ns up;
 * below 64 ns it is the whole nanosecond under the value (error < 1 ns). The top bucket
 * ends at 2^41 ns (≈37 minutes); anything larger is counted there and in `overflowCount`.
 *
 * The Prometheus bounds of docs/ARCHITECTURE.md §9 (1, 5, 10, 20, 50, 100 µs) are also counted
 * exactly on record, because they do not all fall on bucket edges and `le` buckets must
 * be exact.
 *
 * Concurrency: ONE writer thread per histogram (plain stores, no atomics: record is a few
 * nanoseconds). Readers see each slot as written (aligned float64 stores do not tear on
 * the platforms Node runs on) but may see the count a record ahead of the buckets; a
 * metrics scrape tolerates that.
 */

const SUB_BUCKET_BITS = 6;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 64
const MAX_EXPONENT = 40; // top range [2^40, 2^41) ns
const LOG_BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;
const BUCKETS = SUB_BUCKETS + LOG_BUCKETS;

/** Prometheus `le` bounds of strategy_tick_to_trade_duration_seconds, in seconds. */
export const PROMETHEUS_BOUNDS_SECONDS = [1e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4] as const;
const PROM_BOUNDS_NS = PROMETHEUS_BOUNDS_SECONDS.map((s) => Math.round(s * 1e9));

const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const OVERFLOW = 4;
const PROM_START = 8;
const BUCKET_START = PROM_START + PROM_BOUNDS_NS.length + 2; // +Inf bin and padding

/** Relative error bound of `quantile` for values ≥ 64 ns. */
export const HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

/** Values at or above this land in the top bucket and count as overflow. */
const OVERFLOW_NS = 2 ** (MAX_EXPONENT + 1);

/**
 * 2^-(e - SUB_BUCKET_BITS) per exponent e: multiplying by an exact power of two is exact,
 * so it equals the division, and a table lookup is ~5x faster than `2 **` on the hot path.
 */
const INVERSE_SUB_WIDTH = new Float64Array(MAX_EXPONENT + 1).map(
  (_, e) => 2 ** -(e - SUB_BUCKET_BITS),
);

/** Bucket index of a non-negative value in ns. */
function bucketOf(ns: number): number {
  if (ns < SUB_BUCKETS) return ns < 0 ? 0 : Math.floor(ns);
  const exponent = ns < 4294967296 ? 31 - Math.clz32(ns) : Math.floor(Math.log2(ns));
  if (exponent > MAX_EXPONENT) return BUCKETS - 1;
  const sub = Math.floor(ns * INVERSE_SUB_WIDTH[exponent]!) - SUB_BUCKETS;
  // log2 of a value just below a power of two can round up; keep sub in range.
  return (
    SUB_BUCKETS +
    (exponent - SUB_BUCKET_BITS) * SUB_BUCKETS +
    (sub < 0 ? 0 : sub > SUB_BUCKETS - 1 ? SUB_BUCKETS - 1 : sub)
  );
}

/** [low, high) in ns of bucket `index`. */
function bucketBounds(index: number): [number, number] {
  if (index < SUB_BUCKETS) return [index, index + 1];
  const block = Math.floor((index - SUB_BUCKETS) / SUB_BUCKETS);
  const sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
  const width = 2 ** block;
  const low = (SUB_BUCKETS + sub) * width;
  return [low, low + width];
}

export class LatencyHistogram {
  /** Float64 slots one histogram needs; allocate this many for `new LatencyHistogram(view)`. */
  static readonly SLOTS = BUCKET_START + BUCKETS;

  readonly storage: Float64Array;

  /** Over `storage` (e.g. a view on a SharedArrayBuffer) or over private memory. */
  constructor(storage?: Float64Array) {
    if (storage === undefined) {
      this.storage = new Float64Array(LatencyHistogram.SLOTS);
      this.reset();
    } else {
      if (storage.length < LatencyHistogram.SLOTS) {
        throw new RangeError(
          `LatencyHistogram needs ${LatencyHistogram.SLOTS} float64 slots, got ${storage.length}`,
        );
      }
      this.storage = storage;
      // A fresh zeroed view gets its min sentinel; a view already in use keeps its data.
      if (storage[COUNT] === 0 && storage[MIN] === 0) storage[MIN] = Infinity;
    }
  }

  /** Records one latency in nanoseconds. O(1), no allocation. Negative values count as 0. */
  record(ns: number): void {
    const s = this.storage;
    const value = ns > 0 ? ns : 0;
    s[BUCKET_START + bucketOf(value)]!++;
    s[COUNT]!++;
    s[SUM]! += value;
    if (value < s[MIN]!) s[MIN] = value;
    if (value > s[MAX]!) s[MAX] = value;
    if (value >= OVERFLOW_NS) s[OVERFLOW]!++;
    let bin = 0;
    while (bin < PROM_BOUNDS_NS.length && value > PROM_BOUNDS_NS[bin]!) bin++;
    s[PROM_START + bin]!++;
  }

  get count(): number {
    return this.storage[COUNT]!;
  }

  /** Sum of all recorded values, ns. */
  get sumNs(): number {
    return this.storage[SUM]!;
  }

  get sumSeconds(): number {
    return this.storage[SUM]! / 1e9;
  }

  /** Smallest and largest recorded values, ns (NaN when empty). */
  get minNs(): number {
    return this.count === 0 ? NaN : this.storage[MIN]!;
  }

  get maxNs(): number {
    return this.count === 0 ? NaN : this.storage[MAX]!;
  }

  get overflowCount(): number {
    return this.storage[OVERFLOW]!;
  }

  /**
   * The q-quantile in ns (nearest rank, reported as its bucket's middle and clamped to the
   * observed min/max). NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
    const s = this.storage;
    const count = s[COUNT]!;
    if (count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += s[BUCKET_START + i]!;
      if (seen >= rank) {
        const [low, high] = bucketBounds(i);
        const middle = i < SUB_BUCKETS ? low : (low + high) / 2;
        return Math.min(Math.max(middle, s[MIN]!), s[MAX]!);
      }
    }
    return s[MAX]!;
  }

  /**
   * How many recorded values are ≤ `seconds` (Prometheus `le` semantics). Exact for the
   * PROMETHEUS_BOUNDS_SECONDS; for other thresholds it counts whole buckets below the
   * threshold, so it may miss values in the one bucket the threshold cuts (≤0.8 % wide).
   */
  cumulativeBelow(seconds: number): number {
    const s = this.storage;
    const ns = seconds * 1e9;
    const bound = PROM_BOUNDS_NS.indexOf(Math.round(ns));
    if (bound >= 0 && Math.abs(PROM_BOUNDS_NS[bound]! - ns) < 1e-6) {
      let total = 0;
      for (let bin = 0; bin <= bound; bin++) total += s[PROM_START + bin]!;
      return total;
    }
    if (ns === Infinity) return s[COUNT]!;
    let total = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const [, high] = bucketBounds(i);
      // A bucket counts when all of it is ≤ ns; integer-ns buckets below 64 hold [k, k+1)
      // but values recorded there are usually whole ns, so count bucket k when k ≤ ns.
      if (i < SUB_BUCKETS ? i <= ns : high <= ns) total += s[BUCKET_START + i]!;
      else break;
    }
    return total;
  }

  /** Adds every sample of `other` into this one (for aggregating per-thread histograms). */
  mergeFrom(other: LatencyHistogram): void {
    const s = this.storage;
    const o = other.storage;
    if (o[COUNT] === 0) return;
    for (let i = 0; i < BUCKETS; i++) s[BUCKET_START + i]! += o[BUCKET_START + i]!;
    for (let bin = 0; bin <= PROM_BOUNDS_NS.length; bin++)
      s[PROM_START + bin]! += o[PROM_START + bin]!;
    s[COUNT]! += o[COUNT]!;
    s[SUM]! += o[SUM]!;
    s[OVERFLOW]! += o[OVERFLOW]!;
    if (o[MIN]! < s[MIN]!) s[MIN] = o[MIN]!;
    if (o[MAX]! > s[MAX]!) s[MAX] = o[MAX]!;
  }

  reset(): void {
    this.storage.fill(0, 0, LatencyHistogram.SLOTS);
    this.storage[MIN] = Infinity;
  }
}
