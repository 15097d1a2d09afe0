import { useStore } from 'zustand';
import type { PositionView } from '../../../shared/api.js';
import { MANUAL_STRATEGY_ID } from '../../../shared/domain.js';
import { useServices } from '../app/app-context.js';
import { decimalsFor, formatDecimalText, parseSignedFixed } from '../format/decimals.js';
import { formatFixedNumber, formatMoney } from '../format/numbers.js';
import { Panel } from './Panel.js';
import { useCommand } from './use-command.js';
import { EmptyRow, TableHead, type ColumnSpec } from './table-parts.js';
import { CommandFailure } from './CommandFailure.js';

const POSITION_COLUMNS: readonly ColumnSpec[] = [
  { label: 'Symbol' },
  { label: 'Qty', numeric: true },
  { label: 'Avg cost', numeric: true },
  { label: 'Mark', numeric: true },
  { label: 'Realized', numeric: true },
  { label: 'Unrealized', numeric: true },
  { label: 'Total', numeric: true },
  { label: 'Action', hidden: true },
];

const pnlClass = (value: number): string =>
  value > 0 ? 'num gain' : value < 0 ? 'num loss' : 'num';

const isFlat = (position: PositionView): boolean => {
  const units = parseSignedFixed(position.qty);
  return units === 0;
};

/** Per-symbol position and PnL, a totals row, and flatten buttons. */
export function PositionsPanel() {
  const { engine } = useServices();
  const positions = useStore(engine.store, (s) => s.positions);
  const totals = useStore(engine.store, (s) => s.totals);
  const { run, pendingKey, failure } = useCommand();
  const total = totals.realizedPnl + totals.unrealizedPnl;
  const anyOpen = positions.some((p) => !isFlat(p));
  return (
    <Panel
      id="positions"
      title="Positions and PnL"
      actions={
        <button
          type="button"
          className="danger"
          disabled={!anyOpen || pendingKey === 'Flatten all'}
          title="Close every position with market orders"
          onClick={() => void run('Flatten all', { type: 'flatten' })}
        >
          {pendingKey === 'Flatten all' ? 'Flattening…' : 'Flatten all'}
        </button>
      }
    >
      <CommandFailure failure={failure} />
      <table aria-label="Positions">
        <TableHead columns={POSITION_COLUMNS} />
        <tbody>
          {positions.length === 0 ? (
            <EmptyRow columns={POSITION_COLUMNS.length} text="No positions" />
          ) : (
            positions.map((position, index) => {
              const decimals = decimalsFor(position.symbol);
              const key = `Flatten ${position.symbol}`;
              const rowTotal = position.realizedPnl + position.unrealizedPnl;
              // Flatten closes the symbol for every book: one button, on its first row.
              const firstOfSymbol =
                positions.findIndex((p) => p.symbol === position.symbol) === index;
              const manual = position.strategyId === MANUAL_STRATEGY_ID;
              return (
                <tr
                  key={`${position.strategyId ?? ''}-${position.symbol}`}
                  data-symbol={position.symbol}
                  data-strategy={position.strategyId}
                >
                  <th scope="row">
                    {position.symbol}
                    {manual ? <span className="manual"> · manual</span> : null}
                  </th>
                  <td className="num">{formatDecimalText(position.qty, decimals.qty)}</td>
                  <td className="num">
                    {isFlat(position) ? '—' : formatDecimalText(position.avgCost, decimals.price)}
                  </td>
                  <td className="num">{formatFixedNumber(position.mark, decimals.price)}</td>
                  <td className={pnlClass(position.realizedPnl)}>
                    {formatMoney(position.realizedPnl)}
                  </td>
                  <td className={pnlClass(position.unrealizedPnl)}>
                    {formatMoney(position.unrealizedPnl)}
                  </td>
                  <td className={pnlClass(rowTotal)}>{formatMoney(rowTotal)}</td>
                  <td>
                    {firstOfSymbol ? (
                      <button
                        type="button"
                        aria-label={key}
                        disabled={
                          positions.every((p) => p.symbol !== position.symbol || isFlat(p)) ||
                          pendingKey === key
                        }
                        onClick={() => void run(key, { type: 'flatten', symbol: position.symbol })}
                      >
                        {pendingKey === key ? 'Flattening…' : 'Flatten'}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
        <tfoot>
          <tr className="totals">
            <th scope="row">Total</th>
            <td />
            <td />
            <td />
            <td className={pnlClass(totals.realizedPnl)}>{formatMoney(totals.realizedPnl)}</td>
            <td className={pnlClass(totals.unrealizedPnl)}>{formatMoney(totals.unrealizedPnl)}</td>
            <td className={pnlClass(total)}>{formatMoney(total)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </Panel>
  );
}
