import { FIXED_SCALE } from '../../../../shared/domain.js';
import type { MarketUpdate } from '../../../../shared/records.js';
import type { FeatureBuffer } from '../../core/feature-buffer.js';

/**
 * Turns a book record (MarketUpdate) into the feature window's newest entry (DESIGN.md §5):
 *   mid        = (best_bid + best_ask) / 2, in quote units (the record's 1e-8 units / 1e8)
 *   spread_bps = (best_ask - best_bid) / mid * 1e4
 *   imbalance  = (B - A) / (B + A), B and A the summed quantities of the best
 *                `depthLevels` bid and ask levels (fewer when the book holds fewer)
 * Sums are taken over the integer 1e-8 quantities, so they are exact.
 *
 * Returns false, and pushes nothing, when a side is empty: such an update has no mid and
 * adds no row to the window (nor to the `features` output).
 */
export function pushBookSnapshot(
  buffer: FeatureBuffer,
  book: MarketUpdate,
  depthLevels: number,
): boolean {
  if (!(book.bidCount > 0) || !(book.askCount > 0)) return false;
  const bestBidUnits = book.bidPrice(0);
  const bestAskUnits = book.askPrice(0);
  const midUnits = (bestBidUnits + bestAskUnits) / 2;
  const spreadBps = ((bestAskUnits - bestBidUnits) / midUnits) * 1e4;
  const imbalance = topImbalance(book, depthLevels);
  buffer.push(
    book.tsUs,
    midUnits / FIXED_SCALE,
    bestBidUnits / FIXED_SCALE,
    bestAskUnits / FIXED_SCALE,
    imbalance,
    spreadBps,
  );
  return true;
}

/** (B - A) / (B + A) over the best `depthLevels` levels of each side; 0 for an empty book. */
export function topImbalance(book: MarketUpdate, depthLevels: number): number {
  const bidLevels = Math.min(depthLevels, book.bidCount);
  const askLevels = Math.min(depthLevels, book.askCount);
  let bid = 0;
  let ask = 0;
  for (let i = 0; i < bidLevels; i++) bid += book.bidQty(i);
  for (let i = 0; i < askLevels; i++) ask += book.askQty(i);
  const total = bid + ask;
  return total > 0 ? (bid - ask) / total : 0;
}
