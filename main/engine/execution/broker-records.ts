import type { Price, Qty, TimestampUs } from '../../../shared/domain.js';
import { FillRow, OrderRow, PersistRecord } from '../../../shared/records.js';
import type { PaperOrder } from './paper-order.js';
import type { FillOutcome } from './positions.js';

/**
 * The broker's rows to persistence, through the shared codecs: one OrderRow per status
 * change, one FillRow per fill (with the position it leaves). One reused array; the sink
 * copies it.
 */
export class BrokerRecordEncoder {
  private readonly out = new Float64Array(PersistRecord.SLOTS);
  private readonly orderRow = new OrderRow();
  private readonly fillRow = new FillRow();

  constructor(private readonly sink: (rec: Float64Array) => void) {}

  /** The order as it stands now; its `updatedUs` is the row's time. */
  order(order: PaperOrder): void {
    const r = this.orderRow.begin(this.out, 0);
    r.tsUs = order.updatedUs;
    r.symbol = order.symbol;
    r.strategy = order.strategy;
    r.orderId = order.orderId;
    r.side = order.side;
    r.type = order.type;
    r.status = order.status;
    r.price = order.price;
    r.qty = order.qty;
    r.filledQty = order.filledQty;
    r.avgFillPrice = order.avgFillPrice();
    r.fees = order.fees;
    r.createdUs = order.createdUs;
    r.reason = order.reason;
    r.setClientIdWord(0, order.clientId0);
    r.setClientIdWord(1, order.clientId1);
    r.setClientIdWord(2, order.clientId2);
    r.setClientIdWord(3, order.clientId3);
    this.sink(this.out);
  }

  /** One fill of `order` (already applied to it) and the position it produced. */
  fill(
    order: PaperOrder,
    price: Price,
    qty: Qty,
    outcome: FillOutcome,
    tradeId: number,
    nowUs: TimestampUs,
  ): void {
    const r = this.fillRow.begin(this.out, 0);
    r.tsUs = nowUs;
    r.symbol = order.symbol;
    r.strategy = order.strategy;
    r.orderId = order.orderId;
    r.side = order.side;
    r.type = order.type;
    r.status = order.status;
    r.price = price;
    r.qty = qty;
    r.orderFilledQty = order.filledQty;
    r.orderAvgFillPrice = order.avgFillPrice();
    r.positionRealizedPnl = outcome.realizedAfter;
    r.positionQty = outcome.qtyAfter as Qty;
    r.positionAvgCost = outcome.avgCostAfter as Price;
    r.fee = outcome.fee;
    r.setClientIdWord(0, order.clientId0);
    r.setClientIdWord(1, order.clientId1);
    r.setClientIdWord(2, order.clientId2);
    r.setClientIdWord(3, order.clientId3);
    r.tradeId = tradeId;
    this.sink(this.out);
  }
}
