import { contextBridge, ipcRenderer } from 'electron';
import type { CommandAck, EngineState, LockstepApi } from '../../shared/api.js';

/**
 * The window's only door to the outside: `window.lockstep`, implementing LockstepApi
 * over IPC. A sandboxed preload can require nothing but 'electron', so this file imports
 * types only and spells the channel names out (test/unit/electron-preload.test.ts checks
 * they match main/host/ipc-bridge.ts). Electron's event objects never reach the page.
 */

const COMMAND_CHANNEL = 'lockstep:command';
const STATE_CHANNEL = 'lockstep:state';
const OPEN_RECORDING_CHANNEL = 'lockstep:open-recording';

/** The part of ipcRenderer the API uses. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

function asAck(value: unknown): CommandAck {
  if (typeof value === 'object' && value !== null) {
    const ack = value as { ok?: unknown; reason?: unknown; detail?: unknown };
    if (ack.ok === true)
      return typeof ack.detail === 'string' ? { ok: true, detail: ack.detail } : { ok: true };
    if (ack.ok === false && typeof ack.reason === 'string')
      return { ok: false, reason: ack.reason };
  }
  return { ok: false, reason: 'the host answered with something that is not an acknowledgement' };
}

export function createPreloadApi(ipc: IpcRendererLike): LockstepApi {
  const invokeForAck = async (channel: string, payload: unknown): Promise<CommandAck> => {
    try {
      return asAck(await ipc.invoke(channel, payload));
    } catch (error) {
      return {
        ok: false,
        reason: `the command could not be sent to the host: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };
  return {
    send: (command) => invokeForAck(COMMAND_CHANNEL, command),
    // Desktop only: the host shows the native open dialog and replays the chosen file.
    openRecording: (speed) => invokeForAck(OPEN_RECORDING_CHANNEL, speed),
    onState(listener) {
      const forward = (_event: unknown, state: unknown): void => listener(state as EngineState);
      ipc.on(STATE_CHANNEL, forward);
      // Ask for the current state now, so a new listener does not wait for the next tick.
      void ipc.invoke(COMMAND_CHANNEL, { type: 'subscribe' }).catch(() => undefined);
      return () => {
        ipc.removeListener(STATE_CHANNEL, forward);
      };
    },
    onConnection(listener) {
      // IPC to the host lives as long as the window; the engine's own health is in the state.
      listener(true);
      return () => undefined;
    },
  };
}

// Exposed only when running as an Electron preload (contextBridge is absent elsewhere).
if (typeof contextBridge?.exposeInMainWorld === 'function') {
  contextBridge.exposeInMainWorld('lockstep', createPreloadApi(ipcRenderer));
}
