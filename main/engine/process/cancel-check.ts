import type { OrderView } from '../../../shared/api.js';
import type { OrderId } from '../../../shared/domain.js';

/** Rows of the execution thread's order list (open orders first). */
export const ORDER_LIST_ROWS = 100;

/**
 * Why a `cancelOrder` must be refused, judged on the engine main thread from the
 * execution thread's latest order list, or null to send it on.
 *
 * That list holds every open order first (newest first), then the most recent finished
 * ones, `listLimit` rows in all. So an id that is not in it is not open — unless the list
 * is full of open orders and may have cut some off, or no list has arrived yet (a
 * restored order), in which case the broker decides. An order that fills between the
 * last list (≤ 1/ui_hz old) and the cancel is still answered by the broker, which
 * counts an `unknown_order` rejection: the window saw it open, so sending it is right.
 */
export function cancelRefusal(
  orders: readonly OrderView[] | null,
  orderId: OrderId,
  listLimit: number,
): string | null {
  if (orders === null) return null;
  const listed = orders.find((order) => order.orderId === orderId);
  if (listed !== undefined) {
    return OPEN_STATUSES.has(listed.status)
      ? null
      : `order ${orderId} is already ${listed.status}; nothing to cancel`;
  }
  const open = orders.filter((order) => OPEN_STATUSES.has(order.status)).length;
  if (open >= listLimit) return null;
  return `no open order ${orderId}; nothing was cancelled`;
}

const OPEN_STATUSES: ReadonlySet<string> = new Set(['Pending', 'Open', 'PartiallyFilled']);
