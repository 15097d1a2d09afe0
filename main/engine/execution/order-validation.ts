import { ORDER_TYPES, OrderTypeCode } from '../../../shared/domain.js';
import { orderReasonIndex } from './order-reasons.js';
import type { PaperOrder } from './paper-order.js';

const INVALID_ORDER = orderReasonIndex('invalid_order');
const ZERO_SIZE = orderReasonIndex('zero_size');

/** Why a NEW order cannot be matched: the reason as a code, and the sentence the log shows. */
export interface OrderProblem {
  /** ORDER_REASONS index. */
  readonly reason: number;
  readonly message: string;
}

/**
 * Checks a NEW order's side, type, quantity and price as they came off the ring. On a
 * problem the fields that cannot be shown are set to something displayable (so its
 * Rejected row can be written) and the problem is returned; null when the order is fine.
 * Allocates only for a bad order.
 */
export function invalidOrder(order: PaperOrder): OrderProblem | null {
  const problem = check(order);
  if (problem === null) return null;
  if (
    !Number.isInteger(order.type) ||
    order.type < OrderTypeCode.Market ||
    order.type > OrderTypeCode.FOK
  )
    order.type = OrderTypeCode.Market;
  if (order.side !== 1 && order.side !== -1) order.side = 1;
  if (!Number.isFinite(order.price)) order.price = 0 as PaperOrder['price'];
  if (!Number.isFinite(order.qty)) order.qty = 0 as PaperOrder['qty'];
  // A quantity of exactly 0 is the risk check's `zero_size`; anything else malformed is invalid.
  const reason = problem.zeroQuantity && order.qty === 0 ? ZERO_SIZE : INVALID_ORDER;
  return { reason, message: problem.message };
}

function check(order: PaperOrder): { message: string; zeroQuantity: boolean } | null {
  if (order.side !== 1 && order.side !== -1)
    return {
      message: `side must be +1 (buy) or -1 (sell), got ${order.side}`,
      zeroQuantity: false,
    };
  if (
    !Number.isInteger(order.type) ||
    order.type < OrderTypeCode.Market ||
    order.type > OrderTypeCode.FOK
  )
    return { message: `order type index must be 0..4, got ${order.type}`, zeroQuantity: false };
  if (!Number.isSafeInteger(order.qty) || order.qty <= 0)
    return {
      message: `quantity must be a positive integer count of 1e-8 units, got ${order.qty}`,
      zeroQuantity: true,
    };
  if (
    order.type !== OrderTypeCode.Market &&
    (!Number.isSafeInteger(order.price) || order.price <= 0)
  ) {
    return {
      message: `a ${ORDER_TYPES[order.type]} order needs a positive integer price in 1e-8 units, got ${order.price}`,
      zeroQuantity: false,
    };
  }
  return null;
}
