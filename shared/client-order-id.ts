import type { ClientOrderId } from './domain.js';

/**
 * A client order id (`strategy_<uuid>`) travels through the rings as its uuid's four
 * uint32 words (OrderRecord/PersistRecord CLIENT_ID_0..3), because rings carry numbers
 * only. These two functions are the only place that maps between the forms.
 */
export function uuidToWords(uuid: string, into: Float64Array, offset: number): void {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  for (let i = 0; i < 4; i++) into[offset + i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
}

export function clientOrderIdFromWords(words: Float64Array, offset: number): ClientOrderId {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += (words[offset + i]! >>> 0).toString(16).padStart(8, '0');
  return `strategy_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as ClientOrderId;
}
