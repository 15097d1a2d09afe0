import type { Rng } from '../core/rng.js';
import type { FeeModel } from './fee-model.js';
import type { LatencyModel } from './latency-model.js';
import type { QueueModel } from './queue-model.js';
import type { LogFn } from '../../../shared/log.js';

/** The paper broker's options, counters, summary and restore shapes (paper-broker.ts). */

export interface PaperBrokerOptions {
  readonly symbols: readonly string[];
  readonly strategyIds: readonly string[];
  readonly rng: Rng;
  /** Receives each PersistRecord row; the array is reused, so the sink copies it. */
  readonly sink: (rec: Float64Array) => void;
  readonly log?: LogFn;
  /** n of the queue model's f(x) = x^n (queue-model.ts); default execution.queue_power (2). */
  readonly queuePower?: number;
  /** Orders and fills kept for the window; default 200 each. */
  readonly historySize?: number;
  /** The models the matching engines use; default the configured ones (execution.*). */
  readonly queueModel?: QueueModel;
  readonly latencyModel?: LatencyModel;
  readonly feeModel?: FeeModel;
}

/**
 * Ids of orders the broker makes itself (flatten) start here, far above any id the
 * strategy's counter reaches, so the two never collide in `orders.order_id`.
 */
export const INTERNAL_ORDER_ID_BASE = 2 ** 50;

export interface BrokerCounters {
  ordersReceived: number;
  ordersActivated: number;
  fills: number;
  takerFills: number;
  makerFills: number;
  /** Maker fills by cause. */
  tradeThroughFills: number;
  queueFills: number;
  crossFills: number;
  probabilisticFills: number;
  cancelled: number;
  filledOrders: number;
  /** Market records handled, by kind. */
  books: number;
  trades: number;
}

export function newBrokerCounters(): BrokerCounters {
  return {
    ordersReceived: 0,
    ordersActivated: 0,
    fills: 0,
    takerFills: 0,
    makerFills: 0,
    tradeThroughFills: 0,
    queueFills: 0,
    crossFills: 0,
    probabilisticFills: 0,
    cancelled: 0,
    filledOrders: 0,
    books: 0,
    trades: 0,
  };
}

export interface BrokerSummary extends BrokerCounters {
  readonly [key: string]: unknown;
  /** NEW order records received. */
  readonly orders: number;
  /** Rejected orders and refused cancels, all reasons. */
  readonly rejections: number;
  readonly rejectionsByReason: Record<string, number>;
  /** Net position of the first symbol, base units. */
  readonly finalPosition: number;
  /** Net position per symbol, decimal strings. */
  readonly positions: Record<string, string>;
  /** Quote currency, fees included. */
  readonly realizedPnl: number;
  /** Quote currency, marked to the mid. */
  readonly unrealizedPnl: number;
  readonly openOrders: number;
}

export interface RestoredOrder {
  readonly orderId: number;
  /** The four uuid words of `strategy_<uuid>`. */
  readonly clientIdWords: readonly [number, number, number, number];
  readonly strategyIndex: number;
  readonly symbolIndex: number;
  readonly side: 1 | -1;
  /** ORDER_TYPES index. */
  readonly type: number;
  /** ORDER_STATUSES index: Pending, Open or PartiallyFilled. */
  readonly status: number;
  readonly price: number;
  readonly qty: number;
  readonly filledQty: number;
  readonly avgFillPrice: number;
  readonly fees: number;
  readonly createdUs: number;
  readonly updatedUs: number;
}

export interface RestoredPosition {
  readonly strategyIndex: number;
  readonly symbolIndex: number;
  /** Signed 1e-8 base units. */
  readonly qty: number;
  /** 1e-8 quote per base unit. */
  readonly avgCost: number;
  /** 1e-8 quote units. */
  readonly realizedPnl: number;
}

export interface RestoredIds {
  /** The next trade id (max(trade_id) + 1). */
  readonly nextTradeId: number;
  /** The next broker-made order id (≥ INTERNAL_ORDER_ID_BASE). */
  readonly nextInternalOrderId: number;
}
