import type { CommandAck, EngineState, ReplaySpeed } from '../../shared/api.js';
import { ConnectionLimit, DEFAULT_CONNECTION_LIMIT, isPriorityCommand } from './command-lanes.js';

/**
 * Electron IPC between the window and the host, without importing Electron: main.ts
 * injects `ipcMain.handle` and `webContents.send`, so this logic runs (and is tested) in
 * plain Node. The renderer is not trusted: every command payload is validated by the
 * host's router, and a message from any frame other than our own page is refused.
 */

/** Renderer → host: invoke with a Command payload, resolves with a CommandAck. */
export const IPC_COMMAND_CHANNEL = 'lockstep:command';
/** Host → renderer: the latest EngineState, at most 30 times a second. */
export const IPC_STATE_CHANNEL = 'lockstep:state';
/** Renderer → host (desktop only): pick a recording with the native dialog and replay it at a speed. */
export const IPC_OPEN_RECORDING_CHANNEL = 'lockstep:open-recording';
const REPLAY_SPEEDS: readonly unknown[] = [1, 10, 100, 0] satisfies ReplaySpeed[];

export interface IpcBridgeHost {
  send(command: unknown): Promise<CommandAck>;
  onState(listener: (state: EngineState) => void): () => void;
  latestState(): EngineState | null;
}

export interface IpcBridgeOptions<Event> {
  readonly host: IpcBridgeHost;
  /** `ipcMain.handle`. */
  readonly handle: (
    channel: string,
    handler: (event: Event, payload: unknown) => Promise<CommandAck>,
  ) => void;
  /** `ipcMain.removeHandler`. */
  readonly removeHandler: (channel: string) => void;
  /** `webContents.send` to the window (a no-op once it is gone). */
  readonly send: (channel: string, message: EngineState) => void;
  /** Whether the IPC came from our own window's top frame. */
  readonly isTrustedSender: (event: Event) => boolean;
  /** The native open dialog, then the host's replayFile (absent: the channel is not served). */
  readonly openRecording?: (speed: ReplaySpeed) => Promise<CommandAck>;
}

export interface IpcBridge {
  dispose(): void;
}

export function createIpcBridge<Event>(options: IpcBridgeOptions<Event>): IpcBridge {
  const limit = new ConnectionLimit(DEFAULT_CONNECTION_LIMIT);
  options.handle(IPC_COMMAND_CHANNEL, async (event, payload) => {
    if (!options.isTrustedSender(event)) {
      return { ok: false, reason: 'refused: the command did not come from the Lockstep window' };
    }
    // The window's ordinary commands are rate-limited; the kill switch and its kin never are.
    const ordinary = !isPriorityCommand(payload);
    if (ordinary) {
      const refusal = limit.admit();
      if (refusal !== null) return { ok: false, reason: refusal };
    }
    let ack: CommandAck;
    try {
      ack = await options.host.send(payload);
    } finally {
      if (ordinary) limit.done();
    }
    const latest = options.host.latestState();
    // `subscribe` asks for the current state now rather than at the next tick.
    if (ack.ok && latest && (payload as { type?: unknown }).type === 'subscribe')
      options.send(IPC_STATE_CHANNEL, latest);
    return ack;
  });
  const openRecording = options.openRecording;
  if (openRecording) {
    options.handle(IPC_OPEN_RECORDING_CHANNEL, async (event, speed) => {
      if (!options.isTrustedSender(event))
        return { ok: false, reason: 'refused: the request did not come from the Lockstep window' };
      if (!REPLAY_SPEEDS.includes(speed))
        return {
          ok: false,
          reason: 'invalid replay speed: expected 1, 10, 100 or 0 (as fast as possible)',
        };
      return openRecording(speed as ReplaySpeed);
    });
  }
  const stopState = options.host.onState((state) => options.send(IPC_STATE_CHANNEL, state));
  return {
    dispose() {
      stopState();
      options.removeHandler(IPC_COMMAND_CHANNEL);
      if (openRecording) options.removeHandler(IPC_OPEN_RECORDING_CHANNEL);
    },
  };
}
