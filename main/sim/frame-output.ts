/** What a frame carries; faults treat depth diffs differently (a dropped diff is a gap). */
export const FrameKind = {
  DEPTH: 1,
  TRADE: 2,
  AGG_TRADE: 3,
  BOOK_TICKER: 4,
  /** A replayed frame of a stream the simulator does not generate itself. */
  OTHER: 5,
} as const;
export type FrameKindCode = (typeof FrameKind)[keyof typeof FrameKind];

/**
 * Where a feed (generated or replayed) sends its frames. `wants` lets a feed skip
 * rendering a payload nobody subscribed to; `emit` takes the payload exactly as Binance
 * writes it (the bare `data` of a combined-stream frame).
 */
export interface FrameOutput {
  wants(stream: string): boolean;
  emit(stream: string, kind: FrameKindCode, payload: string): void;
  /** Bytes queued for the slowest connection (a replay at full speed waits on it). */
  backlogBytes?(): number;
}

/**
 * The simulator's own view of a book, best first, prices and quantities as Binance writes
 * them (8 decimals), i.e. the shape of a REST depth snapshot.
 */
export interface SimBookView {
  readonly symbol: string;
  /** The update id of the book state shown. */
  readonly lastUpdateId: number;
  /** False when the view may be wrong (a replayed recording after a gap, before its next snapshot). */
  readonly synced: boolean;
  readonly bids: Array<[string, string]>;
  readonly asks: Array<[string, string]>;
}

/** Stream kinds the simulator serves, as Binance names them after `<symbol>@`. */
export const SERVED_STREAM_SUFFIXES = [
  'depth@100ms',
  'depth',
  'trade',
  'aggTrade',
  'bookTicker',
] as const;

/** The streams of one symbol, in Binance's spelling (symbol lower-case). */
export interface SymbolStreams {
  readonly depth100: string;
  readonly depth1000: string;
  readonly trade: string;
  readonly aggTrade: string;
  readonly bookTicker: string;
}

export function streamsOf(symbol: string): SymbolStreams {
  const lower = symbol.toLowerCase();
  return {
    depth100: `${lower}@depth@100ms`,
    depth1000: `${lower}@depth`,
    trade: `${lower}@trade`,
    aggTrade: `${lower}@aggTrade`,
    bookTicker: `${lower}@bookTicker`,
  };
}
