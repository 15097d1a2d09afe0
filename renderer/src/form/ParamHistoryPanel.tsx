import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { Panel } from '../components/Panel.js';
import { formatClockUs } from '../format/numbers.js';
import { EmptyRow, TableHead, type ColumnSpec } from '../components/table-parts.js';

const HISTORY_COLUMNS: readonly ColumnSpec[] = [
  { label: 'Time' },
  { label: 'Key' },
  { label: 'Old', numeric: true },
  { label: 'New', numeric: true },
  { label: 'By' },
];

/** Every live edit the engine applied, newest first, as its audit table records them. */
export function ParamHistoryPanel() {
  const { engine } = useServices();
  const history = useStore(engine.store, (s) => s.paramHistory);
  const shown = [...history].sort((a, b) => b.tsUs - a.tsUs);
  return (
    <Panel id="history" title="Parameter history">
      <div className="table-scroll" tabIndex={0} aria-label="Parameter history list">
        <table aria-label="Parameter history">
          <TableHead columns={HISTORY_COLUMNS} />
          <tbody>
            {shown.length === 0 ? (
              <EmptyRow columns={HISTORY_COLUMNS.length} text="No changes yet" />
            ) : (
              shown.map((change, index) => (
                <tr key={`${change.tsUs}-${change.key}-${index}`}>
                  <td className="num">{formatClockUs(change.tsUs)}</td>
                  <td>{change.key}</td>
                  <td className="num">{change.oldValue}</td>
                  <td className="num">{change.newValue}</td>
                  <td>{change.source}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
