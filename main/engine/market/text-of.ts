/**
 * A frame or snapshot as text: a string as it is, bytes[start, end) decoded as UTF-8
 * (a Buffer over the same memory, no copy of the bytes before decoding). For the paths
 * that need text: the JSON.parse fallback, snapshots, and log excerpts.
 */
export function textOf(data: Uint8Array | string, start = 0, end = data.length): string {
  if (typeof data === 'string') return data;
  return Buffer.from(data.buffer, data.byteOffset + start, end - start).toString('utf8');
}
