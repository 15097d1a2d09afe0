import { monoNowUs } from '../core/clock.js';
import type { MarketPipeline } from '../market/market-pipeline.js';
import { readRecording } from '../recording/recording-reader.js';
import type { ReplayClock } from './replay-clock.js';
import type { LogFn } from '../../../shared/log.js';

export interface ReplaySourceOptions {
  readonly log: LogFn;
  readonly stopRequested: () => boolean;
  /** Called every few hundred lines (the thread reports to the window from here). */
  readonly onProgress?: (lines: number) => void;
  /** The window's replay: paced, paused and stepped here between lines (absent: full speed). */
  readonly clock?: ReplayClock;
}

/**
 * Feeds a recording (DESIGN.md §4) through the pipeline as fast as the rings take it:
 * frames on the recording's own clock (`ts`), a snapshot line playing the part of a
 * fresh REST fetch. A malformed line is reported with its number and skipped; it never
 * touches the book. Ends with the pipeline's END record so every thread flushes.
 */
export async function replayRecording(
  path: string,
  pipeline: MarketPipeline,
  onFrame: (data: string, tsUs: number, t0Us: number) => void,
  options: ReplaySourceOptions,
): Promise<void> {
  let lastTs = 0;
  let lines = 0;
  const clock = options.clock;
  for await (const event of readRecording(path)) {
    if (options.stopRequested()) break;
    if (clock && event.kind !== 'malformed') {
      const wait = clock.pace(event.tsUs, options.stopRequested, () => options.onProgress?.(lines));
      if (wait !== null) await wait;
      if (options.stopRequested()) break;
    }
    lines++;
    pipeline.source = `${path}:${event.lineNo}`;
    if (event.kind === 'frame') {
      lastTs = event.tsUs;
      onFrame(event.data, event.tsUs, monoNowUs());
    } else if (event.kind === 'snapshot') {
      lastTs = event.tsUs;
      pipeline.onSnapshot(event.symbol, event.data, event.tsUs, monoNowUs());
    } else {
      pipeline.counters.malformed++;
      options.log('warn', `${path}:${event.lineNo}: malformed line skipped: ${event.reason}`);
    }
    clock?.passed(lastTs, pipeline.counters.bookUpdates);
    if ((lines & 255) === 0 || clock) options.onProgress?.(lines);
  }
  clock?.finish();
  pipeline.source = '';
  pipeline.end(lastTs);
}
