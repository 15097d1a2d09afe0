import {
  FIXED_SCALE,
  ORDER_STATUSES,
  ORDER_TYPES,
  formatFixed,
  sideFromCode,
  type Qty,
  type SideCode,
  type SymbolIndex,
} from '../../../shared/domain.js';
import type { FillView, OrderView, PositionView } from '../../../shared/api.js';
import { clientOrderIdFromWords } from '../../../shared/client-order-id.js';
import type { BrokerCounters, BrokerSummary } from './broker-types.js';
import type { FillSlot, RecentFills, RecentOrders } from './history.js';
import { ORDER_REASONS, orderReasonText } from './order-reasons.js';
import { isTerminalStatus } from './order-state.js';
import type { PaperOrder } from './paper-order.js';
import type { PositionBook } from './positions.js';

/** The window's shapes (shared/api.ts) from the broker's state; called at UI rate, not per tick. */

const words = new Float64Array(4);

function orderView(
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

function fillView(slot: FillSlot, symbols: readonly string[]): FillView {
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

function positionSnapshot(
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

/** An order's view as last built, with what it was built from. */
interface BuiltOrderView {
  readonly status: number;
  readonly filledQty: number;
  readonly updatedUs: number;
  readonly reason: number;
  readonly view: OrderView;
}

/**
 * Read-only views of the broker's state for the window and the replay summary: built at
 * UI rate (or once at the end), never per tick. Holds references to the broker's live
 * structures and copies nothing until asked.
 *
 * The window's lists (100 orders, 100 fills) are mostly the same from one report to the
 * next, and their views (a client id and five decimals each) took about 0.4 ms of the
 * hot thread's time per report; a view is built again only when its order changed, and
 * a fill never changes. Only the views of the last list are kept, so the caches stay
 * bounded by it.
 */
export class BrokerViews {
  private builtOrders = new Map<number, BuiltOrderView>();
  private builtFills = new Map<number, FillView>();

  constructor(
    private readonly symbols: readonly string[],
    private readonly strategyIds: readonly string[],
    private readonly positionBook: PositionBook,
    private readonly active: readonly PaperOrder[],
    private readonly history: RecentOrders,
    private readonly fillHistory: RecentFills,
    private readonly engines: readonly { mid(): number }[],
  ) {}

  openQuantity(symbolIndex: SymbolIndex, side: SideCode): Qty {
    let total = 0;
    for (let i = 0; i < this.active.length; i++) {
      const order = this.active[i]!;
      if (order.symbol === symbolIndex && order.side === side) total += order.remaining;
    }
    return total as Qty;
  }

  positions(): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (let strategy = 0; strategy < this.strategyIds.length; strategy++) {
      for (let symbol = 0; symbol < this.symbols.length; symbol++) {
        out.push(
          positionSnapshot(
            this.positionBook,
            strategy,
            symbol,
            this.strategyIds[strategy]!,
            this.symbols[symbol]!,
            this.engines[symbol]!.mid(),
          ),
        );
      }
    }
    return out;
  }

  openOrders(): OrderView[] {
    return this.active.map((order) => orderView(order, this.symbols, this.strategyIds));
  }

  recentOrders(n: number): OrderView[] {
    return this.history.newest(n).map((order) => orderView(order, this.symbols, this.strategyIds));
  }

  orderViews(n: number): OrderView[] {
    const out: OrderView[] = [];
    const built = new Map<number, BuiltOrderView>();
    for (let i = this.active.length - 1; i >= 0 && out.length < n; i--) {
      out.push(this.orderViewOf(this.active[i]!, built));
    }
    for (const order of this.history.newest(this.history.capacity)) {
      if (out.length >= n) break;
      if (isTerminalStatus(order.status)) out.push(this.orderViewOf(order, built));
    }
    this.builtOrders = built;
    return out;
  }

  /** The order's view, built again only if what it shows changed since the last list. */
  private orderViewOf(order: PaperOrder, built: Map<number, BuiltOrderView>): OrderView {
    const last = this.builtOrders.get(order.orderId);
    const entry =
      last !== undefined &&
      last.status === order.status &&
      last.filledQty === order.filledQty &&
      last.updatedUs === order.updatedUs &&
      last.reason === order.reason
        ? last
        : {
            status: order.status,
            filledQty: order.filledQty,
            updatedUs: order.updatedUs,
            reason: order.reason,
            view: orderView(order, this.symbols, this.strategyIds),
          };
    built.set(order.orderId, entry);
    return entry.view;
  }

  recentFills(n: number): FillView[] {
    const built = new Map<number, FillView>();
    const out = this.fillHistory.newest(n).map((slot) => {
      const view = this.builtFills.get(slot.tradeId) ?? fillView(slot, this.symbols);
      built.set(slot.tradeId, view);
      return view;
    });
    this.builtFills = built;
    return out;
  }

  rejectionCounts(rejections: Float64Array): Record<string, number> {
    const out: Record<string, number> = {};
    ORDER_REASONS.forEach((reason, i) => {
      if (rejections[i]! > 0) out[reason] = rejections[i]!;
    });
    return out;
  }

  summary(counters: BrokerCounters, rejections: Float64Array): BrokerSummary {
    let realized = 0;
    let unrealized = 0;
    const positions: Record<string, string> = {};
    for (const p of this.positions()) {
      realized += p.realizedPnl;
      unrealized += p.unrealizedPnl;
    }
    for (let symbol = 0; symbol < this.symbols.length; symbol++)
      positions[this.symbols[symbol]!] = formatFixed(this.positionBook.netQty(symbol));
    let rejected = 0;
    for (let i = 0; i < rejections.length; i++) rejected += rejections[i]!;
    return {
      ...counters,
      orders: counters.ordersReceived,
      rejections: rejected,
      rejectionsByReason: this.rejectionCounts(rejections),
      finalPosition: this.positionBook.netQty(0) / FIXED_SCALE,
      positions,
      realizedPnl: realized / FIXED_SCALE,
      unrealizedPnl: unrealized / FIXED_SCALE,
      openOrders: this.active.length,
    };
  }
}
