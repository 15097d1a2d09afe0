import type { LockstepApi } from '../../../shared/api.js';

/**
 * In Electron the preload exposes the API as `window.lockstep` (contextBridge). Declared
 * here so the renderer can use it when present; absent in a plain browser, where the
 * headless WebSocket client takes its place.
 */
declare global {
  interface Window {
    lockstep?: LockstepApi;
  }
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The preload's API if this window has one with the expected shape, else null. */
export function electronApi(scope: { readonly lockstep?: unknown }): LockstepApi | null {
  const candidate = scope.lockstep;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const api = candidate as Record<string, unknown>;
  return isFunction(api.send) && isFunction(api.onState) && isFunction(api.onConnection)
    ? (candidate as LockstepApi)
    : null;
}
