import type { FrameOutput, SimBookView } from './frame-output.js';
import { GeneratedMarket } from './generated-market.js';
import type { MarketFeed } from './market-feed.js';
import { profileFor } from './symbol-profiles.js';

/**
 * The generated market on the wall clock: simulated time runs at `speed` times real time
 * and a timer advances every symbol to "now" every few ms. Frames depend only on
 * simulated time, so timer jitter changes when a frame leaves, never what it says. After
 * a long stall (a suspended laptop, a debugger) the market skips ahead instead of
 * replaying minutes of events in one burst: E timestamps jump, update ids stay gap-free.
 */
export interface GeneratedFeedOptions {
  readonly symbols: readonly string[];
  readonly seed: number;
  /** Depth diffs per second per symbol on `@depth@100ms` (Binance: 10). */
  readonly rate: number;
  /** Simulated seconds per wall-clock second. */
  readonly speed: number;
  /** Timer period, ms (default 10). */
  readonly tickMs?: number;
}

/** Longest stretch of simulated time caught up in one tick, wall-clock ms. */
const MAX_CATCH_UP_MS = 2000;

export class GeneratedFeed implements MarketFeed {
  readonly symbols: readonly string[];
  readonly extraStreams: ReadonlySet<string> = new Set();
  readonly finished: Promise<void> = new Promise<void>(() => undefined);
  private readonly markets = new Map<string, GeneratedMarket>();
  private readonly speed: number;
  private readonly tickMs: number;
  private wallStart = 0;
  private advancedToMs = 0;
  private out: FrameOutput | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pausedAt: number | null = null;

  constructor(options: GeneratedFeedOptions) {
    if (!(options.rate > 0 && options.rate <= 1000))
      throw new Error(`rate must be from 0 to 1000 diffs a second, got ${options.rate}`);
    if (!(options.speed > 0 && Number.isFinite(options.speed)))
      throw new Error(`speed must be a positive number, got ${options.speed}`);
    this.speed = options.speed;
    this.tickMs = options.tickMs ?? 10;
    const epochMs = Date.now();
    for (const symbol of options.symbols) {
      if (this.markets.has(symbol)) throw new Error(`symbol ${symbol} is listed twice`);
      this.markets.set(
        symbol,
        new GeneratedMarket(profileFor(symbol), options.seed, {
          epochMs,
          diffIntervalMs: 1000 / options.rate,
        }),
      );
    }
    if (this.markets.size === 0) throw new Error('the simulator needs at least one symbol');
    this.symbols = [...this.markets.keys()];
  }

  start(out: FrameOutput): void {
    this.out = out;
    this.wallStart = performance.now();
    this.timer = setInterval(() => this.advance(), this.tickMs);
  }

  clientConnected(): void {}

  feedTimeMs(): number {
    if (this.out === null) return 0;
    return ((this.pausedAt ?? performance.now()) - this.wallStart) * this.speed;
  }

  pause(): void {
    if (this.pausedAt !== null) return;
    this.advance();
    if (this.out !== null) for (const market of this.markets.values()) market.flushNow(this.out);
    this.pausedAt = performance.now();
  }

  resume(): void {
    if (this.pausedAt === null) return;
    // Simulated time carries on from where it stopped.
    this.wallStart += performance.now() - this.pausedAt;
    this.pausedAt = null;
  }

  depthBody(symbol: string, limit: number): string {
    // Bring the book up to "now" first, so the snapshot is as fresh as the stream.
    this.advance();
    return this.market(symbol).snapshotJson(limit);
  }

  /** The book as of the latest `@depth@100ms` diff boundary (u = lastUpdateId). */
  book(symbol: string): SimBookView {
    return this.market(symbol).publishedBook();
  }

  /** The market of one symbol (tests and the sample recorder look inside). */
  market(symbol: string): GeneratedMarket {
    const market = this.markets.get(symbol);
    if (!market)
      throw new Error(
        `the simulator does not generate ${symbol}; it generates ${this.symbols.join(', ')}`,
      );
    return market;
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.out = null;
  }

  private advance(): void {
    const out = this.out;
    if (out === null || this.pausedAt !== null) return;
    const target = this.feedTimeMs();
    const behindMs = (target - this.advancedToMs) / this.speed;
    if (behindMs > MAX_CATCH_UP_MS) {
      const resumeAt = target - MAX_CATCH_UP_MS * this.speed;
      for (const market of this.markets.values()) market.skipTo(resumeAt);
    }
    for (const market of this.markets.values()) market.advanceTo(target, out);
    this.advancedToMs = target;
  }
}
