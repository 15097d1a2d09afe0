import type {
  Command,
  CommandAck,
  EngineState,
  HostMessage,
  LockstepApi,
} from '../../../shared/api.js';
import type { Config } from '../../../shared/config.js';
import { backoffDelayMs, type BackoffPolicy } from '../../../shared/backoff.js';
import { parseHostMessage } from './host-message.js';

/**
 * The headless transport: one WebSocket to the host that served the page, carrying
 * `{ id, command }` up and HostMessage down. When the socket drops, every command still
 * waiting is answered with a refusal (it may or may not have reached the engine, and the
 * trader must not be left waiting), the window is told, and the client reconnects with
 * backoff until the host is back.
 */

/** The part of the browser's WebSocket this client uses; `ws` in Node provides it too. */

/**
 * Reconnects to the host: doubling from 250 ms to a 5 s ceiling, so a host that restarts
 * in a second is found again quickly and one gone for long is not hammered; up to 20 %
 * jitter spreads several windows apart.
 */
export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 5000, jitter: 0.2 };

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

const OPEN = 1;

export interface WsApiOptions {
  readonly url: string;
  readonly createSocket?: WebSocketFactory;
  /** A command unanswered this long is refused, so a button never spins forever. */
  readonly ackTimeoutMs?: number;
  readonly backoff?: (attempt: number) => number;
  /** Malformed host messages are dropped and reported here (default: console.warn). */
  readonly onProtocolError?: (reason: string) => void;
}

export interface WsLockstepApi extends LockstepApi {
  onConfig(listener: (config: Config) => void): () => void;
  readonly connected: boolean;
  /** Closes for good: no reconnect; commands after this are refused. */
  close(): void;
}

/** `ws://<host>/ws?token=<token>` for the page at `location`. */
export function wsUrlFor(location: {
  readonly protocol: string;
  readonly host: string;
  readonly search: string;
}): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

interface PendingCommand {
  readonly resolve: (ack: CommandAck) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const defaultSocket: WebSocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike;

export function createWsApi(options: WsApiOptions): WsLockstepApi {
  const createSocket = options.createSocket ?? defaultSocket;
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const backoff =
    options.backoff ??
    ((attempt: number) => Math.round(backoffDelayMs(RECONNECT_BACKOFF, attempt, Math.random())));
  const reportProtocolError =
    options.onProtocolError ?? ((reason: string) => console.warn(`lockstep: ${reason}`));

  const stateListeners = new Set<(state: EngineState) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const configListeners = new Set<(config: Config) => void>();
  const pending = new Map<number, PendingCommand>();
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let connected = false;
  let closed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const setConnected = (value: boolean): void => {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const settle = (id: number, ack: CommandAck): void => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(ack);
  };

  const refuseAllPending = (reason: string): void => {
    for (const id of [...pending.keys()]) settle(id, { ok: false, reason });
  };

  const deliver = (message: HostMessage): void => {
    if (message.kind === 'state') for (const listener of stateListeners) listener(message.state);
    else if (message.kind === 'ack') settle(message.id, message.ack);
    else for (const listener of configListeners) listener(message.config);
  };

  const scheduleReconnect = (): void => {
    if (closed || retryTimer !== null) return;
    const delay = backoff(attempt++);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = (): void => {
    if (closed) return;
    let ws: WebSocketLike;
    try {
      ws = createSocket(options.url);
    } catch (error) {
      reportProtocolError(
        `cannot open ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
      );
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setConnected(true);
      // Asks the host for the current state at once rather than at its next tick.
      sendRaw({ type: 'subscribe' });
    };
    ws.onmessage = (event) => {
      if (socket !== ws) return;
      if (typeof event.data !== 'string') {
        reportProtocolError('host sent a binary message; the protocol is JSON text');
        return;
      }
      const parsed = parseHostMessage(event.data);
      if (parsed.ok) deliver(parsed.message);
      else reportProtocolError(parsed.reason);
    };
    ws.onerror = () => {
      // The close event follows and does the work; an error alone says nothing more.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setConnected(false);
      refuseAllPending(
        'the connection to the engine host was lost before the command was acknowledged; check the window for whether it took effect',
      );
      scheduleReconnect();
    };
  };

  const sendRaw = (command: Command): Promise<CommandAck> => {
    if (closed)
      return Promise.resolve({
        ok: false,
        reason: 'the window is closing; the command was not sent',
      });
    if (socket === null || socket.readyState !== OPEN) {
      return Promise.resolve({
        ok: false,
        reason: 'not connected to the engine host (reconnecting); the command was not sent',
      });
    }
    const id = nextId++;
    const ws = socket;
    return new Promise<CommandAck>((resolve) => {
      const timer = setTimeout(
        () =>
          settle(id, {
            ok: false,
            reason: `no acknowledgement from the engine host within ${ackTimeoutMs / 1000} s`,
          }),
        ackTimeoutMs,
      );
      pending.set(id, { resolve, timer });
      try {
        ws.send(JSON.stringify({ id, command }));
      } catch (error) {
        settle(id, {
          ok: false,
          reason: `sending failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    });
  };

  connect();

  return {
    send: sendRaw,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      // A late subscriber learns the current status without waiting for a change.
      listener(connected);
      return () => connectionListeners.delete(listener);
    },
    onConfig(listener) {
      configListeners.add(listener);
      return () => configListeners.delete(listener);
    },
    get connected() {
      return connected;
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      refuseAllPending('the window is closing; the command was not acknowledged');
      setConnected(false);
      ws?.close();
    },
  };
}
