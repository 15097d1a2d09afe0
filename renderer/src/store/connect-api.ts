import type { LockstepApi } from '../../../shared/api.js';
import type { ConnectionStore } from './connection-store.js';
import type { EngineStore } from './engine-store.js';

/**
 * Feeds the stores from the API. On every reconnect the sequence watermark is forgotten:
 * the host may have restarted and begun its sequence again.
 */
export function connectApiToStores(
  api: LockstepApi,
  engine: EngineStore,
  connection: ConnectionStore,
): () => void {
  const offState = api.onState((state) => {
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
