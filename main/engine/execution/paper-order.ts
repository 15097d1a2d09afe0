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
import type { QueueSlot } from './queue-model.js';
import { NO_REASON } from './order-reasons.js';

export { isTerminalStatus } from './order-state.js';

/**
 * One paper order. Objects are pooled and reused (reset() clears every field), so taking
 * an order allocates nothing once the pool is warm.
 */
export class PaperOrder implements QueueSlot {
  orderId = 0 as OrderId;
  strategy = 0;
  symbol = 0 as SymbolIndex;
  side: SideCode = 1;
  type: OrderTypeCode = OrderTypeCode.Limit;
  /** Limit price; 0 for a market order. */
  price = 0 as Price;
  qty = 0 as Qty;
  filledQty = 0 as Qty;
  /**
   * Σ fill price × fill qty as a double: only for the displayed average fill price, which
   * is rounded to 1e-8 (relative error ~1e-16, far below that rounding).
   */
  filledNotional = 0;
  /** Fees on this order's fills, 1e-8 quote units. */
  fees = 0;
  status: OrderStatusCode = OrderStatusCode.Pending;
  /** ORDER_REASONS index, NO_REASON (−1) for none. */
  reason: number = NO_REASON;
  createdUs = 0 as TimestampUs;
  updatedUs = 0 as TimestampUs;
  /** When the order reaches the simulated exchange: its send time + the latency model's delay. */
  arrivalUs = 0;
  clientId0 = 0;
  clientId1 = 0;
  clientId2 = 0;
  clientId3 = 0;
  /** Broker-made (flatten): allowed while HALTED, skips the latency. */
  isFlatten = false;
  // Queue state (QueueSlot)
  ahead = 0;
  levelQty = NaN;
  tradedSinceBook = 0;
  /** A trade at or through our price since the last book record (the model had evidence). */
  sawTradeSinceBook = false;
  /** Still referenced by the recent-orders history (not returned to the pool yet). */
  inHistory = false;

  get remaining(): Qty {
    return (this.qty - this.filledQty) as Qty;
  }

  /** Average fill price rounded to an integer 1e-8 unit; 0 before any fill. */
  avgFillPrice(): Price {
    return (this.filledQty > 0 ? Math.round(this.filledNotional / this.filledQty) : 0) as Price;
  }

  reset(): void {
    this.orderId = 0 as OrderId;
    this.strategy = 0;
    this.symbol = 0 as SymbolIndex;
    this.side = 1;
    this.type = OrderTypeCode.Limit;
    this.price = 0 as Price;
    this.qty = 0 as Qty;
    this.filledQty = 0 as Qty;
    this.filledNotional = 0;
    this.fees = 0;
    this.status = OrderStatusCode.Pending;
    this.reason = NO_REASON;
    this.createdUs = 0 as TimestampUs;
    this.updatedUs = 0 as TimestampUs;
    this.arrivalUs = 0;
    this.clientId0 = 0;
    this.clientId1 = 0;
    this.clientId2 = 0;
    this.clientId3 = 0;
    this.isFlatten = false;
    this.ahead = 0;
    this.levelQty = NaN;
    this.tradedSinceBook = 0;
    this.sawTradeSinceBook = false;
    this.inHistory = false;
  }
}

/** A free list of PaperOrder objects. */
export class OrderPool {
  private readonly free: PaperOrder[] = [];

  constructor(prewarm: number) {
    for (let i = 0; i < prewarm; i++) this.free.push(new PaperOrder());
  }

  /**
   * Reads the object the next take() returns, ahead of time (keep_warm), so the order that
   * takes it finds its memory in cache. Read only: a finished order handed back here may
   * still be referenced (a queue cleaned lazily), and only take() may clear it.
   */
  peekNext(): number {
    const order = this.free[this.free.length - 1];
    return order === undefined
      ? 0
      : order.orderId + order.tradedSinceBook + (order.inHistory ? 1 : 0);
  }

  take(): PaperOrder {
    const order = this.free.pop() ?? new PaperOrder();
    order.reset();
    return order;
  }

  give(order: PaperOrder): void {
    this.free.push(order);
  }
}
