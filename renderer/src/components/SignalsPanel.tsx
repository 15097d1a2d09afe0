import { useStore } from 'zustand';
import type { SignalView } from '../../../shared/api.js';
import { ConfidenceHistogram } from './ConfidenceHistogram.js';
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

const NO_BINS: readonly number[] = new Array<number>(10).fill(0);

/** What happened to a signal, with the reason when it was not traded. */
export function signalStatusText(signal: SignalView): string {
  if (signal.suppressed) return signal.reason ? `suppressed: ${signal.reason}` : 'suppressed';
  return signal.reason ? `refused: ${signal.reason}` : 'fired';
}

/** The newest signals first, with live counts of fired, suppressed and no-signal ticks. */
const SIGNALS_SHOWN = 50;

export function SignalsPanel() {
  const { engine } = useServices();
  const signals = useStore(engine.store, (s) => s.signals);
  const counts = useStore(engine.store, (s) => s.signalCounts);
  const minConfidence = useStore(engine.store, (s) => s.params?.min_confidence ?? null);
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
      <ConfidenceHistogram bins={counts.confidenceBins ?? NO_BINS} minConfidence={minConfidence} />
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
                  <td className="signal-status">{signalStatusText(signal)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
