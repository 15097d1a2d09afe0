import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_DEPTH_LIMIT, MAX_DEPTH_LIMIT, type MarketFeed } from './market-feed.js';
import type { FaultInjector } from './fault-injector.js';
import type { SymbolProfile } from './symbol-profiles.js';
import { decimal8, restErrorJson } from './wire-format.js';
import type { LogFn } from '../../shared/log.js';

/**
 * Binance's REST market-data endpoints the engine needs, with Binance's answers:
 * - GET /api/v3/depth?symbol=BTCUSDT&limit=N: {lastUpdateId, bids, asks}; limit defaults
 *   to 100 and is cut to 5000; weight 5 / 25 / 50 / 250 by limit (≤100 / ≤500 / ≤1000 / more);
 * - GET /api/v3/ping, /api/v3/time, /api/v3/exchangeInfo (PRICE_FILTER and LOT_SIZE of the
 *   served symbols, so a client can learn the grid);
 * - errors as {"code", "msg"}: -1102 missing parameter, -1100 illegal characters, -1121
 *   invalid symbol (HTTP 400); -1003 over the request-weight limit (HTTP 429, with
 *   Retry-After). Every answer carries x-mbx-used-weight(-1m) like Binance's.
 * The `slow_snapshot` fault delays the depth answer; its content is taken on arrival, so
 * the client receives a book that is already that much behind the stream. The
 * `rest_error` fault fails a depth request with HTTP 500 (-1001), as an overloaded
 * exchange does.
 */
export interface RestOptions {
  /** Faults in force now: `slow_snapshot` delays depth answers, `rest_error` fails them. */
  readonly faults: FaultInjector;
  /** Request weight allowed per minute (Binance: 6000); 0 = unlimited. */
  readonly weightPerMinute: number;
  /** Grid of a symbol, for exchangeInfo (null when unknown, e.g. a replayed symbol). */
  readonly profileOf: (symbol: string) => SymbolProfile | null;
  readonly log: LogFn;
}

export interface RestCounters {
  depthRequests: number;
  errors: number;
  throttled: number;
}

const SYMBOL_PARAM = /^[A-Z0-9\-_.]{1,20}$/;
const LIMIT_PARAM = /^[0-9]{1,20}$/;

export class RestApi {
  readonly counters: RestCounters = { depthRequests: 0, errors: 0, throttled: 0 };
  private readonly pending = new Set<NodeJS.Timeout>();
  private minute = -1;
  private usedWeight = 0;

  constructor(
    private readonly feed: MarketFeed,
    private readonly options: RestOptions,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET') {
      this.reply(
        res,
        405,
        restErrorJson(
          -1000,
          `${req.method ?? 'this method'} is not supported; the simulator serves GET only`,
        ),
      );
      return;
    }
    switch (url.pathname) {
      case '/api/v3/depth':
        this.depth(url.searchParams, res);
        return;
      case '/api/v3/ping':
        if (this.charge(res, 1)) this.reply(res, 200, '{}');
        return;
      case '/api/v3/time':
        if (this.charge(res, 1)) this.reply(res, 200, JSON.stringify({ serverTime: Date.now() }));
        return;
      case '/api/v3/exchangeInfo':
        if (this.charge(res, 20)) this.reply(res, 200, this.exchangeInfo());
        return;
      default:
        this.reply(
          res,
          404,
          restErrorJson(
            -1000,
            `no such endpoint ${url.pathname}; the simulator serves /api/v3/depth, /api/v3/ping, /api/v3/time, /api/v3/exchangeInfo`,
          ),
        );
    }
  }

  /** Drops delayed answers still waiting (server shutdown). */
  close(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  private depth(params: URLSearchParams, res: ServerResponse): void {
    const symbol = params.get('symbol');
    if (symbol === null || symbol === '') {
      this.fail(
        res,
        400,
        -1102,
        "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
      );
      return;
    }
    if (!SYMBOL_PARAM.test(symbol)) {
      this.fail(
        res,
        400,
        -1100,
        "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
      );
      return;
    }
    const limitText = params.get('limit');
    let limit = DEFAULT_DEPTH_LIMIT;
    if (limitText !== null) {
      if (!LIMIT_PARAM.test(limitText)) {
        this.fail(
          res,
          400,
          -1100,
          "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.",
        );
        return;
      }
      limit = Math.min(MAX_DEPTH_LIMIT, Number(limitText));
      if (limit < 1) {
        this.fail(
          res,
          400,
          -1100,
          "Illegal characters found in parameter 'limit'; legal range is '1 to 5000'.",
        );
        return;
      }
    }
    if (!this.feed.symbols.includes(symbol)) {
      this.fail(res, 400, -1121, 'Invalid symbol.');
      return;
    }
    if (!this.charge(res, depthWeight(limit))) return;
    this.counters.depthRequests++;
    if (this.options.faults.restFails()) {
      this.fail(
        res,
        500,
        -1001,
        'Internal error; unable to process your request. Please try again.',
      );
      return;
    }
    Promise.resolve(this.feed.depthBody(symbol, limit)).then(
      (body) => this.later(res, 200, body),
      (error: unknown) =>
        this.fail(
          res,
          503,
          -1001,
          `snapshot unavailable: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }

  /** Charges request weight; false (and a 429 sent) when the minute's budget is spent. */
  private charge(res: ServerResponse, weight: number): boolean {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.usedWeight = 0;
    }
    const limit = this.options.weightPerMinute;
    if (limit > 0 && this.usedWeight + weight > limit) {
      this.counters.throttled++;
      const retryAfter = Math.max(1, Math.ceil(((minute + 1) * 60_000 - Date.now()) / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      this.fail(
        res,
        429,
        -1003,
        `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      );
      return false;
    }
    this.usedWeight += weight;
    return true;
  }

  private later(res: ServerResponse, status: number, body: string): void {
    const delay = this.options.faults.spec.slowSnapshotMs;
    if (delay <= 0) {
      this.reply(res, status, body);
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.reply(res, status, body);
    }, delay);
    this.pending.add(timer);
  }

  private fail(res: ServerResponse, status: number, code: number, msg: string): void {
    this.counters.errors++;
    this.reply(res, status, restErrorJson(code, msg));
  }

  private reply(res: ServerResponse, status: number, body: string): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=UTF-8',
      'Content-Length': Buffer.byteLength(body),
      'x-mbx-used-weight': String(this.usedWeight),
      'x-mbx-used-weight-1m': String(this.usedWeight),
    });
    res.end(body);
  }

  private exchangeInfo(): string {
    const symbols = this.feed.symbols.map((symbol) => {
      const profile = this.options.profileOf(symbol);
      const quote =
        ['USDT', 'USDC', 'FDUSD', 'BTC', 'ETH', 'BNB'].find(
          (q) => symbol.endsWith(q) && symbol.length > q.length,
        ) ?? 'USDT';
      const tick = profile?.tickUnits ?? 1;
      const step = profile?.stepUnits ?? 1;
      return {
        symbol,
        status: 'TRADING',
        baseAsset: symbol.slice(0, symbol.length - quote.length),
        quoteAsset: quote,
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: decimal8(tick),
            maxPrice: '1000000.00000000',
            tickSize: decimal8(tick),
          },
          {
            filterType: 'LOT_SIZE',
            minQty: decimal8(step),
            maxQty: '9000.00000000',
            stepSize: decimal8(step),
          },
        ],
      };
    });
    return JSON.stringify({
      timezone: 'UTC',
      serverTime: Date.now(),
      rateLimits: [
        {
          rateLimitType: 'REQUEST_WEIGHT',
          interval: 'MINUTE',
          intervalNum: 1,
          limit: this.options.weightPerMinute,
        },
      ],
      exchangeFilters: [],
      symbols,
    });
  }
}

/** Binance's weight of GET /api/v3/depth by limit. */
function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}
