import type { FrameOutput, SimBookView } from './frame-output.js';

/**
 * A source of market data behind the simulator's wire protocol: the generated market or a
 * replayed recording. The server owns connections, faults and REST; a feed only produces
 * frames, answers depth snapshots and shows its own book.
 */
export interface MarketFeed {
  /** Symbols served, upper-case. */
  readonly symbols: readonly string[];
  /** Stream names a recording carries beyond the generated kinds (replay); empty otherwise. */
  readonly extraStreams: ReadonlySet<string>;
  /** Starts producing frames into `out`. */
  start(out: FrameOutput): void;
  /** A WebSocket client connected (a replay starts with its first client). */
  clientConnected(): void;
  /** Feed time in ms since its start: simulated time, or the recording's own clock. */
  feedTimeMs(): number;
  /** The REST depth snapshot body for a symbol this feed serves. */
  depthBody(symbol: string, limit: number): string | Promise<string>;
  /** Freezes the market (no events, no frames) until resume(); the clock does not run. */
  pause(): void;
  resume(): void;
  /** The feed's own book (see each feed for which state it shows). */
  book(symbol: string): SimBookView;
  /** Resolves when a replay has sent its last line; never for a generated market. */
  readonly finished: Promise<void>;
  close(): void;
}

/** Binance: limit defaults to 100, and a larger limit than 5000 is cut to 5000. */
export const DEFAULT_DEPTH_LIMIT = 100;
export const MAX_DEPTH_LIMIT = 5000;
