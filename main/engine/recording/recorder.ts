import type { FeedState } from '../../../shared/domain.js';
import { ExchangeClient } from '../market/exchange-client.js';
import { MarketPipeline } from '../market/market-pipeline.js';
import { splitCombinedFrame } from './json-extract.js';
import { RecordingWriter } from './recording-writer.js';
import type { LogFn } from '../../../shared/log.js';

export interface RecorderOptions {
  readonly url: string;
  readonly restUrl: string;
  readonly symbols: readonly string[];
  readonly out: string;
  readonly snapshotLimit?: number;
  readonly bookTicker?: boolean;
  /** Stop after this long (default: only when `signal` aborts). */
  readonly durationMs?: number;
  readonly signal?: AbortSignal;
  readonly log?: LogFn;
  readonly onProgress?: (progress: RecordProgress) => void;
  readonly progressEveryMs?: number;
}

export interface RecordProgress {
  readonly frames: number;
  readonly snapshots: number;
  readonly gaps: number;
  readonly malformed: number;
  readonly bytes: number;
  readonly feed: FeedState;
  /** Frames that were not combined-stream frames (not written). */
  readonly unsplittable: number;
}

/**
 * Records a live feed: the same client and sync procedure as the engine, writing every
 * frame as received and every REST snapshot it fetched (at the start, after each gap) as
 * recording lines (docs/ARCHITECTURE.md §4), so replaying the file re-enacts the session.
 */
export async function recordMarket(options: RecorderOptions): Promise<RecordProgress> {
  const writer = new RecordingWriter(options.out);
  const pipeline = new MarketPipeline(
    options.symbols,
    { depthLevelsForRecord: 0 },
    () => undefined,
  );
  let unsplittable = 0;
  const client = new ExchangeClient({
    url: options.url,
    restUrl: options.restUrl,
    symbols: options.symbols,
    pipeline,
    snapshotLimit: options.snapshotLimit ?? 1000,
    bookTicker: options.bookTicker ?? false,
    nowMonoUs: () => performance.now() * 1000,
    handleFrame: (data, tsUs, t0Us) => {
      const frame = splitCombinedFrame(data.toString('utf8'));
      if (typeof frame === 'string') unsplittable++;
      else writer.writeFrame(tsUs, frame.stream, frame.data);
      pipeline.onFrame(data, tsUs, t0Us);
    },
    onSnapshotBody: (symbol, body, tsUs) => writer.writeSnapshot(tsUs, symbol, body),
    log: options.log,
  });
  const progress = (): RecordProgress => ({
    frames: writer.frames,
    snapshots: writer.snapshots,
    gaps: pipeline.counters.gaps,
    malformed: pipeline.counters.malformed,
    bytes: writer.bytes,
    feed: client.state,
    unsplittable,
  });
  const timer = setInterval(
    () => options.onProgress?.(progress()),
    options.progressEveryMs ?? 5000,
  );
  client.start();
  await new Promise<void>((resolve) => {
    if (options.signal?.aborted) return resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
    if (options.durationMs !== undefined) setTimeout(resolve, options.durationMs);
  });
  clearInterval(timer);
  await client.close();
  await writer.close();
  return progress();
}
