import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { useCommand } from './use-command.js';
import { CommandFailure } from './CommandFailure.js';
import { isCtrlShiftLetter, type HotkeyEvent } from './hotkeys.js';

/**
 * Reduce only: the engine takes only orders that shrink a position (REDUCING) and cancels
 * open ones that would grow it; the strategy keeps computing, its signals show as
 * refused. Ctrl+Shift+R toggles it from anywhere in the window. The kill switch outranks
 * it: while halted the switch is off and disabled (re-arming returns to full trading).
 * Like the kill switch it shows what the engine reports, not what was clicked.
 */
const REDUCE_ONLY_HOTKEY_LABEL = 'Ctrl+Shift+R';

export const isReduceOnlyHotkey = (event: HotkeyEvent): boolean => isCtrlShiftLetter(event, 'r');

export function ReduceOnlySwitch() {
  const { engine } = useServices();
  const state = useStore(engine.store, (s) => s.killSwitch?.state ?? null);
  const { run, pendingKey, failure } = useCommand();
  const reducing = state === 'REDUCING';
  const halted = state === 'HALTED';
  const toggle = (): void => {
    if (state === null || state === 'HALTED') return;
    void run('Reduce only', {
      type: 'setReduceOnly',
      on: !reducing,
      reason: reducing
        ? 'reduce only turned off by the trader from the window'
        : 'reduce only turned on by the trader from the window',
    });
  };
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isReduceOnlyHotkey(event)) return;
      event.preventDefault(); // not the browser's hard reload
      toggleRef.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  return (
    <div className={`reduce-only-box${reducing ? ' on' : ''}`}>
      <button
        type="button"
        role="switch"
        aria-label="Reduce only"
        aria-checked={reducing}
        aria-keyshortcuts="Control+Shift+R"
        aria-busy={pendingKey !== null}
        disabled={state === null || halted}
        className="reduce-only"
        title={
          halted
            ? 'Reduce only is off while the kill switch halts trading; re-arming returns to full trading'
            : `Reduce only (${REDUCE_ONLY_HOTKEY_LABEL}): accept only orders that shrink a position`
        }
        onClick={toggle}
      >
        <span className="reduce-only-title">REDUCE ONLY</span>
        <span className="reduce-only-state">{reducing ? 'ON' : 'OFF'}</span>
      </button>
      <CommandFailure failure={failure} />
    </div>
  );
}
