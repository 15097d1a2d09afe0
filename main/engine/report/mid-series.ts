import type { StrategyParams } from '../../../shared/config.js';
import { recordingFeatures } from '../strategy/recording-features.js';

/** The mid of one symbol at every book update of a recording, in time order. */
export interface MidSeries {
  readonly tsUs: readonly number[];
  readonly mid: readonly number[];
}

/**
 * Rebuilds the book from the recording with the engine's own market code (the same
 * procedure `features` and the engine use) and keeps each update's mid: the report's
 * mark for equity and the yardstick for signal outcomes.
 */
export async function readMidSeries(
  path: string,
  symbol: string,
  params: StrategyParams,
): Promise<MidSeries> {
  const tsUs: number[] = [];
  const mid: number[] = [];
  let slot = -1;
  await recordingFeatures({
    path,
    symbol,
    params,
    onRow: (features) => {
      if (slot < 0) slot = features.slot('mid');
      const value = features.values[slot]!;
      if (Number.isFinite(value) && value > 0) {
        tsUs.push(features.tsUs);
        mid.push(value);
      }
    },
  });
  return { tsUs, mid };
}

/** The last mid at or before `tsUs` (NaN before the first). */
export function midAt(series: MidSeries, tsUs: number): number {
  let lo = 0;
  let hi = series.tsUs.length - 1;
  if (hi < 0 || series.tsUs[0]! > tsUs) return NaN;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (series.tsUs[m]! <= tsUs) lo = m;
    else hi = m - 1;
  }
  return series.mid[lo]!;
}
