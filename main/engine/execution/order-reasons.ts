import { REJECT_REASONS } from '../../../shared/domain.js';

/**
 * Why an order was rejected or cancelled, as it travels in an OrderRow (`reason`, an
 * index here; -1 = no reason) and lands in `orders.reason` as text. The risk check's
 * REJECT_REASONS come first with their own indices; the broker's own reasons follow.
 */
export const ORDER_REASONS = [
  ...REJECT_REASONS,
  /** Malformed order record: unknown symbol/strategy/type/side, non-integer units. */
  'invalid_order',
  /** A market order (or flatten) found no (more) liquidity in the visible book. */
  'no_liquidity',
  /** The part of an IOC order that could not fill at once. */
  'ioc_remainder',
  /** Cancelled on request (strategy CANCEL / CANCEL_ALL, or the trader). */
  'cancel_requested',
  /** Cancelled because the trading state turned HALTED (the kill switch). */
  'kill_switch_cancel',
  /** Cancelled because the trading state turned REDUCING and the order would grow |position|. */
  'reducing_only_cancel',
  /** Cancelled by a flatten of its symbol, before the flattening market order. */
  'flatten',
] as const;
export type OrderReason = (typeof ORDER_REASONS)[number];

export const NO_REASON = -1;

const INDEX = new Map<string, number>(ORDER_REASONS.map((reason, i) => [reason, i]));

export function orderReasonIndex(reason: OrderReason): number {
  return INDEX.get(reason)!;
}

/** Text for an OrderRow `reason`; null for -1; throws on an index no reason has. */
export function orderReasonText(index: number): OrderReason | null {
  if (index === NO_REASON) return null;
  const reason = ORDER_REASONS[index];
  if (reason === undefined)
    throw new Error(
      `order reason index ${index} is not one of the ${ORDER_REASONS.length} known reasons`,
    );
  return reason;
}

/** The order reason of a risk refusal (a REJECT_REASONS index: they come first here). */
export function orderReasonOf(rejectIndex: number): OrderReason {
  const reason = ORDER_REASONS[rejectIndex];
  if (reason === undefined || rejectIndex >= REJECT_REASONS.length)
    throw new Error(`risk refusal index ${rejectIndex} is not one of REJECT_REASONS`);
  return reason;
}
