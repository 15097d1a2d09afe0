/**
 * Where a resting paper order stands in its price level's queue, estimated from L2 data
 * the way hftbacktest's probabilistic queue models do (its ProbQueueModel with a power
 * function): the book shows only the total quantity at a price, so when that total falls
 * without trades to explain it, someone cancelled, and we must guess whether they stood
 * ahead of us or behind.
 *
 * - An order joins BEHIND the displayed quantity at its price: `ahead` = displayed qty.
 * - A trade at our price consumes `ahead` first; what is left of the trade fills us.
 * - The displayed quantity rising never moves us (newcomers queue behind).
 * - The displayed quantity falling by more than the trades seen at our price since the
 *   last book record is a cancellation of `d` units. With `behind` = previous displayed −
 *   ahead, the chance a cancelled unit stood ahead of us is
 *       P(ahead) = f(ahead) / (f(ahead) + f(behind)),   f(x) = x^n   (n = queue power),
 *   and `ahead` falls by its expected share d·P(ahead), plus whatever d·P(behind) exceeds
 *   `behind` (those units can only have come from ahead). n = 0 splits evenly; a larger n
 *   says cancellations come mostly from the longer side; n = 2 is the default.
 * - `ahead` never exceeds the displayed quantity, nor goes below 0.
 *
 * The expected-value update is deterministic; the only random draw in queue handling is
 * the seed's fallback in the broker (see paper-broker.ts).
 */
export interface QueueSlot {
  /** Displayed quantity ahead of us (1e-8 units; fractional after cancellations). */
  ahead: number;
  /** Displayed quantity at our price at the last book record; NaN while unknown. */
  levelQty: number;
  /** Trade quantity at our price since the last book record. */
  tradedSinceBook: number;
}

export const DEFAULT_QUEUE_POWER = 2;

/** P(a cancelled unit stood ahead of us) = f(ahead) / (f(ahead) + f(behind)), f(x) = x^n. */
export function probCancelAhead(ahead: number, behind: number, power: number): number {
  const fa = Math.pow(ahead, power);
  const fb = Math.pow(behind, power);
  const sum = fa + fb;
  if (!(sum > 0)) return ahead > 0 ? 1 : 0;
  if (!Number.isFinite(sum)) return ahead >= behind ? 1 : 0;
  return fa / sum;
}

/** Joins the queue at a level showing `displayed` (NaN when the level is not visible). */
export function joinQueue(slot: QueueSlot, displayed: number): void {
  slot.ahead = Number.isNaN(displayed) ? Infinity : displayed;
  slot.levelQty = displayed;
  slot.tradedSinceBook = 0;
}

/** A trade of `qty` at our price: returns how much of it reaches us (before capping at our size). */
export function tradeAtLevel(slot: QueueSlot, qty: number): number {
  slot.tradedSinceBook += qty;
  if (qty <= slot.ahead) {
    slot.ahead -= qty;
    return 0;
  }
  const through = qty - slot.ahead;
  slot.ahead = 0;
  return through;
}

/** A book record showing `newQty` at our price (the level is visible). */
export function depthAtLevel(slot: QueueSlot, newQty: number, power: number): void {
  const prevQty = slot.levelQty;
  const traded = slot.tradedSinceBook;
  slot.levelQty = newQty;
  slot.tradedSinceBook = 0;
  if (Number.isNaN(prevQty)) {
    // First sight of our level (it was beyond the 20 levels sent): we are at its back.
    slot.ahead = Math.min(slot.ahead, newQty);
    return;
  }
  const cancelled = prevQty - newQty - traded;
  if (cancelled > 0) {
    const ahead = slot.ahead;
    const behind = Math.max(0, prevQty - ahead);
    const fromBehind = Math.min(cancelled * (1 - probCancelAhead(ahead, behind, power)), behind);
    slot.ahead = ahead - (cancelled - fromBehind);
  }
  slot.ahead = Math.max(0, Math.min(slot.ahead, newQty));
}

/**
 * The seed's `queue_position`: progress through the queue, 1 at the front (nothing
 * displayed ahead), 0 behind all the displayed quantity.
 */
export function queuePosition(slot: QueueSlot): number {
  if (!(slot.ahead > 0)) return 1;
  if (!(slot.levelQty > 0) || !Number.isFinite(slot.ahead)) return 0;
  return Math.max(0, 1 - slot.ahead / slot.levelQty);
}

/**
 * Where a resting order stands in its level's queue, as hftbacktest's `QueueModel` trait:
 * the matching engine tells it what the market did at the order's price and asks how
 * much reached the order. Implementations keep their state on the order (QueueSlot), so
 * one model serves every order of a symbol without allocating.
 */
export interface QueueModel {
  /** The order joins its level, which shows `displayed` (NaN when not visible). */
  join(slot: QueueSlot, displayed: number): void;
  /** A trade of `qty` printed at the order's price: returns how much of it reaches the order. */
  onTrade(slot: QueueSlot, qty: number): number;
  /** A book record shows `displayed` at the order's (visible) price. */
  onDepth(slot: QueueSlot, displayed: number): void;
  /**
   * The seed's fallback where L2 data cannot decide (no trade at or through the price
   * since the last book record, the order at the touch): whether the rest fills now.
   */
  undecidedFill(slot: QueueSlot): boolean;
}

/**
 * The probabilistic queue model above (power function f(x) = x^n), with the seed's
 * fallback: fills with probability queuePosition × fillProbability, one draw of the
 * seeded generator per decision, so a replay decides identically.
 */
export class ProbQueueModel implements QueueModel {
  constructor(
    private readonly power: number,
    private readonly fillProbability: number,
    private readonly random: { next(): number },
  ) {
    if (!Number.isFinite(power) || power < 0)
      throw new Error(`queue power must be a finite number ≥ 0, got ${power}`);
  }

  join(slot: QueueSlot, displayed: number): void {
    joinQueue(slot, displayed);
  }

  onTrade(slot: QueueSlot, qty: number): number {
    return tradeAtLevel(slot, qty);
  }

  onDepth(slot: QueueSlot, displayed: number): void {
    depthAtLevel(slot, displayed, this.power);
  }

  undecidedFill(slot: QueueSlot): boolean {
    if (!(this.fillProbability > 0)) return false;
    return this.random.next() < queuePosition(slot) * this.fillProbability;
  }
}
