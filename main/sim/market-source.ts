/** Where the simulator's market comes from: generated order flow or a recording. */
export type Publish = (streams: readonly string[], payload: string) => void;

export interface RestReply {
  readonly status: number;
  readonly body: string;
}

export interface BookLevels {
  readonly lastUpdateId: number;
  readonly bids: [string, string][];
  readonly asks: [string, string][];
}

export interface MarketSource {
  readonly symbols: readonly string[];
  start(publish: Publish): void;
  stop(): void;
  /** Stops producing messages (the book stands still) until resume(). */
  pause(): void;
  resume(): void;
  /** GET /api/v3/depth for a known symbol. */
  snapshot(symbol: string, limit: number): RestReply;
  /** The source's whole book right now, decimal strings best first. */
  book(symbol: string): BookLevels;
}

/** The stream names a symbol offers, lower-case as Binance spells them. */
export function streamNames(symbol: string): { depth100: string; depth1000: string; trade: string; bookTicker: string } {
  const s = symbol.toLowerCase();
  return { depth100: `${s}@depth@100ms`, depth1000: `${s}@depth`, trade: `${s}@trade`, bookTicker: `${s}@bookTicker` };
}
