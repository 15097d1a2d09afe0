import type { Config } from '../../../shared/config.js';
import { monoNowUs } from '../core/clock.js';
import { ExchangeClient } from '../market/exchange-client.js';
import type { MarketPipeline } from '../market/market-pipeline.js';
import type { LogFn } from '../../../shared/log.js';

export interface LiveFeed {
  close(): Promise<void>;
}

/**
 * Connects the market-data thread to the exchange named in the config (Binance or the
 * built-in simulator): frames go through the thread's timed handler into the pipeline;
 * reconnects, snapshots after gaps and stale detection are the client's.
 */
export function startLiveFeed(
  config: Config,
  pipeline: MarketPipeline,
  onFrame: (data: Buffer, tsUs: number, t0Us: number) => void,
  log: LogFn,
): LiveFeed {
  const client = new ExchangeClient({
    url: config.market.url,
    restUrl: config.market.rest_url,
    symbols: config.strategy.symbols,
    pipeline,
    nowMonoUs: monoNowUs,
    snapshotLimit: config.market.snapshot_limit,
    staleAfterMs: config.market.stale_after_ms,
    bookTicker: config.market.book_ticker,
    seed: config.execution.seed,
    handleFrame: onFrame,
    log,
  });
  client.start();
  return { close: async () => client.close() };
}
