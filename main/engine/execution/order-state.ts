import { ORDER_STATUSES, OrderStatusCode } from '../../../shared/domain.js';

const {
  Pending: PENDING,
  Open: OPEN,
  PartiallyFilled: PARTIALLY_FILLED,
  Filled: FILLED,
  Cancelled: CANCELLED,
  Rejected: REJECTED,
} = OrderStatusCode;

/**
 * The order state machine: which status may follow which.
 *   Pending          → Open, PartiallyFilled (rests after taking part), Filled, Cancelled
 *                      (market / IOC remainder, a cancel in flight), Rejected
 *   Open             → PartiallyFilled, Filled, Cancelled
 *   PartiallyFilled  → PartiallyFilled (another partial fill), Filled, Cancelled
 *   Filled, Cancelled, Rejected: terminal.
 * An order is never rejected once it has been accepted at the exchange (Open).
 */
const to = (...statuses: OrderStatusCode[]): number =>
  statuses.reduce<number>((mask, status) => mask | (1 << status), 0);
/** Per status, a bit mask of the statuses it may move to (checked on every change: no allocation). */
const LEGAL = Int32Array.of(
  /* PENDING */ to(OPEN, PARTIALLY_FILLED, FILLED, CANCELLED, REJECTED),
  /* OPEN */ to(PARTIALLY_FILLED, FILLED, CANCELLED),
  /* PARTIALLY_FILLED */ to(PARTIALLY_FILLED, FILLED, CANCELLED),
  /* FILLED */ 0,
  /* CANCELLED */ 0,
  /* REJECTED */ 0,
);

export const isTerminalStatus = (status: OrderStatusCode): boolean => status >= FILLED;

export function isLegalTransition(from: OrderStatusCode, next: OrderStatusCode): boolean {
  return ((LEGAL[from] ?? 0) & (1 << next)) !== 0;
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
