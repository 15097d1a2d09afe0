import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Rng } from '../engine/core/rng.js';
import { parseFaultSpec, describeFaults, type FaultSpec } from './fault-spec.js';
import type { MarketSource } from './market-source.js';
import type { SimLog } from './replay-source.js';
import { SimConnection } from './sim-connection.js';

export interface SimServerOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly faults: FaultSpec;
  /** Server pings this often (Binance: 20 s) ... */
  readonly pingIntervalMs: number;
  /** ... and drops a client that has not answered within this (Binance: 1 minute). */
  readonly pongTimeoutMs: number;
  /** A connection lives at most this long (Binance: 24 hours). */
  readonly maxConnectionMs: number;
  readonly log: SimLog;
}

const STREAM_NAME = /^([a-z0-9]{2,20})@(depth@100ms|depth|trade|bookTicker)$/;

/**
 * Binance's wire protocol on 127.0.0.1: WebSocket streams at `/stream?streams=a/b` (each
 * message wrapped as {"stream","data"}) and `/ws/a/b` (bare payloads), live SUBSCRIBE /
 * UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests, server pings, and REST `GET /api/v3/depth`,
 * `/api/v3/ping`, `/api/v3/time`. Faults (fault-spec.ts) apply per connection.
 */
export class SimServer {
  private readonly http = createServer((req, res) => this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<SimConnection>();
  private readonly rng: Rng;
  private faults: FaultSpec;
  private readonly startedMs = Date.now();
  private pingTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private readonly symbolSet: Set<string>;
  private wasSilent = false;
  port = 0;

  constructor(
    private readonly source: MarketSource,
    private readonly options: SimServerOptions,
  ) {
    this.rng = new Rng(options.seed ^ 0x5eed);
    this.faults = options.faults;
    this.symbolSet = new Set(source.symbols.map((s) => s.toLowerCase()));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.pingTimer = setInterval(() => this.pingAll(), this.options.pingIntervalMs);
    this.silenceTimer = setInterval(() => this.checkSilence(), 50);
    this.source.start((streams, payload) => this.publish(streams, payload));
  }

  setFaults(faults: FaultSpec | string): void {
    this.faults = typeof faults === 'string' ? parseFaultSpec(faults) : faults;
    this.options.log('info', `faults now: ${describeFaults(this.faults)}`);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Drops every client connection abruptly (as a network failure would). */
  disconnectAll(): void {
    for (const connection of this.connections) connection.ws.terminate();
  }

  async close(): Promise<void> {
    this.source.stop();
    clearInterval(this.pingTimer);
    clearInterval(this.silenceTimer);
    for (const connection of this.connections) connection.ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private isSilent(now: number): boolean {
    const { silenceMs, silenceEveryMs } = this.faults;
    if (silenceMs <= 0) return false;
    const elapsed = now - this.startedMs;
    return elapsed >= silenceEveryMs && elapsed % silenceEveryMs < silenceMs;
  }

  private checkSilence(): void {
    const silent = this.isSilent(Date.now());
    if (silent !== this.wasSilent) this.options.log('info', silent ? 'silence fault: the feed goes quiet' : 'silence fault over');
    if (!silent && this.wasSilent) for (const connection of this.connections) connection.flush();
    this.wasSilent = silent;
  }

  private publish(streams: readonly string[], payload: string): void {
    const silent = this.isSilent(Date.now());
    for (const connection of this.connections) {
      for (const stream of streams) {
        if (!connection.streams.has(stream)) continue;
        connection.deliver(stream, payload, stream.includes('@depth'), this.faults, this.rng, silent);
        break;
      }
    }
  }

  private pingAll(): void {
    const now = Date.now();
    if (this.isSilent(now)) return;
    for (const connection of this.connections) {
      if (now - connection.lastPongMs > this.options.pongTimeoutMs) {
        this.options.log('info', 'dropping a client that did not answer pings');
        connection.ws.terminate();
        continue;
      }
      connection.ws.ping();
    }
  }

  // ---- WebSocket ---------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let streams: string[];
    let combined: boolean;
    if (url.pathname === '/stream') {
      combined = true;
      streams = (url.searchParams.get('streams') ?? '').split('/').filter(Boolean);
    } else if (url.pathname.startsWith('/ws')) {
      combined = false;
      streams = url.pathname.slice(3).split('/').filter(Boolean);
    } else {
      return refuse(socket, 404, `no WebSocket endpoint at ${url.pathname}; use /stream?streams=... or /ws/<stream>`);
    }
    const bad = streams.find((stream) => !this.validStream(stream));
    if (bad !== undefined) {
      return refuse(socket, 400, `unknown stream "${bad}"; this simulator offers <symbol>@depth@100ms, @depth, @trade, @bookTicker for ${[...this.symbolSet].join(', ')}`);
    }
    if (!combined && streams.length === 0) return refuse(socket, 400, 'name a stream: /ws/btcusdt@trade');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, streams, combined));
  }

  private validStream(stream: string): boolean {
    const match = STREAM_NAME.exec(stream);
    return match !== null && this.symbolSet.has(match[1]!);
  }

  private onConnection(ws: WebSocket, streams: string[], combined: boolean): void {
    const connection = new SimConnection(ws, combined);
    for (const stream of streams) connection.streams.add(stream);
    this.connections.add(connection);
    ws.on('pong', () => (connection.lastPongMs = Date.now()));
    ws.on('message', (data) => this.onClientMessage(connection, data.toString()));
    ws.on('error', () => ws.terminate());
    const lifetime = setTimeout(() => ws.close(1001, 'connection lifetime reached'), this.options.maxConnectionMs);
    const disconnect =
      this.faults.disconnectMs > 0
        ? setTimeout(() => {
            if (this.faults.disconnectMs <= 0) return; // the fault was lifted meanwhile
            this.options.log('info', 'disconnect fault: dropping a client');
            ws.terminate();
          }, this.faults.disconnectMs)
        : undefined;
    ws.on('close', () => {
      clearTimeout(lifetime);
      clearTimeout(disconnect);
      this.connections.delete(connection);
    });
  }

  /** Binance's live subscription requests: {"method","params","id"}. */
  private onClientMessage(connection: SimConnection, text: string): void {
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      connection.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' } }), false);
      return;
    }
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
    const params = Array.isArray(request.params) ? request.params : [];
    const reply = (body: object) => connection.send(JSON.stringify({ ...body, id }), false);
    switch (request.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const bad = params.find((p) => typeof p !== 'string' || !this.validStream(p));
        if (bad !== undefined) return reply({ error: { code: 2, msg: `Invalid request: unknown stream ${JSON.stringify(bad)}` } });
        for (const stream of params as string[]) {
          if (request.method === 'SUBSCRIBE') connection.streams.add(stream);
          else connection.streams.delete(stream);
        }
        return reply({ result: null });
      }
      case 'LIST_SUBSCRIPTIONS':
        return reply({ result: [...connection.streams] });
      default:
        return reply({ error: { code: 2, msg: 'Invalid request: method must be SUBSCRIBE, UNSUBSCRIBE or LIST_SUBSCRIPTIONS' } });
    }
  }

  // ---- REST --------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(body);
    };
    if (req.method !== 'GET') return json(405, JSON.stringify({ code: -1000, msg: 'only GET is served' }));
    switch (url.pathname) {
      case '/api/v3/ping':
        return json(200, '{}');
      case '/api/v3/time':
        return json(200, JSON.stringify({ serverTime: Date.now() }));
      case '/api/v3/depth':
        return this.depth(url, json);
      default:
        return json(404, JSON.stringify({ code: -1000, msg: `no endpoint ${url.pathname}; this simulator serves /api/v3/depth` }));
    }
  }

  private depth(url: URL, json: (status: number, body: string) => void): void {
    const symbol = url.searchParams.get('symbol') ?? '';
    if (symbol === '') {
      return json(400, JSON.stringify({ code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }));
    }
    if (!this.source.symbols.includes(symbol)) return json(400, JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }));
    const limitText = url.searchParams.get('limit') ?? '100';
    const limit = /^\d{1,5}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 5000)) {
      return json(400, JSON.stringify({ code: -1100, msg: `Illegal characters found in parameter 'limit'; legal range is 1 to 5000, got '${limitText}'.` }));
    }
    if (this.faults.restError > 0 && this.rng.next() < this.faults.restError) {
      return json(500, JSON.stringify({ code: -1001, msg: 'Internal error; unable to process your request. Please try again.' }));
    }
    // Taken now, delivered late: a slow snapshot is an old snapshot, as on a slow link.
    const reply = this.source.snapshot(symbol, limit);
    if (this.faults.slowSnapshotMs > 0) setTimeout(() => json(reply.status, reply.body), this.faults.slowSnapshotMs);
    else json(reply.status, reply.body);
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ code: -1, msg: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
