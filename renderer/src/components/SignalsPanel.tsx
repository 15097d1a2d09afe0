import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { formatClockUs } from '../format/numbers.js';
import { Panel } from './Panel.js';
import { EmptyRow, TableHead, type ColumnSpec } from './table-parts.js';

const SIGNAL_COLUMNS: readonly ColumnSpec[] = [
  { label: 'Time' },
  { label: 'Symbol' },
  { label: 'Side' },
  { label: 'Strength', numeric: true },
  { label: 'Confidence', numeric: true },
  { label: 'Holding', numeric: true },
  { label: 'Status' },
];

/** The newest signals first, with live counts of fired, suppressed and no-signal ticks. */
const SIGNALS_SHOWN = 50;

export function SignalsPanel() {
  const { engine } = useServices();
  const signals = useStore(engine.store, (s) => s.signals);
  const counts = useStore(engine.store, (s) => s.signalCounts);
  const shown = signals.slice(-SIGNALS_SHOWN).reverse();
  return (
    <Panel id="signals" title="Signals">
      <dl className="counts" aria-label="Signal counts">
        <div>
          <dt>fired</dt>
          <dd className="num">{counts.fired}</dd>
        </div>
        <div>
          <dt>suppressed</dt>
          <dd className="num">{counts.suppressed}</dd>
        </div>
        <div>
          <dt>no signal</dt>
          <dd className="num">{counts.none}</dd>
        </div>
      </dl>
      <div className="table-scroll" tabIndex={0} aria-label="Signals list">
        <table aria-label="Signals">
          <TableHead columns={SIGNAL_COLUMNS} />
          <tbody>
            {shown.length === 0 ? (
              <EmptyRow columns={SIGNAL_COLUMNS.length} text="No signals yet" />
            ) : (
              shown.map((signal, index) => (
                <tr
                  key={`${signal.symbol}-${signal.tsUs}-${index}`}
                  className={signal.suppressed ? 'suppressed' : ''}
                >
                  <td className="num">{formatClockUs(signal.tsUs)}</td>
                  <td>{signal.symbol}</td>
                  <td className={signal.side === 'Buy' ? 'buy' : 'sell'}>{signal.side}</td>
                  <td className="num">{signal.strength.toFixed(3)}</td>
                  <td className="num">{signal.confidence.toFixed(3)}</td>
                  <td className="num">{Math.round(signal.holdingPeriodMs)} ms</td>
                  <td>{signal.suppressed ? 'suppressed' : 'fired'}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
