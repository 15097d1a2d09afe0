import { createStore, type StoreApi } from 'zustand/vanilla';

/** The transport to the host, as the banner and the health bar show it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** Times the connection was lost since the window opened. */
  readonly drops: number;
  /** Date.now() of the last change. */
  readonly sinceMs: number;
}

export type ConnectionStore = StoreApi<ConnectionState> & {
  /** Records a transport report; repeats of the same status change nothing. */
  report(connected: boolean): void;
};

export function createConnectionStore(now: () => number = Date.now): ConnectionStore {
  const store = createStore<ConnectionState>()(() => ({
    status: 'connecting',
    drops: 0,
    sinceMs: now(),
  }));
  return Object.assign(store, {
    report(connected: boolean) {
      const current = store.getState();
      const status: ConnectionStatus = connected ? 'connected' : 'disconnected';
      if (current.status === status) return;
      store.setState({
        status,
        drops: current.status === 'connected' && !connected ? current.drops + 1 : current.drops,
        sinceMs: now(),
      });
    },
  });
}
