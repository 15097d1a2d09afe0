import type { LockstepApi } from '../../../shared/api.js';
import { engineStateProblem } from '../api/host-message.js';
import type { ConnectionStore } from './connection-store.js';
import type { EngineStore } from './engine-store.js';

/**
 * Feeds the stores from the API. Every state is shape-checked here, whatever the
 * transport (the Electron preload forwards IPC payloads unchecked), so a malformed one is
 * reported and dropped rather than breaking a panel mid-frame. On every reconnect the
 * sequence watermark is forgotten: the host may have restarted and begun again from 1.
 */
export function connectApiToStores(
  api: LockstepApi,
  engine: EngineStore,
  connection: ConnectionStore,
  reportProblem: (reason: string) => void = (reason) => console.warn(`lockstep: ${reason}`),
): () => void {
  const offState = api.onState((state) => {
    const problem = engineStateProblem(state);
    if (problem !== null) {
      reportProblem(`state from the host dropped: ${problem}`);
      return;
    }
    // A state proves the transport works: an API that never reports its connection
    // (a preload that is simply always connected) must not leave "Connecting…" up.
    if (connection.getState().status === 'connecting') connection.report(true);
    engine.receive(state);
  });
  const offConnection = api.onConnection((connected) => {
    if (connected && connection.getState().status !== 'connected') engine.resetSequence();
    connection.report(connected);
  });
  return () => {
    offState();
    offConnection();
  };
}
