import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CommandEnvelopeSchema,
  parseCommand,
  type Command,
  type CommandAck,
  type HostMessage,
} from '../../shared/api.js';
import { FakeMarket } from './fake-host-market.js';

/**
 * A stand-in for the headless host, for the window's browser tests: serves the built UI
 * (dist/ui) on 127.0.0.1:<ephemeral> under a strict CSP, speaks the window's WebSocket
 * protocol, publishes a synthetic EngineState at a chosen rate (100 Hz by default),
 * records and acknowledges commands, and can refuse, hold back acks, drop connections and
 * stay down, so every path the window must handle can be provoked.
 */
export interface RecordedCommand {
  readonly id: number;
  readonly command: Command;
  readonly atMs: number;
}

export interface FakeHostOptions {
  readonly stateHz?: number;
  readonly symbols?: readonly string[];
  readonly seed?: number;
  readonly uiDir?: string;
}

export interface FakeHost {
  /** The page URL with its token, as the real host prints it. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly market: FakeMarket;
  /** Every valid command received, in order (subscribe included). */
  readonly commands: readonly RecordedCommand[];
  /** Invalid envelopes or commands, with the reason sent back. */
  readonly refusedPayloads: readonly string[];
  readonly openSockets: number;
  /** States not sent to a socket because it had not drained the previous ones. */
  readonly skippedStates: number;
  /** Resolves with the first recorded command (from now or already recorded) matching. */
  waitForCommand(
    match: (command: Command) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCommand>;
  /** The next command of `type` is refused with `reason` (and not applied). */
  refuseNext(type: Command['type'], reason: string): void;
  /** Commands of `type` wait unanswered and unapplied until the returned function is called. */
  holdAcks(type: Command['type']): () => void;
  /** Closes every socket abruptly, as a crashed host would. */
  dropConnections(): void;
  /** While false, new WebSocket upgrades are refused (the host is "down"). */
  setAccepting(accepting: boolean): void;
  /** States published per second (0 pauses the stream). */
  setStateHz(hz: number): void;
  /** Publishes the current state now, without moving the market. */
  publish(): void;
  close(): Promise<void>;
}

/** Unsent bytes above which a socket is skipped for state messages (acks always go). */
const STATE_BACKLOG_BYTES = 128 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// What the real host is expected to send: no inline script may run.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function defaultUiDir(): string {
  // Compiled to dist/test/e2e/fake-host.js; the UI is built to dist/ui.
  return resolve(__dirname, '..', '..', 'ui');
}

export async function startFakeHost(options: FakeHostOptions = {}): Promise<FakeHost> {
  const uiDir = options.uiDir ?? defaultUiDir();
  if (!existsSync(join(uiDir, 'index.html'))) {
    throw new Error(
      `the UI is not built: ${join(uiDir, 'index.html')} is missing (run npm run build)`,
    );
  }
  const token = randomBytes(12).toString('hex');
  const market = new FakeMarket(options.symbols, options.seed);
  const commands: RecordedCommand[] = [];
  const refusedPayloads: string[] = [];
  const refusals = new Map<Command['type'], string>();
  const held = new Map<Command['type'], (() => void)[]>();
  const commandWaiters = new Set<() => void>();
  const sockets = new Set<WebSocket>();
  let accepting = true;
  let timer: ReturnType<typeof setInterval> | null = null;
  let lastTickMs = Date.now();
  let skippedStates = 0;

  const send = (socket: WebSocket, message: HostMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  const publish = (): void => {
    if (sockets.size === 0) return;
    const text = JSON.stringify({ kind: 'state', state: market.snapshot() } satisfies HostMessage);
    for (const socket of sockets) {
      // A window that has not read the last states gets no new one until it has: states
      // are snapshots, the next supersedes this, and queueing them would delay the acks
      // behind seconds of stale market data.
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > STATE_BACKLOG_BYTES) {
        skippedStates++;
        continue;
      }
      socket.send(text);
    }
  };

  const tickAndPublish = (): void => {
    const now = Date.now();
    market.tick(Math.max(1, now - lastTickMs) * 1000);
    lastTickMs = now;
    publish();
  };

  const setStateHz = (hz: number): void => {
    if (timer !== null) clearInterval(timer);
    timer = hz > 0 ? setInterval(tickAndPublish, 1000 / hz) : null;
  };

  const answer = (socket: WebSocket, id: number, command: Command): void => {
    const refusal = refusals.get(command.type);
    let ack: CommandAck;
    if (refusal !== undefined) {
      refusals.delete(command.type);
      ack = { ok: false, reason: refusal };
    } else ack = market.apply(command);
    send(socket, { kind: 'ack', id, ack });
    // The window learns the effect from the state stream, as from the real engine.
    publish();
  };

  const onMessage = (socket: WebSocket, text: string): void => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      refusedPayloads.push(text);
      return;
    }
    const envelope = CommandEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      refusedPayloads.push(text);
      return;
    }
    const parsed = parseCommand(envelope.data.command);
    if (!parsed.ok) {
      refusedPayloads.push(text);
      send(socket, {
        kind: 'ack',
        id: envelope.data.id,
        ack: { ok: false, reason: parsed.reason },
      });
      return;
    }
    commands.push({ id: envelope.data.id, command: parsed.command, atMs: Date.now() });
    for (const wake of [...commandWaiters]) wake();
    const queue = held.get(parsed.command.type);
    if (queue !== undefined) queue.push(() => answer(socket, envelope.data.id, parsed.command));
    else answer(socket, envelope.data.id, parsed.command);
  };

  const serveFile = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path === '/' || path === '/index.html') {
      if (url.searchParams.get('token') !== token) {
        response
          .writeHead(403, { 'content-type': 'text/plain' })
          .end('a valid ?token= is required');
        return;
      }
      path = '/index.html';
    }
    const file = normalize(join(uiDir, path));
    if (!file.startsWith(uiDir + sep) || !existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = await readFile(file);
    response
      .writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'cache-control': 'no-store',
      })
      .end(body);
  };

  const server = createServer((request, response) => {
    serveFile(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!accepting || url.pathname !== '/ws' || url.searchParams.get('token') !== token) {
      socket.end(
        accepting
          ? 'HTTP/1.1 401 Unauthorized\r\n\r\n'
          : 'HTTP/1.1 503 Service Unavailable\r\n\r\n',
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('message', (data, isBinary) => {
        if (!isBinary) onMessage(ws, String(data));
      });
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const port = (server.address() as AddressInfo).port;
  setStateHz(options.stateHz ?? 100);

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    market,
    commands,
    refusedPayloads,
    get openSockets() {
      return sockets.size;
    },
    get skippedStates() {
      return skippedStates;
    },
    waitForCommand(match, timeoutMs = 10_000) {
      return new Promise<RecordedCommand>((resolveWait, reject) => {
        const check = (): boolean => {
          const found = commands.find((c) => match(c.command));
          if (!found) return false;
          commandWaiters.delete(wake);
          clearTimeout(deadline);
          resolveWait(found);
          return true;
        };
        const wake = (): void => void check();
        const deadline = setTimeout(() => {
          commandWaiters.delete(wake);
          reject(
            new Error(
              `no matching command within ${timeoutMs} ms; got ${JSON.stringify(commands.map((c) => c.command))}`,
            ),
          );
        }, timeoutMs);
        if (!check()) commandWaiters.add(wake);
      });
    },
    refuseNext(type, reason) {
      refusals.set(type, reason);
    },
    holdAcks(type) {
      const queue: (() => void)[] = [];
      held.set(type, queue);
      return () => {
        held.delete(type);
        for (const release of queue.splice(0)) release();
      };
    },
    dropConnections() {
      for (const socket of sockets) socket.terminate();
      sockets.clear();
    },
    setAccepting(value) {
      accepting = value;
    },
    setStateHz,
    publish,
    async close() {
      setStateHz(0);
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
