import { ORDER_STATUSES, OrderStatusCode } from '../../../shared/domain.js';

const { PENDING, OPEN, PARTIALLY_FILLED, FILLED, CANCELLED, REJECTED } = OrderStatusCode;

/**
 * The order state machine: which status may follow which.
 *   Pending          → Open, PartiallyFilled (rests after taking part), Filled, Cancelled
 *                      (market / IOC remainder, a cancel in flight), Rejected
 *   Open             → PartiallyFilled, Filled, Cancelled
 *   PartiallyFilled  → PartiallyFilled (another partial fill), Filled, Cancelled
 *   Filled, Cancelled, Rejected: terminal.
 * An order is never rejected once it has been accepted at the exchange (Open).
 */
const LEGAL: readonly (readonly OrderStatusCode[])[] = [
  /* PENDING */ [OPEN, PARTIALLY_FILLED, FILLED, CANCELLED, REJECTED],
  /* OPEN */ [PARTIALLY_FILLED, FILLED, CANCELLED],
  /* PARTIALLY_FILLED */ [PARTIALLY_FILLED, FILLED, CANCELLED],
  /* FILLED */ [],
  /* CANCELLED */ [],
  /* REJECTED */ [],
];

export const isTerminalStatus = (status: OrderStatusCode): boolean => status >= FILLED;

export function isLegalTransition(from: OrderStatusCode, to: OrderStatusCode): boolean {
  return LEGAL[from]?.includes(to) ?? false;
}

/**
 * Moves an order to `to`, or throws: an illegal transition is a bug in the broker (an
 * order filled after it was cancelled, a terminal order revived), never a market event.
 */
export function transition(
  order: { status: OrderStatusCode; readonly orderId: number },
  to: OrderStatusCode,
): void {
  if (!isLegalTransition(order.status, to)) {
    throw new Error(
      `order ${order.orderId}: illegal status change ${ORDER_STATUSES[order.status]} → ${ORDER_STATUSES[to]}`,
    );
  }
  order.status = to;
}

export { CANCELLED, FILLED, OPEN, PARTIALLY_FILLED, PENDING, REJECTED };
