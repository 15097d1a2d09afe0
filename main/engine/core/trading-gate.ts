import {
  REJECT_REASONS,
  TradingStateCode,
  type Qty,
  type SideCode,
} from '../../../shared/domain.js';

/** The gate lets the order through. */
export const GATE_OPEN = -1;
const KILL_SWITCH = REJECT_REASONS.indexOf('kill_switch');
const REDUCING_ONLY = REJECT_REASONS.indexOf('reducing_only');

/**
 * Whether an order shrinks |position| even if it and every other open order on its side
 * (`committed`: their remaining size) fill: it must be against the position and all of
 * that together no larger than it, so the position can never flip or grow.
 *
 * `position` is the symbol's NET position over every book (the strategy's and the
 * trader's 'manual' one: the Positions total a trader sees) and `committed` counts the
 * open orders of every book: both callers (the risk check and the paper broker) pass
 * exactly that, so a manual order that shrinks the net position passes both and one
 * that grows it passes neither (docs/ARCHITECTURE.md §1, "Reduce only").
 */
export function reducesPosition(side: SideCode, qty: Qty, position: Qty, committed: Qty): boolean {
  if (position === 0 || position > 0 === side > 0) return false;
  return qty + committed <= Math.abs(position);
}

/** Whether the gate needs the position and open orders to decide (only REDUCING does). */
export const gateNeedsPosition = (state: TradingStateCode): boolean =>
  state === TradingStateCode.REDUCING;

/**
 * The trading-state word's rule for a new order (DESIGN.md §1), the ONE place it is
 * decided: the risk check and the paper broker both ask here, so risk can never pass an
 * order the broker then refuses for its trading state.
 *   ACTIVE    everything passes
 *   REDUCING  only an order that reduces the position (reducesPosition)
 *   HALTED    nothing (cancels and flatten do not come through here)
 * Returns GATE_OPEN or the refusal's REJECT_REASONS index.
 */
export function tradingGate(
  state: TradingStateCode,
  side: SideCode,
  qty: Qty,
  position: Qty,
  committed: Qty,
): number {
  if (state === TradingStateCode.HALTED) return KILL_SWITCH;
  if (state === TradingStateCode.REDUCING && !reducesPosition(side, qty, position, committed))
    return REDUCING_ONLY;
  return GATE_OPEN;
}
