import type { QueueSlot } from './queue-model.js';
import { NO_REASON } from './order-reasons.js';

/** ORDER_STATUSES indices, named for the broker's state machine. */
export const Status = {
  PENDING: 0,
  OPEN: 1,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  CANCELLED: 4,
  REJECTED: 5,
} as const;

/** ORDER_TYPES indices. */
export const Type = { MARKET: 0, LIMIT: 1, POST_ONLY: 2, IOC: 3, FOK: 4 } as const;

export const isTerminalStatus = (status: number): boolean => status >= Status.FILLED;

/**
 * One paper order. Objects are pooled and reused (reset() clears every field), so taking
 * an order allocates nothing once the pool is warm.
 */
export class PaperOrder implements QueueSlot {
  orderId = 0;
  strategy = 0;
  symbol = 0;
  /** +1 buy, -1 sell. */
  side = 1;
  type: number = Type.LIMIT;
  /** Limit price, 1e-8 units; 0 for a market order. */
  price = 0;
  qty = 0;
  filledQty = 0;
  /**
   * Σ fill price × fill qty as a double: only for the displayed average fill price, which
   * is rounded to 1e-8 (relative error ~1e-16, far below that rounding).
   */
  filledNotional = 0;
  /** Fees on this order's fills, 1e-8 quote units. */
  fees = 0;
  status: number = Status.PENDING;
  reason = NO_REASON;
  createdUs = 0;
  updatedUs = 0;
  /** When the order reaches the simulated exchange: TS_US + latency_us. */
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

  get remaining(): number {
    return this.qty - this.filledQty;
  }

  /** Average fill price rounded to an integer 1e-8 unit; 0 before any fill. */
  avgFillPrice(): number {
    return this.filledQty > 0 ? Math.round(this.filledNotional / this.filledQty) : 0;
  }

  reset(): void {
    this.orderId = 0;
    this.strategy = 0;
    this.symbol = 0;
    this.side = 1;
    this.type = Type.LIMIT;
    this.price = 0;
    this.qty = 0;
    this.filledQty = 0;
    this.filledNotional = 0;
    this.fees = 0;
    this.status = Status.PENDING;
    this.reason = NO_REASON;
    this.createdUs = 0;
    this.updatedUs = 0;
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

  take(): PaperOrder {
    const order = this.free.pop() ?? new PaperOrder();
    order.reset();
    return order;
  }

  give(order: PaperOrder): void {
    this.free.push(order);
  }
}
