import {
  FeedStateUpdate,
  MarketHeader,
  MarketKind,
  MarketUpdate,
  TradeUpdate,
} from '../../shared/records.js';

/** Test-side builders for Binance payloads and a copy-everything record sink. */

export type Levels = readonly (readonly [string, string])[];

export function depthFrame(
  symbol: string,
  U: number,
  u: number,
  bids: Levels,
  asks: Levels,
  combined = true,
): string {
  const data = JSON.stringify({
    e: 'depthUpdate',
    E: 1_700_000_000_000 + u,
    s: symbol,
    U,
    u,
    b: bids,
    a: asks,
  });
  return combined ? `{"stream":"${symbol.toLowerCase()}@depth@100ms","data":${data}}` : data;
}

export function tradeFrame(
  symbol: string,
  id: number,
  price: string,
  qty: string,
  buyerMaker: boolean,
): string {
  const data = JSON.stringify({
    e: 'trade',
    E: 1,
    s: symbol,
    t: id,
    p: price,
    q: qty,
    T: 1,
    m: buyerMaker,
    M: true,
  });
  return `{"stream":"${symbol.toLowerCase()}@trade","data":${data}}`;
}

export function snapshotBody(lastUpdateId: number, bids: Levels, asks: Levels): string {
  return JSON.stringify({ lastUpdateId, bids, asks });
}

/** Records every emitted market record (copied: the pipeline reuses its array). */
export class RecordLog {
  readonly records: Float64Array[] = [];
  readonly sink = (record: Float64Array): void => {
    this.records.push(Float64Array.from(record));
  };
  ofKind(kind: number): Float64Array[] {
    return this.records.filter((r) => new MarketHeader().at(r, 0).kind === kind);
  }
  /** Every BOOK record, each decoded through its own view. */
  books(): MarketUpdate[] {
    return this.ofKind(MarketKind.BOOK).map((r) => new MarketUpdate().read(r, 0));
  }
  trades(): TradeUpdate[] {
    return this.ofKind(MarketKind.TRADE).map((r) => new TradeUpdate().read(r, 0));
  }
  feedStates(): FeedStateUpdate[] {
    return this.ofKind(MarketKind.FEED_STATE).map((r) => new FeedStateUpdate().read(r, 0));
  }
  seqs(): number[] {
    return this.records.map((r) => new MarketHeader().at(r, 0).seq);
  }
}

/** The repository's real recordings (see test/fixtures/README.md). */
export { FIXTURE_DIR } from '../fixture-files.js';
