import type { Config } from '../../../shared/config.js';
import type { MarketPipeline } from '../market/market-pipeline.js';
export interface LiveFeed { close(): Promise<void> }
export function startLiveFeed(_c: Config, _p: MarketPipeline, _f: (d: Uint8Array | string, ts: number, t0: number) => void, _l: unknown): LiveFeed {
  throw new Error('TEMP');
}
