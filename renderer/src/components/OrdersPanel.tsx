import { useStore } from 'zustand';
import type { OrderView } from '../../../shared/api.js';
import { MANUAL_STRATEGY_ID } from '../../../shared/domain.js';
import { useServices } from '../app/app-context.js';
import { decimalsFor, formatDecimalText } from '../format/decimals.js';
import { formatClockUs } from '../format/numbers.js';
import { Panel } from './Panel.js';
import { useCommand } from './use-command.js';
import { EmptyRow, TableHead, type ColumnSpec } from './table-parts.js';
import { CommandFailure } from './CommandFailure.js';

const ORDER_COLUMNS: readonly ColumnSpec[] = [
  { label: 'Time' },
  { label: 'Symbol' },
  { label: 'Side' },
  { label: 'Type' },
  { label: 'Status' },
  { label: 'Price', numeric: true },
  { label: 'Qty', numeric: true },
  { label: 'Filled', numeric: true },
  { label: 'Avg price', numeric: true },
  { label: 'By' },
  { label: 'Action', hidden: true },
];

/** An engine reason code as the trader reads it: `kill_switch` → "kill switch". */
export const reasonWords = (reason: string): string => reason.replace(/_/g, ' ');

/** Open orders first (they can still be cancelled), then the most recent finished ones. */
const ORDERS_SHOWN = 100;
const OPEN_STATUSES = new Set(['Pending', 'Open', 'PartiallyFilled']);
const isOpenOrder = (order: OrderView): boolean => OPEN_STATUSES.has(order.status);

function ordersForDisplay(orders: readonly OrderView[], limit = ORDERS_SHOWN): OrderView[] {
  return [...orders]
    .sort(
      (a, b) =>
        Number(isOpenOrder(b)) - Number(isOpenOrder(a)) ||
        b.updatedUs - a.updatedUs ||
        b.orderId - a.orderId,
    )
    .slice(0, limit);
}

function OrderRow(props: {
  readonly order: OrderView;
  readonly pending: boolean;
  readonly onCancel: () => void;
}) {
  const { order } = props;
  const decimals = decimalsFor(order.symbol);
  const open = isOpenOrder(order);
  const filled = order.filledQty !== '' && order.filledQty !== '0';
  return (
    <tr data-order-id={order.orderId} className={open ? 'open' : 'done'}>
      <td className="num">{formatClockUs(order.updatedUs || order.createdUs)}</td>
      <td>{order.symbol}</td>
      <td className={order.side === 'Buy' ? 'buy' : 'sell'}>{order.side}</td>
      <td>{order.type}</td>
      <td title={order.reason}>
        {order.status}
        {order.reason !== undefined ? (
          <span className="order-reason">{reasonWords(order.reason)}</span>
        ) : null}
      </td>
      <td className="num">
        {order.type === 'Market' ? 'market' : formatDecimalText(order.price, decimals.price)}
      </td>
      <td className="num">{formatDecimalText(order.qty, decimals.qty)}</td>
      <td className="num">{formatDecimalText(order.filledQty, decimals.qty)}</td>
      <td className="num">
        {filled ? formatDecimalText(order.avgFillPrice, decimals.price) : '—'}
      </td>
      <td className={order.strategyId === MANUAL_STRATEGY_ID ? 'manual' : undefined}>
        {order.strategyId ?? ''}
      </td>
      <td>
        {open ? (
          <button
            type="button"
            aria-label={`Cancel order ${order.orderId}`}
            disabled={props.pending}
            onClick={props.onCancel}
          >
            {props.pending ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

export function OrdersPanel() {
  const { engine } = useServices();
  const orders = useStore(engine.store, (s) => s.orders);
  const { run, pendingKey, failure } = useCommand();
  const shown = ordersForDisplay(orders);
  const openCount = orders.filter(isOpenOrder).length;
  return (
    <Panel
      id="orders"
      title="Orders"
      actions={
        <button
          type="button"
          disabled={openCount === 0 || pendingKey === 'Cancel all'}
          onClick={() => void run('Cancel all', { type: 'cancelAll' })}
        >
          {pendingKey === 'Cancel all' ? 'Cancelling…' : `Cancel all (${openCount})`}
        </button>
      }
    >
      <CommandFailure failure={failure} />
      <div className="table-scroll" tabIndex={0} aria-label="Orders list">
        <table aria-label="Orders">
          <TableHead columns={ORDER_COLUMNS} />
          <tbody>
            {shown.length === 0 ? (
              <EmptyRow columns={ORDER_COLUMNS.length} text="No orders yet" />
            ) : (
              shown.map((order) => (
                <OrderRow
                  key={order.orderId}
                  order={order}
                  pending={pendingKey === `Cancel order ${order.orderId}`}
                  onCancel={() =>
                    void run(`Cancel order ${order.orderId}`, {
                      type: 'cancelOrder',
                      orderId: order.orderId,
                    })
                  }
                />
              ))
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
