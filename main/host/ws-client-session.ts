import type { WebSocket, RawData } from 'ws';
import {
  CommandEnvelopeSchema,
  type CommandAck,
  type EngineState,
  type HostMessage,
} from '../../shared/api.js';
import type { Config } from '../../shared/config.js';
import { ConnectionLimit, DEFAULT_CONNECTION_LIMIT, isPriorityCommand } from './command-lanes.js';
import type { HostLogger } from './logger.js';

/**
 * One browser window on the headless WebSocket. Up: `{ id, command }` (CommandEnvelope);
 * down: HostMessage — the config on connect, the latest state at ≤ 30 Hz, an ack per
 * command. State is sent one message at a time: while the socket is still writing, newer
 * states replace the waiting one, so a slow client skips states instead of the server
 * queueing them without bound.
 */

/** What a session needs of the host (the host facade provides it). */
export interface SessionHost {
  send(command: unknown): Promise<CommandAck>;
  onState(listener: (state: EngineState) => void): () => void;
  latestState(): EngineState | null;
  config(): Config;
  onConfig(listener: (config: Config) => void): () => void;
}

const OPEN = 1;

/** JSON of the last state, shared by every session so each state is serialised once. */
let cachedState: EngineState | null = null;
let cachedStateJson = '';
function stateJson(state: EngineState): string {
  if (state !== cachedState) {
    cachedStateJson = JSON.stringify({ kind: 'state', state } satisfies HostMessage);
    cachedState = state;
  }
  return cachedStateJson;
}

/** Close reasons are limited to 123 bytes by the protocol. */
const closeReason = (text: string): string =>
  Buffer.byteLength(text) <= 123 ? text : text.slice(0, 120) + '...';

export function attachSession(socket: WebSocket, host: SessionHost, logger: HostLogger): void {
  let writingState = false;
  let waitingState: EngineState | null = null;
  let lastSentState: EngineState | null = null;
  const limit = new ConnectionLimit(DEFAULT_CONNECTION_LIMIT);

  const sendMessage = (message: HostMessage): void => {
    if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
  };

  const sendState = (state: EngineState): void => {
    if (socket.readyState !== OPEN) return;
    if (writingState) {
      waitingState = state;
      return;
    }
    writingState = true;
    lastSentState = state;
    socket.send(stateJson(state), () => {
      writingState = false;
      const next = waitingState;
      waitingState = null;
      if (next !== null && next !== lastSentState) sendState(next);
    });
  };

  const sendAck = (id: number, ack: CommandAck): void => sendMessage({ kind: 'ack', id, ack });

  const onText = (text: string): void => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      socket.close(1007, 'messages must be JSON: {"id": number, "command": {...}}');
      return;
    }
    const envelope = CommandEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const reason = `invalid command envelope: ${envelope.error.issues
        .map((issue) => `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`)
        .join('; ')}`;
      // With a usable id the sender can be told why; without one there is nobody to answer.
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0)
        sendAck(id, { ok: false, reason });
      else socket.close(1008, closeReason(`${reason} (expected {"id": number, "command": {...}})`));
      return;
    }
    const { id, command } = envelope.data;
    // Ordinary commands are rate-limited and capped per connection; the kill switch,
    // flatten and cancel all never are.
    const ordinary = !isPriorityCommand(command);
    if (ordinary) {
      const refusal = limit.admit();
      if (refusal !== null) {
        sendAck(id, { ok: false, reason: refusal });
        return;
      }
    }
    const settled = (): void => {
      if (ordinary) limit.done();
    };
    host.send(command).then(
      (ack) => {
        settled();
        sendAck(id, ack);
        // `subscribe` asks for the current state now rather than at the next tick.
        const latest = host.latestState();
        if (ack.ok && (command as { type?: unknown }).type === 'subscribe' && latest)
          sendState(latest);
      },
      (error: unknown) => {
        settled();
        sendAck(id, {
          ok: false,
          reason: `the host failed to handle the command: ${error instanceof Error ? error.message : String(error)}`,
        });
      },
    );
  };

  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      socket.close(1003, 'binary messages are not supported; send JSON text');
      return;
    }
    onText(data.toString());
  });

  let config: Config | null = null;
  try {
    config = host.config();
  } catch (error) {
    logger.warn({ err: error }, 'no configuration to send to a new window yet');
  }
  if (config) sendMessage({ kind: 'config', config });
  const stopState = host.onState(sendState);
  const stopConfig = host.onConfig((next) => sendMessage({ kind: 'config', config: next }));

  let alive = true;
  socket.on('pong', () => (alive = true));
  // A window that vanished without closing (laptop lid, killed tab) is found by ping.
  const heartbeat = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, 30_000);
  heartbeat.unref();

  socket.on('close', () => {
    clearInterval(heartbeat);
    stopState();
    stopConfig();
  });
  socket.on('error', (error) => logger.warn({ err: error }, 'headless WebSocket error'));
}
