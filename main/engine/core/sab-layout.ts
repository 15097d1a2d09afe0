/**
 * Carves one SharedArrayBuffer into regions, each aligned to a cache line so that words
 * written by different threads never share a line (false sharing would make every write
 * by one thread stall the other's reads).
 */
export const CACHE_LINE_BYTES = 64;

export class SabLayout {
  private end = 0;

  /** Reserves `bytes` (rounded up to whole cache lines) and returns the region's byte offset. */
  reserve(bytes: number): number {
    const offset = this.end;
    this.end += Math.ceil(bytes / CACHE_LINE_BYTES) * CACHE_LINE_BYTES;
    return offset;
  }

  get totalBytes(): number {
    return this.end;
  }
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

/** Smallest power of two ≥ n (for ring capacities taken from configuration). */
export function roundUpToPowerOfTwo(n: number): number {
  if (!Number.isFinite(n) || n < 1) throw new RangeError(`cannot round ${n} up to a power of two`);
  if (n > 2 ** 30) throw new RangeError(`${n} is above the largest ring capacity 2^30`);
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
