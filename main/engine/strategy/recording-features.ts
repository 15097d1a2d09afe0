import type { StrategyParams } from '../../../shared/config.js';
import { MarketHeader, MarketKind } from '../../../shared/records.js';
import { MarketPipeline } from '../market/market-pipeline.js';
import { readRecording } from '../recording/recording-reader.js';
import { FeatureSet } from './features/feature-set.js';
import type { FeatureVector } from './features/feature-vector.js';

export interface RecordingFeaturesOptions {
  readonly path: string;
  readonly symbol: string;
  readonly params: StrategyParams;
  /**
   * Called once per book update on which both sides are present, with the features the
   * strategy would have seen (the vector is reused: copy what you keep). May return a
   * promise (e.g. output backpressure); reading waits for it.
   */
  readonly onRow: (features: FeatureVector) => void | Promise<void>;
  /** Called as each malformed line is met (they are also listed in the summary). */
  readonly onMalformed?: (lineNo: number, reason: string) => void;
}

export interface RecordingFeaturesSummary {
  readonly lines: number;
  readonly rows: number;
  readonly bookUpdates: number;
  readonly trades: number;
  readonly gaps: number;
  readonly resyncs: number;
  /** Lines that were not a recording line or whose payload could not be used. */
  readonly malformed: readonly { readonly lineNo: number; readonly reason: string }[];
}

/**
 * Plays a recording (DESIGN.md §4) through the market code (MarketPipeline: parse, book
 * sync, records) and the strategy's own FeatureSet, exactly as the strategy thread would
 * see it: BOOK records feed the window and the extractors, TRADE records the trade
 * features. Used by `lockstep features` and `lockstep train-model`.
 */
export async function recordingFeatures(
  options: RecordingFeaturesOptions,
): Promise<RecordingFeaturesSummary> {
  const set = new FeatureSet(options.params);
  let rows = 0;
  let bookUpdates = 0;
  let trades = 0;
  let lines = 0;
  const malformed: { lineNo: number; reason: string }[] = [];
  // The pipeline calls the sink synchronously inside onFrame/onSnapshot; rows produced
  // there are handed on after it returns, so onRow may be async.
  let pendingRow = false;
  const header = new MarketHeader();
  const pipeline = new MarketPipeline([options.symbol], {}, (record) => {
    const kind = header.at(record, 0).kind;
    if (kind === MarketKind.TRADE) {
      trades++;
      set.onTrade(record, 0);
    } else if (kind === MarketKind.BOOK) {
      bookUpdates++;
      if (pendingRow) {
        // The vector is about to be overwritten before its row was handed on.
        throw new Error(
          'the market pipeline emitted two book updates for one recording line; features would lose a row',
        );
      }
      if (set.onBook(record, 0)) pendingRow = true;
    }
  });

  for await (const event of readRecording(options.path)) {
    lines++;
    if (event.kind === 'malformed') {
      malformed.push({ lineNo: event.lineNo, reason: event.reason });
      options.onMalformed?.(event.lineNo, event.reason);
      continue;
    }
    const malformedBefore = pipeline.counters.malformed;
    if (event.kind === 'frame') pipeline.onFrame(event.data, event.tsUs, 0);
    // Another symbol's snapshot is not ours to apply (its frames are skipped the same way).
    else if (event.symbol === options.symbol)
      pipeline.onSnapshot(event.symbol, event.data, event.tsUs);
    if (pipeline.counters.malformed > malformedBefore) {
      malformed.push({ lineNo: event.lineNo, reason: pipeline.lastError });
      options.onMalformed?.(event.lineNo, pipeline.lastError);
    }
    if (pendingRow) {
      // One book record per line at most (a snapshot folds its buffered diffs into one).
      pendingRow = false;
      rows++;
      await options.onRow(set.vector);
    }
  }
  return {
    lines,
    rows,
    bookUpdates,
    trades,
    gaps: pipeline.counters.gaps,
    resyncs: pipeline.counters.resyncs,
    malformed,
  };
}
