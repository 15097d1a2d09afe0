import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Rng } from '../engine/core/rng.js';
import { ClientSession, type SessionHooks, type SessionRules } from './client-session.js';
import { describeFaults, parseFaultSpec, validateFaultSpec, type FaultSpec } from './fault-spec.js';
import { FaultInjector, type FaultCounters } from './fault-injector.js';
import type { SimBookView } from './frame-output.js';
import { GeneratedFeed } from './generated-feed.js';
import { mixSeed } from './generated-market.js';
import type { MarketFeed } from './market-feed.js';
import { ReplayFeed } from './replay-feed.js';
import { RestApi, type RestCounters } from './rest-api.js';
import { checkStreamName, splitStreamList, type StreamCheck } from './stream-names.js';
import { StreamHub } from './stream-hub.js';
import { profileFor } from './symbol-profiles.js';
import type { LogFn } from '../../shared/log.js';

/**
 * The built-in exchange: Binance's spot market-data protocol on 127.0.0.1, generated
 * (seeded order flow, see order-flow-model.ts) or replayed from a recording, with optional
 * faults (fault-spec.ts). One port serves both:
 *   ws://127.0.0.1:PORT/stream?streams=btcusdt@depth@100ms/btcusdt@trade   combined frames
 *   ws://127.0.0.1:PORT/ws/btcusdt@depth@100ms                              bare payloads
 *     (any name is accepted on /ws/, as on Binance; only served streams deliver)
 *   http://127.0.0.1:PORT/api/v3/depth?symbol=BTCUSDT&limit=1000           REST snapshot
 * plus live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY.
 */
export interface SimulatorOptions {
  /** 0 picks a free port (tests); the CLI defaults to 9443. */
  readonly port?: number;
  /** Only 127.0.0.1: the simulator never listens beyond this machine. */
  readonly host?: '127.0.0.1';
  /** Seed of the generated market and of the faults (default: from the clock; see `seed`). */
  readonly seed?: number;
  /** Generated symbols (default BTCUSDT, ETHUSDT); ignored with `replay`. */
  readonly symbols?: readonly string[];
  /** Serve this recording (docs/ARCHITECTURE.md §4) instead of generating a market. */
  readonly replay?: string;
  /** Replay pace (1 = the recording's own, 'max' = as fast as clients take it); generated: simulated seconds per second. */
  readonly speed?: number | 'max';
  /** Fault spec text (see fault-spec.ts) or object. */
  readonly faults?: string | Partial<FaultSpec>;
  /** Depth diffs per second per symbol on `@depth@100ms` (default 10, as Binance). */
  readonly rate?: number;
  /** Longest life of a connection (default 24 h, as Binance). */
  readonly maxConnectionMs?: number;
  /** Server ping period (default 20 s) and how long a pong may take (default 60 s). */
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** Incoming messages allowed per second per connection (default 5). */
  readonly maxMessagesPerSecond?: number;
  /** REST request weight per minute (default 6000, as Binance; 0 = unlimited). */
  readonly restWeightPerMinute?: number;
  readonly log?: LogFn;
}

export interface SimulatorStats {
  readonly connections: number;
  readonly framesSent: number;
  readonly faults: Readonly<FaultCounters>;
  readonly rest: Readonly<RestCounters>;
}

export interface SimulatorHandle {
  readonly port: number;
  /** ws://127.0.0.1:PORT — `market.url`. */
  readonly url: string;
  /** http://127.0.0.1:PORT — `market.rest_url`. */
  readonly restUrl: string;
  readonly seed: number;
  readonly mode: 'generated' | 'replay';
  readonly symbols: readonly string[];
  readonly faults: FaultSpec;
  /**
   * The simulator's own book of a symbol (1e-8 units, best first). Generated: the book as
   * of the latest `@depth@100ms` diff (lastUpdateId = its u), i.e. exactly what a client
   * that applied every diff so far must hold. Replay: the book the recording describes.
   */
  book(symbol: string): SimBookView;
  /** Replay: resolves when the recording has been played; generated: never. */
  readonly finished: Promise<void>;
  stats(): SimulatorStats;
  /** Replaces the faults in force ('' lifts them); new connections and frames see them at once. */
  setFaults(faults: string | Partial<FaultSpec>): void;
  /** Freezes the market (no events, no frames; the book stands still) until resume(). */
  pause(): void;
  resume(): void;
  /** Cuts every connection abruptly, as a network failure would. */
  disconnectAll(): void;
  connectionCount(): number;
  close(): Promise<void>;
}

export const DEFAULT_SYMBOLS: readonly string[] = ['BTCUSDT', 'ETHUSDT'];
const DAY_MS = 24 * 60 * 60 * 1000;

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const log: LogFn = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1')
    throw new Error(`the simulator listens on 127.0.0.1 only, not ${String(host)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`port must be an integer from 0 to 65535, got ${port}`);
  const seed = (options.seed ?? Date.now()) >>> 0;
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new Error(`seed must be an integer, got ${options.seed}`);
  const readFaults = (spec: string | Partial<FaultSpec> | undefined): FaultSpec =>
    typeof spec === 'string' || spec === undefined ? parseFaultSpec(spec) : validateFaultSpec(spec);
  const faults = readFaults(options.faults);
  const rules: Omit<SessionRules, 'disconnectAfterMs'> = {
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? 20_000),
    pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs ?? 60_000),
    maxConnectionMs: positive('maxConnectionMs', options.maxConnectionMs ?? DAY_MS),
    maxMessagesPerSecond: positive('maxMessagesPerSecond', options.maxMessagesPerSecond ?? 5),
  };

  const feed = await openFeed(options, seed, log);
  const injector = new FaultInjector(faults, new Rng(mixSeed(seed, '#faults')));
  const hub = new StreamHub(injector, () => feed.feedTimeMs());
  const rest = new RestApi(feed, {
    faults: injector,
    weightPerMinute: options.restWeightPerMinute ?? 6000,
    profileOf: (symbol) => (options.replay === undefined ? profileFor(symbol) : null),
    log,
  });

  const sessions = new Set<ClientSession>();
  const warnedSymbols = new Set<string>();
  const checkStream = (stream: string): StreamCheck => {
    const verdict = checkStreamName(stream, feed.extraStreams);
    if (
      verdict.ok &&
      !feed.symbols.includes(verdict.symbol) &&
      !warnedSymbols.has(verdict.symbol)
    ) {
      warnedSymbols.add(verdict.symbol);
      log(
        'warn',
        `a client asked for ${stream}, but the simulator serves ${feed.symbols.join(', ')}: that stream stays silent`,
      );
    }
    return verdict;
  };
  const hooks: SessionHooks = {
    checkStream,
    subscribe: (session, stream) => hub.add(session, stream),
    unsubscribe: (session, stream) => hub.remove(session, stream),
    closed: (session) => sessions.delete(session),
    disconnectActive: () => injector.spec.disconnectMs !== null,
    log,
  };
  let nextSessionId = 0;

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((req, res) => rest.handle(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = routeOf(req.url ?? '/');
    if (typeof route === 'string') {
      refuseUpgrade(socket, route.startsWith('no such') ? 404 : 400, route);
      return;
    }
    // Combined streams are checked up front. The raw `/ws/<name>` path takes anything, as
    // Binance does (ccxt opens `/ws/<its stream index>` and then sends SUBSCRIBE): a name
    // that is not a served stream just delivers nothing.
    const streams = route.combined
      ? route.streams
      : route.streams.filter((stream) => checkStream(stream).ok);
    if (route.combined) {
      for (const stream of streams) {
        const verdict = checkStream(stream);
        if (!verdict.ok) {
          refuseUpgrade(socket, 400, `Invalid request: ${verdict.reason}`);
          return;
        }
      }
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = new ClientSession(
        ws,
        route.combined,
        { ...rules, disconnectAfterMs: injector.spec.disconnectMs },
        hooks,
        ++nextSessionId,
      );
      sessions.add(session);
      for (const stream of streams) session.subscribe(stream);
      feed.clientConnected();
    });
  });

  await listen(server, port, host);
  feed.start(hub);
  const actualPort = (server.address() as AddressInfo).port;
  log(
    'info',
    `simulator on 127.0.0.1:${actualPort}, ${options.replay ? `replaying ${options.replay}` : `generating ${feed.symbols.join(', ')} (seed ${seed})`}`,
  );

  let closing: Promise<void> | null = null;
  return {
    port: actualPort,
    url: `ws://127.0.0.1:${actualPort}`,
    restUrl: `http://127.0.0.1:${actualPort}`,
    seed,
    mode: options.replay === undefined ? 'generated' : 'replay',
    symbols: feed.symbols,
    get faults() {
      return injector.spec;
    },
    book: (symbol) => feed.book(symbol),
    finished: feed.finished,
    stats: () => ({
      connections: sessions.size,
      framesSent: hub.framesSent,
      faults: { ...injector.counters },
      rest: { ...rest.counters },
    }),
    setFaults: (spec) => {
      injector.spec = readFaults(spec);
      log('info', `faults now: ${describeFaults(injector.spec)}`);
    },
    pause: () => feed.pause(),
    resume: () => feed.resume(),
    disconnectAll: () => {
      for (const session of [...sessions]) session.cut('disconnectAll');
    },
    connectionCount: () => sessions.size,
    close: () => {
      closing ??= (async () => {
        feed.close();
        rest.close();
        for (const session of [...sessions]) session.cut('simulator closing');
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

async function openFeed(options: SimulatorOptions, seed: number, log: LogFn): Promise<MarketFeed> {
  if (options.replay !== undefined) {
    return ReplayFeed.open({ path: options.replay, speed: options.speed ?? 1, log });
  }
  const speed = options.speed ?? 1;
  if (speed === 'max')
    throw new Error(
      'speed "max" applies to a replay only; a generated market runs at a number of simulated seconds per second',
    );
  const symbols = options.symbols ?? DEFAULT_SYMBOLS;
  for (const symbol of symbols) profileFor(symbol); // a bad symbol fails here, with its name
  return new GeneratedFeed({ symbols, seed, rate: options.rate ?? 10, speed });
}

type Route = { readonly combined: boolean; readonly streams: readonly string[] };

/** `/stream?streams=a/b` (combined) or `/ws`, `/ws/a/b` (raw); otherwise why not. */
function routeOf(rawUrl: string): Route | string {
  const url = new URL(rawUrl, 'http://127.0.0.1');
  const path = url.pathname;
  if (path === '/stream' || path === '/stream/') {
    return { combined: true, streams: splitStreamList(url.searchParams.get('streams') ?? '') };
  }
  if (path === '/ws' || path.startsWith('/ws/')) {
    return { combined: false, streams: splitStreamList(decodeURIComponent(path.slice(3))) };
  }
  return `no such WebSocket endpoint ${path}; use /stream?streams=<s1>/<s2> or /ws/<stream>`;
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ code: 2, msg: message });
  const reason = status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use (another simulator?); pick another with --port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value)))
    throw new Error(`${name} must be a positive number, got ${String(value)}`);
  return value;
}
