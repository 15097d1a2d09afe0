import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { LockstepApi } from '../../shared/api.js';
import { electronApi } from './api/electron-api.js';
import { createWsApi, wsUrlFor } from './api/ws-api.js';
import { App } from './app/App.js';
import { createParamFormStore } from './form/param-form-store.js';
import { connectApiToStores } from './store/connect-api.js';
import { createConnectionStore } from './store/connection-store.js';
import { createEngineStore } from './store/engine-store.js';
import { createAdaptiveFrameScheduler } from './store/frame-scheduler.js';
import { createLayoutStore, type KeyValueStorage } from './store/layout-store.js';

// Electron's preload provides the API; in a browser the page talks to the headless host
// that served it, over a WebSocket on the same origin, with the token from its own URL.
const api: LockstepApi = electronApi(window) ?? createWsApi({ url: wsUrlFor(window.location) });

function browserStorage(): KeyValueStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const engine = createEngineStore(createAdaptiveFrameScheduler().schedule);
const connection = createConnectionStore();
connectApiToStores(api, engine, connection);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element to render the window into');
createRoot(root).render(
  <StrictMode>
    <App
      services={{
        api,
        engine,
        connection,
        layout: createLayoutStore(browserStorage()),
        paramForm: createParamFormStore(),
      }}
    />
  </StrictMode>,
);
