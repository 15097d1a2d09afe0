import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { Panel } from '../components/Panel.js';
import { formatClockUs } from '../format/numbers.js';

/** Every live edit the engine applied, newest first, as its audit table records them. */
export function ParamHistoryPanel() {
  const { engine } = useServices();
  const history = useStore(engine.store, (s) => s.paramHistory);
  const shown = [...history].sort((a, b) => b.tsUs - a.tsUs);
  return (
    <Panel id="history" title="Parameter history">
      <div className="table-scroll" tabIndex={0} aria-label="Parameter history list">
        <table aria-label="Parameter history">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Key</th>
              <th scope="col" className="num">
                Old
              </th>
              <th scope="col" className="num">
                New
              </th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  No changes yet
                </td>
              </tr>
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
