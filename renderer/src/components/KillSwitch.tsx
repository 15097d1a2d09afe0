import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { TradingState } from '../../../shared/domain.js';
import { useServices } from '../app/app-context.js';
import { formatClockUs } from '../format/numbers.js';
import { RearmDialog } from './RearmDialog.js';
import { CommandFailure } from './CommandFailure.js';
import { isCtrlShiftLetter, type HotkeyEvent } from './hotkeys.js';

/**
 * The kill switch. Halting is one click or Ctrl+Shift+K anywhere in the window, with no
 * question asked: when something is wrong, every second counts. Re-arming asks first.
 * The switch shows what the engine reports, not what was clicked: aria-checked turns
 * true only once the engine's state says HALTED.
 */
const KILL_HOTKEY_LABEL = 'Ctrl+Shift+K';
const ENGAGE_REASON = 'halted by the trader from the window';
const REARM_REASON = 're-armed by the trader from the window';

const LABELS: Record<TradingState, string> = {
  ACTIVE: 'TRADING',
  REDUCING: 'REDUCING',
  HALTED: 'HALTED',
};

const isKillHotkey = (event: HotkeyEvent): boolean => isCtrlShiftLetter(event, 'k');

export function KillSwitch() {
  const { api, engine } = useServices();
  const killSwitch = useStore(engine.store, (s) => s.killSwitch);
  const [pending, setPending] = useState<'engage' | 'rearm' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const halted = killSwitch?.state === 'HALTED';
  const haltedRef = useRef(halted);
  haltedRef.current = halted;

  const send = async (on: boolean): Promise<void> => {
    setPending(on ? 'engage' : 'rearm');
    setFailure(null);
    try {
      const ack = await api.send({
        type: 'setKillSwitch',
        on,
        reason: on ? ENGAGE_REASON : REARM_REASON,
      });
      if (!ack.ok) setFailure(`Kill switch not changed: ${ack.reason}`);
    } catch (error) {
      setFailure(
        `Kill switch not changed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setPending(null);
    }
  };
  // A refusal is about the state it was refused in; once the engine's switch moves, it is old news.
  const changedUs = killSwitch?.changedUs;
  useEffect(() => setFailure(null), [changedUs]);

  const sendRef = useRef(send);
  sendRef.current = send;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isKillHotkey(event)) return;
      event.preventDefault();
      // The hotkey only ever halts; re-arming always goes through the dialog.
      if (!haltedRef.current) void sendRef.current(true);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const state = killSwitch?.state;
  // Between the engine taking the command and its trading thread acting on it (ms).
  const unsettled = killSwitch !== null && !killSwitch.settled;
  const label = state ? LABELS[state] : 'UNKNOWN';
  const detail = killSwitch
    ? `${killSwitch.reason || 'no reason given'} — by ${killSwitch.source} at ${formatClockUs(killSwitch.changedUs)}`
    : 'waiting for the engine state';

  return (
    <div className={`kill-switch-box state-${(state ?? 'unknown').toLowerCase()}`}>
      <button
        type="button"
        role="switch"
        aria-label="Kill switch"
        aria-checked={halted}
        aria-keyshortcuts="Control+Shift+K"
        aria-describedby="kill-switch-detail"
        aria-busy={pending !== null || unsettled}
        className="kill-switch"
        title={`Kill switch: click or press ${KILL_HOTKEY_LABEL} to halt all trading at once (no confirmation). When halted, click to re-arm (asks for confirmation).`}
        onClick={() => (halted ? setConfirming(true) : void send(true))}
      >
        <span className="kill-switch-title">KILL SWITCH</span>
        <span className="kill-switch-state">{label}</span>
        <span className="kill-switch-hint">
          {pending === 'engage'
            ? 'halting…'
            : pending === 'rearm'
              ? 're-arming…'
              : halted && unsettled
                ? 'cancelling open orders…'
                : halted
                  ? 'click to re-arm'
                  : `click or ${KILL_HOTKEY_LABEL} to halt`}
        </span>
      </button>
      <p id="kill-switch-detail" className="kill-switch-detail">
        {detail}
      </p>
      <CommandFailure failure={failure} />
      <RearmDialog
        open={confirming}
        reason={killSwitch?.reason ?? ''}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void send(false);
        }}
      />
    </div>
  );
}
