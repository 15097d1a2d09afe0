import { FIXED_DECIMALS, FIXED_SCALE } from '../../shared/domain.js';

/**
 * Binance's wire spelling of prices and quantities: always 8 decimals ("61737.63000000",
 * "0.00123000"), from exact 1e-8 integer units. shared/domain.ts formatFixed drops the
 * trailing zeros, which Binance never does, so the simulator pads here.
 */
export function decimal8(units: number): string {
  const whole = Math.floor(units / FIXED_SCALE);
  const frac = units - whole * FIXED_SCALE;
  return `${whole}.${String(frac).padStart(FIXED_DECIMALS, '0')}`;
}

/** `depthUpdate` (diff depth stream payload); `bids` and `asks` are already JSON arrays. */
export function depthUpdateJson(
  symbol: string,
  eventMs: number,
  firstId: number,
  lastId: number,
  bids: string,
  asks: string,
): string {
  return `{"e":"depthUpdate","E":${eventMs},"s":"${symbol}","U":${firstId},"u":${lastId},"b":${bids},"a":${asks}}`;
}

/** `trade`: one fill between a taker and one maker order. */
export function tradeJson(
  symbol: string,
  eventMs: number,
  tradeId: number,
  price: number,
  qty: number,
  tradeMs: number,
  buyerIsMaker: boolean,
): string {
  return `{"e":"trade","E":${eventMs},"s":"${symbol}","t":${tradeId},"p":"${decimal8(price)}","q":"${decimal8(qty)}","T":${tradeMs},"m":${buyerIsMaker},"M":true}`;
}

/** `aggTrade`: the fills of one taker order at one price. */
export function aggTradeJson(
  symbol: string,
  eventMs: number,
  aggId: number,
  price: number,
  qty: number,
  firstTradeId: number,
  lastTradeId: number,
  tradeMs: number,
  buyerIsMaker: boolean,
): string {
  return `{"e":"aggTrade","E":${eventMs},"s":"${symbol}","a":${aggId},"p":"${decimal8(price)}","q":"${decimal8(qty)}","f":${firstTradeId},"l":${lastTradeId},"T":${tradeMs},"m":${buyerIsMaker},"M":true}`;
}

/** `bookTicker`: best bid and ask after the book change with update id `updateId`. */
export function bookTickerJson(
  symbol: string,
  updateId: number,
  bidPrice: number,
  bidQty: number,
  askPrice: number,
  askQty: number,
): string {
  return `{"u":${updateId},"s":"${symbol}","b":"${decimal8(bidPrice)}","B":"${decimal8(bidQty)}","a":"${decimal8(askPrice)}","A":"${decimal8(askQty)}"}`;
}

/** REST `GET /api/v3/depth` body. */
export function depthSnapshotJson(lastUpdateId: number, bids: string, asks: string): string {
  return `{"lastUpdateId":${lastUpdateId},"bids":${bids},"asks":${asks}}`;
}

/** Binance's REST error body. */
export function restErrorJson(code: number, msg: string): string {
  return JSON.stringify({ code, msg });
}
