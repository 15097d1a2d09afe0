import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import type { FeedState } from '../../../shared/domain.js';
import { Rng } from '../core/rng.js';
import { Backoff } from '../../../shared/backoff.js';
import { SnapshotOutcome } from './book-sync.js';
import type { MarketPipeline } from './market-pipeline.js';
import type { LogFn } from '../../../shared/log.js';

/**
 * Reconnects and snapshot retries wait anywhere in (½, 1] of their delay: clients that
 * lost the same server do not return in lockstep.
 */
const RETRY_JITTER = 0.5;

export interface ExchangeClientOptions {
  /** WebSocket base (Config.market.url), e.g. wss://stream.binance.com:9443. */
  readonly url: string;
  /** REST base (Config.market.rest_url), e.g. https://api.binance.com. */
  readonly restUrl: string;
  readonly symbols: readonly string[];
  readonly pipeline: MarketPipeline;
  /** Monotonic µs clock for T0 (the engine core's clock is injected here). */
  readonly nowMonoUs: () => number;
  /** Receive time on the recording clock, µs since the epoch (default Date.now() × 1000). */
  readonly nowEpochUs?: () => number;
  /** REST snapshot depth (Config.market.snapshot_limit, ≤ 5000). */
  readonly snapshotLimit?: number;
  /** No market data for this long: `stale` (Config.market.stale_after_ms). */
  readonly staleAfterMs?: number;
  /** No traffic at all (data, pings, pongs) for this long: the connection is dead. */
  readonly deadAfterMs?: number;
  /** The client pings this often, so a quiet but healthy link still shows traffic. */
  readonly pingIntervalMs?: number;
  /** Reconnect before the exchange's 24-hour cut. */
  readonly maxConnectionMs?: number;
  /** Subscribe to `<symbol>@bookTicker` too (Config.market.book_ticker). */
  readonly bookTicker?: boolean;
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  readonly snapshotRetryInitialMs?: number;
  readonly snapshotRetryMaxMs?: number;
  readonly fetchTimeoutMs?: number;
  /** Seed of the backoff jitter. */
  readonly seed?: number;
  /** Handles each frame (default: pipeline.onFrame); the recorder and the engine wrap it. */
  readonly handleFrame?: (data: Buffer, tsUs: number, t0Us: number) => void;
  /** Sees each REST snapshot body before the pipeline does (the recorder writes it). */
  readonly onSnapshotBody?: (symbol: string, body: string, tsUs: number) => void;
  readonly onState?: (state: FeedState, detail: string) => void;
  readonly log?: LogFn;
}

export interface ExchangeClientStats {
  connects: number;
  disconnects: number;
  frames: number;
  snapshotsFetched: number;
  snapshotErrors: number;
}

/**
 * Binance spot market data over `ws`: one combined-stream connection for all symbols
 * (depth@100ms + trade [+ bookTicker]) and REST depth snapshots, driving a MarketPipeline.
 *
 * - Snapshots are fetched on every (re)connect and whenever the pipeline asks (a gap, a
 *   crossed book, a snapshot older than the buffered diffs), retried with backoff
 *   on REST errors, and dropped if they belong to a connection that has since been replaced.
 * - The server's pings are answered by `ws`; the client pings too, and a link silent past
 *   `deadAfterMs` is torn down. A feed without market data past `staleAfterMs` is `stale`.
 * - Any close — an error, the exchange's 24-hour cut, a dead link — is a reconnect with
 *   exponential backoff and jitter; the backoff resets once a connection delivers data.
 * - State: connecting → syncing → live; stale when silent; down between connections.
 */
export class ExchangeClient {
  readonly stats: ExchangeClientStats = {
    connects: 0,
    disconnects: 0,
    frames: 0,
    snapshotsFetched: 0,
    snapshotErrors: 0,
  };
  private currentState: FeedState = 'down';
  private ws: WebSocket | undefined;
  private generation = 0;
  private closed = false;
  private lastDataMs = 0;
  private lastTrafficMs = 0;
  private lastPingMs = 0;
  private openedMs = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly fetching = new Set<string>();
  private readonly abort = new AbortController();
  private readonly reconnectBackoff: Backoff;
  private readonly rng: Rng;
  private readonly log: LogFn;
  private readonly handleFrame: (data: Buffer, tsUs: number, t0Us: number) => void;
  private readonly nowEpochUs: () => number;
  private closedPromise: Promise<void> = Promise.resolve();

  constructor(private readonly options: ExchangeClientOptions) {
    if (options.symbols.length === 0)
      throw new Error('the exchange client needs at least one symbol');
    this.rng = new Rng(options.seed ?? Date.now() % 2 ** 31);
    this.reconnectBackoff = new Backoff(
      {
        initialMs: options.reconnectInitialMs ?? 500,
        maxMs: options.reconnectMaxMs ?? 30_000,
        jitter: RETRY_JITTER,
      },
      () => this.rng.next(),
    );
    this.log = options.log ?? (() => undefined);
    const pipeline = options.pipeline;
    this.handleFrame =
      options.handleFrame ?? ((data, tsUs, t0Us) => pipeline.onFrame(data, tsUs, t0Us));
    this.nowEpochUs = options.nowEpochUs ?? (() => Date.now() * 1000);
    pipeline.setSnapshotRequester((symbol) => this.requestSnapshot(symbol));
  }

  get state(): FeedState {
    return this.currentState;
  }

  /** The combined-stream URL this client subscribes to. */
  get streamUrl(): string {
    const streams = this.options.symbols.flatMap((symbol) => {
      const s = symbol.toLowerCase();
      return [
        `${s}@depth@100ms`,
        `${s}@trade`,
        ...(this.options.bookTicker ? [`${s}@bookTicker`] : []),
      ];
    });
    return `${this.options.url.replace(/\/+$/, '')}/stream?streams=${streams.join('/')}`;
  }

  start(): void {
    if (this.closed) throw new Error('this exchange client was closed; create a new one');
    const tick = Math.max(20, Math.min(250, (this.options.staleAfterMs ?? 5000) / 4));
    this.watchdog = setInterval(() => this.checkLink(), tick);
    this.connect();
  }

  /** Closes the connection and stops reconnecting and fetching. */
  async close(): Promise<void> {
    if (this.closed) return this.closedPromise;
    this.closed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.reconnectTimer);
    this.abort.abort();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      this.closedPromise = new Promise((resolve) => ws.once('close', () => resolve()));
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client closing');
      // A peer that never answers the close handshake must not hold us up.
      const force = setTimeout(() => ws.terminate(), 2000);
      await this.closedPromise;
      clearTimeout(force);
    }
    this.setState('down', 'closed');
  }

  private connect(): void {
    if (this.closed) return;
    const generation = ++this.generation;
    this.setState('connecting', this.options.url);
    const ws = new WebSocket(this.streamUrl, {
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    ws.on('open', () => {
      if (generation !== this.generation) return;
      this.stats.connects++;
      this.openedMs = this.lastDataMs = this.lastTrafficMs = this.lastPingMs = Date.now();
      this.options.pipeline.resetForReconnect();
      this.fetching.clear();
      this.setState('syncing', 'connected; waiting for the first diffs and a snapshot');
      // Fetch at once rather than on the first diff: a quiet symbol may send no diff for a
      // long time. The stream is already subscribed, so the snapshot is never older than
      // what follows it; one older than diffs buffered meanwhile is refetched (TOO_OLD).
      for (const symbol of this.options.symbols) this.requestSnapshot(symbol);
    });
    ws.on('message', (data: Buffer) => {
      if (generation !== this.generation) return;
      const t0 = this.options.nowMonoUs();
      const now = Date.now();
      this.lastDataMs = this.lastTrafficMs = now;
      this.stats.frames++;
      this.handleFrame(data, this.nowEpochUs(), t0);
      if (this.currentState !== 'live' || this.stats.frames % 64 === 0) this.refreshState();
    });
    ws.on('ping', () => (this.lastTrafficMs = Date.now()));
    ws.on('pong', () => (this.lastTrafficMs = Date.now()));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      // Read the refusal's body first (it says why), then give up on this attempt.
      res.on('end', () => {
        this.log(
          'warn',
          `exchange refused the stream connection: HTTP ${res.statusCode} ${body.slice(0, 300)}`,
        );
        ws.terminate();
      });
      res.on('error', () => ws.terminate());
    });
    ws.on('error', (error) => this.log('warn', `stream connection error: ${error.message}`));
    ws.on('close', (code, reason) => {
      if (generation !== this.generation) return;
      this.onDisconnected(`closed (${code}${reason.length ? ' ' + reason.toString() : ''})`);
    });
  }

  private onDisconnected(why: string): void {
    this.stats.disconnects++;
    this.ws = undefined;
    if (this.closed) return;
    const delay = this.reconnectBackoff.nextDelayMs();
    this.log('warn', `stream ${why}; reconnecting in ${Math.round(delay)} ms`, {
      attempt: this.reconnectBackoff.attempts,
    });
    this.setState('down', `${why}; reconnecting`);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Staleness, dead links, client pings and the connection's age. */
  private checkLink(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    const staleAfter = this.options.staleAfterMs ?? 5000;
    if (now - this.lastTrafficMs > (this.options.deadAfterMs ?? 60_000)) {
      this.log('warn', `no traffic for ${now - this.lastTrafficMs} ms: the connection is dead`);
      ws.terminate();
      return;
    }
    if (now - this.openedMs > (this.options.maxConnectionMs ?? 23.5 * 3600_000)) {
      this.log('info', 'connection nears the exchange 24-hour limit; reconnecting');
      ws.close(1000, 'periodic reconnect');
      return;
    }
    if (now - this.lastPingMs > (this.options.pingIntervalMs ?? 20_000)) {
      this.lastPingMs = now;
      ws.ping();
    }
    if (now - this.lastDataMs > staleAfter) {
      if (this.currentState !== 'stale')
        this.setState('stale', `no market data for ${now - this.lastDataMs} ms`);
    } else {
      this.refreshState();
    }
  }

  /** syncing until every book is synced, then live. */
  private refreshState(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastDataMs > (this.options.staleAfterMs ?? 5000)) return;
    const pipeline = this.options.pipeline;
    const allSynced = this.options.symbols.every((symbol) => pipeline.book(symbol).synced);
    if (allSynced) {
      if (this.currentState !== 'live') this.reconnectBackoff.reset();
      this.setState('live', 'all books synced');
    } else {
      this.setState('syncing', 'waiting for a snapshot');
    }
  }

  private setState(state: FeedState, detail: string): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.options.pipeline.setConnectionState(state, this.nowEpochUs());
    this.log(
      state === 'live' || state === 'syncing' || state === 'connecting' ? 'info' : 'warn',
      `feed ${state}: ${detail}`,
    );
    this.options.onState?.(state, detail);
  }

  /** Waits, or returns at once when the client closes. */
  private sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  /** Called by the pipeline; one fetch loop per symbol at a time. */
  private requestSnapshot(symbol: string): void {
    if (this.closed || this.fetching.has(symbol)) return;
    this.fetching.add(symbol);
    void this.fetchUntilSynced(symbol, this.generation).finally(() => this.fetching.delete(symbol));
  }

  private async fetchUntilSynced(symbol: string, generation: number): Promise<void> {
    const backoff = new Backoff(
      {
        initialMs: this.options.snapshotRetryInitialMs ?? 250,
        maxMs: this.options.snapshotRetryMaxMs ?? 10_000,
        jitter: RETRY_JITTER,
      },
      () => this.rng.next(),
    );
    const url = `${this.options.restUrl.replace(/\/+$/, '')}/api/v3/depth?symbol=${symbol}&limit=${this.options.snapshotLimit ?? 1000}`;
    const pipeline = this.options.pipeline;
    while (!this.closed && generation === this.generation && pipeline.wantsSnapshot(symbol)) {
      let body: string;
      try {
        const response = await fetch(url, {
          signal: AbortSignal.any([
            this.abort.signal,
            AbortSignal.timeout(this.options.fetchTimeoutMs ?? 10_000),
          ]),
        });
        body = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
      } catch (error) {
        if (this.closed) return;
        this.stats.snapshotErrors++;
        const delay = backoff.nextDelayMs();
        this.log(
          'warn',
          `${symbol}: snapshot fetch failed (${error instanceof Error ? error.message : String(error)}); retrying in ${Math.round(delay)} ms`,
        );
        await this.sleep(delay);
        continue;
      }
      // The connection was replaced while we waited: this snapshot belongs to no one.
      if (this.closed || generation !== this.generation) return;
      this.stats.snapshotsFetched++;
      const tsUs = this.nowEpochUs();
      this.options.onSnapshotBody?.(symbol, body, tsUs);
      const outcome = pipeline.onSnapshot(symbol, body, tsUs, this.options.nowMonoUs());
      this.refreshState();
      if (outcome === SnapshotOutcome.APPLIED || outcome === SnapshotOutcome.NOT_NEEDED) continue;
      // Too old, malformed, or lost again right away: take another after a short pause.
      await this.sleep(outcome === SnapshotOutcome.TOO_OLD ? 100 : backoff.nextDelayMs());
    }
  }
}
