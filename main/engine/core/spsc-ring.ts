import { CACHE_LINE_BYTES, isPowerOfTwo } from './sab-layout.js';

/**
 * Single-producer single-consumer ring of fixed-size records (runs of float64 slots, see
 * shared/records.ts) on a SharedArrayBuffer: the engine's only path between threads.
 *
 * Layout of the buffer (self-describing, so the other thread attaches with the buffer
 * alone):
 *   bytes   0..63   header (Int32): MAGIC, VERSION, recordSlots, capacity
 *   bytes  64..127  head: records published so far (written by the producer only)
 *   bytes 128..191  tail: records released so far (written by the consumer only)
 *   bytes 192..255  fullCount: times the producer found the ring full
 *   bytes 256..     data: capacity × recordSlots float64 slots
 * head, tail and fullCount sit on separate cache lines so the two threads never write the
 * same line.
 *
 * Counters are Int32 and wrap around: they are compared only by difference
 * `(head - tail) | 0`, which is exact as long as capacity < 2^31, and the record index is
 * `counter & (capacity - 1)`, which stays right across the wrap because capacity is a
 * power of two dividing 2^32. So there is no overflow however long the engine runs.
 *
 * Ordering: record slots are written with plain stores, then head is published with
 * Atomics.store; the consumer reads head with Atomics.load before reading the slots.
 * JavaScript atomics are sequentially consistent, so everything written before the
 * store is visible after the load (release/acquire). The same holds for tail in the
 * other direction, so the producer never overwrites a record still being read.
 *
 * Each side keeps a private copy of its own counter and a cached copy of the other
 * side's, re-reading the shared one only when the cache says full/empty: the common case
 * touches no cache line the other thread writes. No method allocates.
 *
 * Use one SpscRing object per thread (the producer's and the consumer's are separate
 * `attach` calls); exactly one thread produces and one consumes.
 */

const MAGIC = 0x52494e47; // "RING"
const VERSION = 1;
const HEADER_WORDS = CACHE_LINE_BYTES / 4;
const HEAD = HEADER_WORDS; // Int32 index of head
const TAIL = 2 * HEADER_WORDS;
const FULL = 3 * HEADER_WORDS;
const DATA_BYTE_OFFSET = 4 * CACHE_LINE_BYTES;

export class SpscRing {
  readonly buffer: SharedArrayBuffer;
  /** The whole data region; record k starts at the offset claim/peek return. */
  readonly records: Float64Array;
  readonly recordSlots: number;
  readonly capacity: number;
  private readonly mask: number;
  private readonly words: Int32Array;
  /** Producer's own head and its cached view of tail. */
  private head: number;
  private cachedTail: number;
  /** Consumer's own tail and its cached view of head. */
  private tail: number;
  private cachedHead: number;

  private constructor(buffer: SharedArrayBuffer) {
    const words = new Int32Array(buffer, 0, DATA_BYTE_OFFSET / 4);
    if (words[0] !== MAGIC || words[1] !== VERSION) {
      throw new Error('SpscRing.attach: the buffer is not a ring created by SpscRing.create');
    }
    this.buffer = buffer;
    this.words = words;
    this.recordSlots = words[2]!;
    this.capacity = words[3]!;
    this.mask = this.capacity - 1;
    this.records = new Float64Array(buffer, DATA_BYTE_OFFSET, this.capacity * this.recordSlots);
    this.head = Atomics.load(words, HEAD);
    this.cachedTail = Atomics.load(words, TAIL);
    this.tail = this.cachedTail;
    this.cachedHead = this.head;
  }

  /** Bytes a ring of this shape takes, for sizing memory up front. */
  static byteLength(recordSlots: number, capacity: number): number {
    return DATA_BYTE_OFFSET + recordSlots * capacity * 8;
  }

  static create(recordSlots: number, capacity: number): SpscRing {
    if (!Number.isInteger(recordSlots) || recordSlots < 1 || recordSlots > 65536) {
      throw new RangeError(
        `SpscRing record size must be 1..65536 float64 slots, got ${recordSlots}`,
      );
    }
    if (!isPowerOfTwo(capacity) || capacity < 2) {
      throw new RangeError(
        `SpscRing capacity must be a power of two between 2 and 2^30, got ${capacity} (see roundUpToPowerOfTwo)`,
      );
    }
    const buffer = new SharedArrayBuffer(SpscRing.byteLength(recordSlots, capacity));
    const words = new Int32Array(buffer, 0, HEADER_WORDS);
    words[1] = VERSION;
    words[2] = recordSlots;
    words[3] = capacity;
    Atomics.store(words, 0, MAGIC);
    return new SpscRing(buffer);
  }

  static attach(buffer: SharedArrayBuffer): SpscRing {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < DATA_BYTE_OFFSET) {
      throw new Error('SpscRing.attach: expected the SharedArrayBuffer of a ring');
    }
    return new SpscRing(buffer);
  }

  // ---- producer ----------------------------------------------------------------------

  /**
   * Offset in `records` of the next free record, or -1 when the ring is full (counted in
   * fullCount). Write the record's slots, then `publish()`. Calling claim again before
   * publish returns the same record.
   */
  claim(): number {
    const head = this.head;
    if (((head - this.cachedTail) | 0) >= this.capacity) {
      this.cachedTail = Atomics.load(this.words, TAIL);
      if (((head - this.cachedTail) | 0) >= this.capacity) {
        Atomics.add(this.words, FULL, 1);
        return -1;
      }
    }
    return (head & this.mask) * this.recordSlots;
  }

  /** Makes the claimed record visible to the consumer. */
  publish(): void {
    this.head = (this.head + 1) | 0;
    Atomics.store(this.words, HEAD, this.head);
  }

  /**
   * How many records (at most `max`) the producer may write now; the k-th is at
   * `claimOffset(k)`. Returns 0 and counts a full event when the ring is full.
   */
  claimBatch(max: number): number {
    let free = this.capacity - ((this.head - this.cachedTail) | 0);
    if (free < max) {
      this.cachedTail = Atomics.load(this.words, TAIL);
      free = this.capacity - ((this.head - this.cachedTail) | 0);
      if (free === 0) {
        Atomics.add(this.words, FULL, 1);
        return 0;
      }
    }
    return free < max ? free : max;
  }

  /** Offset of the k-th record of the current batch (0 ≤ k < claimBatch's result). */
  claimOffset(k: number): number {
    return ((this.head + k) & this.mask) * this.recordSlots;
  }

  /** Publishes the first n records of the batch at once (one atomic store). */
  publishBatch(n: number): void {
    this.head = (this.head + n) | 0;
    Atomics.store(this.words, HEAD, this.head);
  }

  /** Free records right now, without counting a full event (for a producer deciding to wait). */
  freeCount(): number {
    this.cachedTail = Atomics.load(this.words, TAIL);
    return this.capacity - ((this.head - this.cachedTail) | 0);
  }

  /** Copies one record from `src` and publishes it; false (and a full event) when full. */
  tryPush(src: Float64Array, srcOffset = 0): boolean {
    const at = this.claim();
    if (at < 0) return false;
    const records = this.records;
    const slots = this.recordSlots;
    if (srcOffset === 0 && src.length === slots) {
      // The usual case, a preallocated record: one native copy, measured ~2x the loop.
      records.set(src, at);
    } else {
      for (let i = 0; i < slots; i++) records[at + i] = src[srcOffset + i]!;
    }
    this.publish();
    return true;
  }

  // ---- consumer ----------------------------------------------------------------------

  /** Offset of the oldest unreleased record, or -1 when the ring is empty. */
  peek(): number {
    const tail = this.tail;
    if (tail === this.cachedHead) {
      this.cachedHead = Atomics.load(this.words, HEAD);
      if (tail === this.cachedHead) return -1;
    }
    return (tail & this.mask) * this.recordSlots;
  }

  /** Gives the peeked record's space back to the producer. */
  release(): void {
    this.tail = (this.tail + 1) | 0;
    Atomics.store(this.words, TAIL, this.tail);
  }

  /** How many records (at most `max`) are ready; the k-th is at `peekOffset(k)`. */
  peekBatch(max: number): number {
    let ready = (this.cachedHead - this.tail) | 0;
    if (ready < max) {
      this.cachedHead = Atomics.load(this.words, HEAD);
      ready = (this.cachedHead - this.tail) | 0;
    }
    return ready < max ? ready : max;
  }

  peekOffset(k: number): number {
    return ((this.tail + k) & this.mask) * this.recordSlots;
  }

  /** Releases the first n records of the batch at once. */
  releaseBatch(n: number): void {
    this.tail = (this.tail + n) | 0;
    Atomics.store(this.words, TAIL, this.tail);
  }

  /** Whether a record is ready, without consuming it (re-reads the shared head if needed). */
  hasData(): boolean {
    return this.peek() >= 0;
  }

  /** Copies the oldest record into `dst` and releases it; false when empty. */
  tryPop(dst: Float64Array, dstOffset = 0): boolean {
    const at = this.peek();
    if (at < 0) return false;
    const records = this.records;
    const slots = this.recordSlots;
    for (let i = 0; i < slots; i++) dst[dstOffset + i] = records[at + i]!;
    this.release();
    return true;
  }

  // ---- either side, or a monitor thread ----------------------------------------------

  /** Records published and not yet released. */
  len(): number {
    // Tail first: tail never passes head, so a head read after it is ≥ it (never negative).
    // Head may have moved on meanwhile, so clamp to capacity.
    const tail = Atomics.load(this.words, TAIL);
    const head = Atomics.load(this.words, HEAD);
    const len = (head - tail) | 0;
    return len > this.capacity ? this.capacity : len;
  }

  /** len / capacity, 0..1: the channel utilization gauge of docs/ARCHITECTURE.md §9. */
  utilization(): number {
    return this.len() / this.capacity;
  }

  /** Times the producer found the ring full since creation. */
  fullCount(): number {
    return Atomics.load(this.words, FULL);
  }
}
