import type {
  OrderId,
  Price,
  Qty,
  SideCode,
  SymbolIndex,
  TimestampUs,
} from '../../../shared/domain.js';
import type { LiquidityCode } from './fee-model.js';
import { isTerminalStatus, type OrderPool, type PaperOrder } from './paper-order.js';

/**
 * The last N orders the broker took, newest last, for the window's Orders table. An order
 * object goes back to the pool only when it is both finished and out of this history, so
 * the table can show it without the broker copying anything per order.
 */
export class RecentOrders {
  private readonly ring: (PaperOrder | null)[];
  private next = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly pool: OrderPool,
  ) {
    this.ring = new Array<PaperOrder | null>(capacity).fill(null);
  }

  add(order: PaperOrder): void {
    const evicted = this.ring[this.next];
    if (evicted) {
      evicted.inHistory = false;
      if (isTerminalStatus(evicted.status)) this.pool.give(evicted);
    }
    order.inHistory = true;
    this.ring[this.next] = order;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** What the next add() reads and writes, read ahead (keep_warm; changes nothing). */
  peekNext(): number {
    const evicted = this.ring[this.next];
    return evicted ? evicted.status + (evicted.inHistory ? 1 : 0) : this.next;
  }

  /** Called when an order finishes: returns it to the pool if the history no longer holds it. */
  finished(order: PaperOrder): void {
    if (!order.inHistory) this.pool.give(order);
  }

  /** Up to `n` orders, newest first. */
  newest(n: number): PaperOrder[] {
    const out: PaperOrder[] = [];
    const take = Math.min(n, this.count);
    for (let i = 1; i <= take; i++)
      out.push(this.ring[(this.next - i + this.capacity) % this.capacity]!);
    return out;
  }
}

/** One fill as the broker remembers it for the window (preallocated, overwritten in a ring). */
export class FillSlot {
  tradeId = 0;
  orderId = 0 as OrderId;
  strategy = 0;
  symbol = 0 as SymbolIndex;
  side: SideCode = 1;
  price = 0 as Price;
  qty = 0 as Qty;
  tsUs = 0 as TimestampUs;
  /** 1e-8 quote units. */
  fee = 0;
  liquidity: LiquidityCode = 0;
}

export class RecentFills {
  private readonly ring: FillSlot[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ring = Array.from({ length: capacity }, () => new FillSlot());
  }

  /** Remembers one fill of `order` (overwriting the oldest when full). */
  record(
    order: PaperOrder,
    tradeId: number,
    price: Price,
    qty: Qty,
    tsUs: TimestampUs,
    fee: number,
    liquidity: LiquidityCode,
  ): void {
    const slot = this.claim();
    slot.tradeId = tradeId;
    slot.orderId = order.orderId;
    slot.strategy = order.strategy;
    slot.symbol = order.symbol;
    slot.side = order.side;
    slot.price = price;
    slot.qty = qty;
    slot.tsUs = tsUs;
    slot.fee = fee;
    slot.liquidity = liquidity;
  }

  /** The slot to overwrite with the next fill. */
  claim(): FillSlot {
    const slot = this.ring[this.next]!;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return slot;
  }

  newest(n: number): FillSlot[] {
    const out: FillSlot[] = [];
    const take = Math.min(n, this.count);
    for (let i = 1; i <= take; i++)
      out.push(this.ring[(this.next - i + this.capacity) % this.capacity]!);
    return out;
  }
}
