import {
  FIXED_SCALE,
  ORDER_STATUSES,
  ORDER_TYPES,
  formatFixed,
  sideFromCode,
} from '../../../shared/domain.js';
import type { FillView, OrderView, PositionView } from '../../../shared/api.js';
import { clientOrderIdFromWords } from '../../../shared/client-order-id.js';
import type { FillSlot } from './history.js';
import { orderReasonText } from './order-reasons.js';
import type { PaperOrder } from './paper-order.js';
import type { PositionBook } from './positions.js';

/** The window's shapes (shared/api.ts) from the broker's state; called at UI rate, not per tick. */

const words = new Float64Array(4);

export function orderView(
  order: PaperOrder,
  symbols: readonly string[],
  strategyIds: readonly string[],
): OrderView {
  words[0] = order.clientId0;
  words[1] = order.clientId1;
  words[2] = order.clientId2;
  words[3] = order.clientId3;
  const reason = orderReasonText(order.reason);
  return {
    orderId: order.orderId,
    clientOrderId: clientOrderIdFromWords(words, 0),
    symbol: symbols[order.symbol]!,
    side: sideFromCode(order.side),
    type: ORDER_TYPES[order.type]!,
    status: ORDER_STATUSES[order.status]!,
    price: formatFixed(order.price),
    qty: formatFixed(order.qty),
    filledQty: formatFixed(order.filledQty),
    avgFillPrice: formatFixed(order.avgFillPrice()),
    createdUs: order.createdUs,
    updatedUs: order.updatedUs,
    ...(reason === null ? {} : { reason }),
    strategyId: strategyIds[order.strategy] ?? `#${order.strategy}`,
  };
}

export function fillView(slot: FillSlot, symbols: readonly string[]): FillView {
  return {
    tradeId: slot.tradeId,
    orderId: slot.orderId,
    symbol: symbols[slot.symbol]!,
    side: sideFromCode(slot.side),
    price: formatFixed(slot.price),
    qty: formatFixed(slot.qty),
    tsUs: slot.tsUs,
  };
}

/** One (strategy, symbol) position, in integer 1e-8 units, with its window view. */
export interface PositionSnapshot {
  readonly strategyId: string;
  readonly symbol: string;
  readonly strategyIndex: number;
  readonly symbolIndex: number;
  /** Signed base units. */
  readonly qty: number;
  /** Quote units per base unit. */
  readonly avgCost: number;
  /** Quote units, fees included. */
  readonly realizedPnl: number;
  readonly fees: number;
  /** Quote units, marked to the mid; 0 without a mid. */
  readonly unrealizedPnl: number;
  /** The mid in 1e-8 units, NaN without both book sides. */
  readonly mark: number;
  /** PnL in quote currency (USDT) as the window shows it. */
  readonly view: PositionView;
}

export function positionSnapshot(
  book: PositionBook,
  strategyIndex: number,
  symbolIndex: number,
  strategyId: string,
  symbol: string,
  mark: number,
): PositionSnapshot {
  const state = book.get(strategyIndex, symbolIndex);
  const unrealizedPnl = Number.isNaN(mark)
    ? 0
    : book.unrealizedPnl(strategyIndex, symbolIndex, mark);
  return {
    strategyId,
    symbol,
    strategyIndex,
    symbolIndex,
    qty: state.qty,
    avgCost: state.avgCost,
    realizedPnl: state.realizedPnl,
    fees: state.fees,
    unrealizedPnl,
    mark,
    view: {
      symbol,
      strategyId,
      qty: formatFixed(state.qty),
      avgCost: formatFixed(state.avgCost),
      realizedPnl: state.realizedPnl / FIXED_SCALE,
      unrealizedPnl: unrealizedPnl / FIXED_SCALE,
      mark: Number.isNaN(mark) ? null : mark / FIXED_SCALE,
    },
  };
}
