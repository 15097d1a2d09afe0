import { createContext, useContext } from 'react';
import type { LockstepApi } from '../../../shared/api.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { EngineStore } from '../store/engine-store.js';
import type { LayoutStore } from '../store/layout-store.js';
import type { ParamFormStore } from '../form/param-form-store.js';

/** Everything a panel needs from outside itself, passed once at the root. */
export interface AppServices {
  readonly api: LockstepApi;
  readonly engine: EngineStore;
  readonly connection: ConnectionStore;
  readonly layout: LayoutStore;
  readonly paramForm: ParamFormStore;
}

export const AppContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(AppContext);
  if (services === null) throw new Error('useServices() called outside <AppContext.Provider>');
  return services;
}
