import { useStore } from 'zustand';
import { useServices } from '../app/app-context.js';
import { formatClockUs } from '../format/numbers.js';

/** Shown while the transport to the host is down; gone as soon as it is back. */
export function ConnectionBanner() {
  const { connection } = useServices();
  const status = useStore(connection, (c) => c.status);
  if (status === 'connected') return null;
  if (status === 'connecting') {
    return (
      <div className="banner banner-info" role="status">
        Connecting to the engine host…
      </div>
    );
  }
  return (
    <div className="banner banner-danger" role="alert">
      Disconnected from the engine host — reconnecting… The numbers below are the last received and
      are not live.
    </div>
  );
}

/**
 * The engine halted trading by itself (restart, a failed write, a stale feed): the trader
 * must know it was not their own doing, and why, before deciding to re-arm.
 */
export function EngineHaltBanner() {
  const { engine } = useServices();
  const killSwitch = useStore(engine.store, (s) => s.killSwitch);
  const running = useStore(engine.store, (s) => s.state?.engineRunning ?? true);
  return (
    <>
      {!running ? (
        <div className="banner banner-danger" role="alert">
          The engine is not running — the host is restarting it. Trading stays halted until you
          re-arm it.
        </div>
      ) : null}
      {killSwitch !== null && killSwitch.state === 'HALTED' && killSwitch.source === 'engine' ? (
        <div className="banner banner-danger banner-engine-halt" role="alert">
          The engine halted trading on its own at {formatClockUs(killSwitch.changedUs)}:{' '}
          {killSwitch.reason || 'no reason given'}. Trading stays halted until you re-arm it with
          the kill switch.
        </div>
      ) : null}
    </>
  );
}
