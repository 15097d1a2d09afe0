import type { BookView, LevelView, OrderView } from '../../../shared/api.js';
import { formatUnits, parseSignedFixed, type SymbolDecimals } from '../format/decimals.js';

/**
 * The order-book ladder as text, ready to be written into fixed rows. One Ladder is
 * allocated per panel and refilled in place every frame: the book changes up to 100
 * times a second and the window must not churn the garbage collector for it.
 */
export const LADDER_LEVELS = 20;

export interface LadderRow {
  priceText: string;
  /** The level's price as the exchange wrote it: what a click on the price orders at. */
  priceRaw: string;
  sizeText: string;
  cumulativeText: string;
  /** Cumulative size as a fraction of the deepest side's total over the shown levels. */
  depth: number;
  /** The trader's own resting quantity at this price ("" when none). */
  ownText: string;
  ownCount: number;
  /** Ids of the trader's resting orders at this price (a click on "Mine" cancels them). */
  ownIds: readonly number[];
}

export interface Ladder {
  /** Best first. */
  readonly bids: LadderRow[];
  readonly asks: LadderRow[];
  spreadText: string;
  midText: string;
  synced: boolean;
}

const NO_IDS: readonly number[] = [];

const emptyRow = (): LadderRow => ({
  priceText: '',
  priceRaw: '',
  sizeText: '',
  cumulativeText: '',
  depth: 0,
  ownText: '',
  ownCount: 0,
  ownIds: NO_IDS,
});

export function createLadder(levels = LADDER_LEVELS): Ladder {
  return {
    bids: Array.from({ length: levels }, emptyRow),
    asks: Array.from({ length: levels }, emptyRow),
    spreadText: '',
    midText: '',
    synced: false,
  };
}

const RESTING = new Set(['Pending', 'Open', 'PartiallyFilled']);

/** Own resting quantity (1e-8 units) and order ids by price (1e-8 units), per side. Small: a few orders. */
export interface OwnLevel {
  qty: number;
  count: number;
  readonly ids: number[];
}
export interface OwnOrders {
  readonly Buy: Map<number, OwnLevel>;
  readonly Sell: Map<number, OwnLevel>;
}

export function ownRestingOrders(orders: readonly OrderView[], symbol: string): OwnOrders {
  const own: OwnOrders = { Buy: new Map(), Sell: new Map() };
  for (const order of orders) {
    if (order.symbol !== symbol || !RESTING.has(order.status) || order.type === 'Market') continue;
    const price = parseSignedFixed(order.price);
    const remaining = parseSignedFixed(order.qty) - (parseSignedFixed(order.filledQty) || 0);
    if (!Number.isFinite(price) || !(remaining > 0)) continue;
    const side = own[order.side];
    const entry = side.get(price);
    if (entry) {
      entry.qty += remaining;
      entry.count++;
      entry.ids.push(order.orderId);
    } else side.set(price, { qty: remaining, count: 1, ids: [order.orderId] });
  }
  return own;
}

function fillSide(
  rows: LadderRow[],
  levels: readonly LevelView[],
  own: Map<number, OwnLevel>,
  decimals: SymbolDecimals,
): number {
  let cumulative = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const level = levels[i];
    if (level === undefined) {
      row.priceText = row.priceRaw = row.sizeText = row.cumulativeText = row.ownText = '';
      row.depth = 0;
      row.ownCount = 0;
      row.ownIds = NO_IDS;
      continue;
    }
    const price = parseSignedFixed(level[0]);
    const size = parseSignedFixed(level[1]);
    cumulative += Number.isNaN(size) ? 0 : size;
    row.priceText = Number.isNaN(price) ? level[0] : formatUnits(price, decimals.price);
    row.priceRaw = level[0];
    row.sizeText = Number.isNaN(size) ? level[1] : formatUnits(size, decimals.qty);
    row.cumulativeText = formatUnits(cumulative, decimals.qty);
    // Depth is filled in by the caller once both sides' totals are known.
    row.depth = cumulative;
    const mine = own.get(price);
    row.ownText = mine ? formatUnits(mine.qty, decimals.qty) : '';
    row.ownCount = mine ? mine.count : 0;
    row.ownIds = mine ? mine.ids : NO_IDS;
  }
  return cumulative;
}

export function fillLadder(
  ladder: Ladder,
  book: BookView | undefined,
  own: OwnOrders,
  decimals: SymbolDecimals,
): Ladder {
  const bids = book?.bids ?? [];
  const asks = book?.asks ?? [];
  const bidTotal = fillSide(ladder.bids, bids, own.Buy, decimals);
  const askTotal = fillSide(ladder.asks, asks, own.Sell, decimals);
  const deepest = Math.max(bidTotal, askTotal);
  for (const row of ladder.bids) row.depth = deepest > 0 ? row.depth / deepest : 0;
  for (const row of ladder.asks) row.depth = deepest > 0 ? row.depth / deepest : 0;

  const bestBid = bids.length ? parseSignedFixed(bids[0][0]) : NaN;
  const bestAsk = asks.length ? parseSignedFixed(asks[0][0]) : NaN;
  if (Number.isFinite(bestBid) && Number.isFinite(bestAsk)) {
    const spread = bestAsk - bestBid;
    // The mid of two ticks can fall on a half tick: one more decimal shows it exactly.
    const mid = (bestAsk + bestBid) / 2;
    const bps = book?.spreadBps ?? (mid > 0 ? (spread / mid) * 1e4 : NaN);
    // A one-tick spread on BTC is under 0.01 bps: show enough digits to see it at all.
    const bpsText = Number.isFinite(bps) ? bps.toFixed(Math.abs(bps) < 1 ? 4 : 2) : '—';
    ladder.spreadText = `${formatUnits(spread, decimals.price)} (${bpsText} bps)`;
    ladder.midText = formatUnits(Math.round(mid), Math.min(8, decimals.price + 1));
  } else {
    ladder.spreadText = '—';
    ladder.midText = '—';
  }
  ladder.synced = book?.synced ?? false;
  return ladder;
}
