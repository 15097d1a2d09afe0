import {
  OrderStatusCode,
  OrderTypeCode,
  type OrderId,
  type Price,
  type Qty,
  type SideCode,
  type SymbolIndex,
  type TimestampUs,
} from '../../../shared/domain.js';
import type { OrderCommand } from '../../../shared/records.js';
import type { RestoredOrder } from './broker-types.js';
import type { PaperOrder } from './paper-order.js';

/** Fills a pooled PaperOrder from the three places orders come from. No allocation. */

/** A NEW command off the order ring, received at `nowUs`, reaching the exchange at `arrivalUs`. */
export function orderFromCommand(
  order: PaperOrder,
  command: OrderCommand,
  nowUs: TimestampUs,
  arrivalUs: number,
): PaperOrder {
  order.orderId = command.orderId;
  order.symbol = command.symbol;
  order.strategy = command.strategy;
  order.side = command.side;
  order.type = command.type;
  order.price = command.price;
  order.qty = command.qty;
  order.createdUs = nowUs;
  order.updatedUs = nowUs;
  order.arrivalUs = arrivalUs;
  order.clientId0 = command.clientIdWord(0);
  order.clientId1 = command.clientIdWord(1);
  order.clientId2 = command.clientIdWord(2);
  order.clientId3 = command.clientIdWord(3);
  return order;
}

/** The broker's own market order closing `held` (signed), with its client id's words. */
export function flatteningOrder(
  order: PaperOrder,
  orderId: OrderId,
  strategy: number,
  symbol: SymbolIndex,
  held: number,
  nowUs: TimestampUs,
  clientIdWords: Float64Array,
): PaperOrder {
  order.orderId = orderId;
  order.strategy = strategy;
  order.symbol = symbol;
  order.side = held > 0 ? -1 : 1;
  order.type = OrderTypeCode.Market;
  order.qty = Math.abs(held) as Qty;
  order.createdUs = nowUs;
  order.updatedUs = nowUs;
  order.arrivalUs = nowUs;
  order.isFlatten = true;
  order.clientId0 = clientIdWords[0]!;
  order.clientId1 = clientIdWords[1]!;
  order.clientId2 = clientIdWords[2]!;
  order.clientId3 = clientIdWords[3]!;
  return order;
}

/** An order the database held open at start; a pending one arrives after `latencyUs`. */
export function restoredOrder(order: PaperOrder, o: RestoredOrder, latencyUs: number): PaperOrder {
  order.orderId = o.orderId as OrderId;
  order.strategy = o.strategyIndex;
  order.symbol = o.symbolIndex as SymbolIndex;
  order.side = o.side as SideCode;
  order.type = o.type as OrderTypeCode;
  order.price = o.price as Price;
  order.qty = o.qty as Qty;
  order.filledQty = o.filledQty as Qty;
  order.filledNotional = o.avgFillPrice * o.filledQty;
  order.fees = o.fees;
  order.status = o.status as OrderStatusCode;
  order.createdUs = o.createdUs as TimestampUs;
  order.updatedUs = o.updatedUs as TimestampUs;
  order.arrivalUs = o.status === OrderStatusCode.Pending ? o.createdUs + latencyUs : o.createdUs;
  [order.clientId0, order.clientId1, order.clientId2, order.clientId3] = o.clientIdWords;
  return order;
}
