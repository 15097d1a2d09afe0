/**
 * Records for the ring stress test: every slot derives from the sequence number, so the
 * consumer can recompute the exact record it must receive and compare it bit for bit.
 * The payload slots carry fractional and negative doubles so a lost bit anywhere shows.
 */
export const STRESS_RECORD_SLOTS = 4;

function hash32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export function writeStressRecord(records: Float64Array, at: number, seq: number): void {
  const h = hash32(seq);
  records[at] = seq;
  records[at + 1] = seq + h / 4294967296;
  records[at + 2] = -hash32(seq ^ 0x5bd1e995) * 1e-3;
  records[at + 3] = hash32(seq ^ h);
}

/** Null when the record at `at` is exactly record `seq`, else what differs. */
export function checkStressRecord(records: Float64Array, at: number, seq: number): string | null {
  const h = hash32(seq);
  if (!Object.is(records[at], seq)) return `slot 0 is ${records[at]}, expected sequence ${seq}`;
  if (!Object.is(records[at + 1], seq + h / 4294967296)) return `slot 1 of record ${seq} differs`;
  if (!Object.is(records[at + 2], -hash32(seq ^ 0x5bd1e995) * 1e-3))
    return `slot 2 of record ${seq} differs`;
  if (!Object.is(records[at + 3], hash32(seq ^ h))) return `checksum of record ${seq} differs`;
  return null;
}
