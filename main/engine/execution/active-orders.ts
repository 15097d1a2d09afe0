import type { OrderId, Qty } from '../../../shared/domain.js';
import type { PaperOrder } from './paper-order.js';

/**
 * The broker's pending (in flight) and resting orders, in arrival order: the order in
 * which they are matched, and the order that decides which earlier orders keep their
 * claim on a position in REDUCING.
 */
export class ActiveOrders {
  readonly list: PaperOrder[] = [];

  get length(): number {
    return this.list.length;
  }

  push(order: PaperOrder): void {
    this.list.push(order);
  }

  /** Removes an order if present, keeping the arrival order of the rest (no allocation). */
  remove(order: PaperOrder): void {
    const list = this.list;
    const index = list.indexOf(order);
    if (index < 0) return;
    for (let i = index + 1; i < list.length; i++) list[i - 1] = list[i]!;
    list.length--;
  }

  byId(orderId: number): PaperOrder | undefined {
    for (let i = 0; i < this.list.length; i++)
      if (this.list[i]!.orderId === orderId) return this.list[i];
    return undefined;
  }

  hasId(orderId: OrderId): boolean {
    return this.byId(orderId) !== undefined;
  }

  /**
   * Remaining size of the orders on the order's symbol and side, of every book (reduce
   * only protects the net position, so every book's orders claim it), that arrived
   * before it (earlier orders keep their claim; later ones are judged after it).
   */
  committedBefore(order: PaperOrder): Qty {
    let committed = 0;
    for (let i = 0; i < this.list.length; i++) {
      const other = this.list[i]!;
      if (other === order) break;
      if (other.symbol === order.symbol && other.side === order.side) committed += other.remaining;
    }
    return committed as Qty;
  }
}
