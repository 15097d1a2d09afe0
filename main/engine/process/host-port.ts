import type { EngineToHost, HostToEngine } from '../../../shared/engine-protocol.js';

/**
 * The engine's one line to its host. The same engine code runs as an Electron utility
 * process (messages on `process.parentPort`) or a Node child process (`process.send`);
 * this adapter hides which.
 */
export interface HostPort {
  send(message: EngineToHost): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectHostPort(): HostPort {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => {
        if (process.connected) process.send!(message);
      },
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('the engine must be started by a host (as a child or utility process)');
}

/** Validates the shape of a host message before the engine acts on it. */
export function asHostMessage(message: unknown): HostToEngine | null {
  if (typeof message !== 'object' || message === null) return null;
  const kind = (message as { kind?: unknown }).kind;
  if (kind === 'start' || kind === 'command' || kind === 'shutdown' || kind === 'replayControl')
    return message as HostToEngine;
  return null;
}
