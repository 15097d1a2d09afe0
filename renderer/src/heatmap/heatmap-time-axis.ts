import type { IChartApi, ITimeScaleApi, Time, UTCTimestamp } from 'lightweight-charts';
import { BUCKET_US, bucketTime } from '../chart/chart-history.js';
import type { HeatmapRing } from './heatmap-ring.js';

/**
 * The price chart's time axis, as the heatmap needs it: the x (in the chart's pane
 * pixels) of any state time. The chart places one bar per 100 ms bucket at the bar's
 * logical index; a time inside a bucket lies that fraction of the way to the next bar, so
 * the bucket's start is exactly at `timeToCoordinate(bucket)`. Times the chart has not
 * drawn yet (it draws at most ten times a second) are placed one bar per bucket that the
 * heatmap holds after the chart's newest bar (the chart gets the same states, so it will
 * add exactly those bars), and marked as a guess so they are repainted once it has.
 */
export interface AxisPoint {
  readonly x: number;
  /** The chart did not have this time's bucket yet. */
  readonly guess: boolean;
}

/** Where the picture stands: a scroll moves `from`, a zoom changes `barSpacing`. */
export interface AxisView {
  readonly from: number;
  readonly barSpacing: number;
  readonly width: number;
}

export class HeatmapTimeAxis {
  private readonly scale: ITimeScaleApi<Time>;
  /** Bucket time (s) → logical index and whether it was a guess; valid for one chart state. */
  private readonly logicals = new Map<number, { logical: number; guess: boolean }>();

  constructor(
    chart: IChartApi,
    private readonly ring: HeatmapRing,
  ) {
    this.scale = chart.timeScale();
  }

  /** Pixels per bar, read once per paint; null until asked. */
  private spacing: number | null = null;

  /** Forget what was looked up: the chart drew new bars, scrolled or zoomed. */
  invalidate(): void {
    this.logicals.clear();
    this.spacing = null;
  }

  /** The pane's width in pixels (the plot area, without the price scale). */
  get width(): number {
    return this.scale.width();
  }

  view(): AxisView | null {
    const range = this.scale.getVisibleLogicalRange();
    const at0 = this.scale.logicalToCoordinate(0 as never);
    const at1 = this.scale.logicalToCoordinate(1 as never);
    if (range === null || at0 === null || at1 === null) return null;
    return { from: range.from, barSpacing: at1 - at0, width: this.width };
  }

  /** The x of the state time `tsUs`, or null while the chart has no bars. */
  x(tsUs: number): AxisPoint | null {
    const bucket = bucketTime(tsUs);
    const base = this.bucketLogical(bucket);
    if (base === null) return null;
    const x = this.scale.logicalToCoordinate(base.logical as never);
    if (x === null) return null;
    // The chart maps whole indices only (a fractional one comes back as 0): interpolate.
    if (this.spacing === null) this.spacing = this.view()?.barSpacing ?? 0;
    const fraction = (tsUs - bucket * 1e6) / BUCKET_US;
    return { x: x + fraction * this.spacing, guess: base.guess };
  }

  private bucketLogical(bucket: number): { logical: number; guess: boolean } | null {
    const known = this.logicals.get(bucket);
    if (known !== undefined) return known;
    const time = bucket as UTCTimestamp;
    let found: { logical: number; guess: boolean } | null = null;
    const exact = this.scale.timeToIndex(time, false);
    if (exact !== null) found = { logical: exact, guess: false };
    else {
      // Not a bar of the chart: count buckets from the nearest bar (the newest, for times
      // after it). The nearest bar's time is read back through its coordinate, a little
      // to its left because the chart rounds coordinates up to the next index.
      const nearest = this.scale.timeToIndex(time, true);
      const x = nearest === null ? null : this.scale.logicalToCoordinate(nearest as never);
      const nearestTime = x === null ? null : this.scale.coordinateToTime(x - 0.1);
      if (nearest !== null && typeof nearestTime === 'number') {
        const bars =
          bucket > nearestTime
            ? this.bucketsAfter(nearestTime, bucket)
            : Math.round(((bucket - nearestTime) * 1e6) / BUCKET_US);
        found = { logical: nearest + bars, guess: bucket > nearestTime };
      }
    }
    if (found !== null) this.logicals.set(bucket, found);
    return found;
  }

  /** How many distinct buckets the ring holds after `after` up to `upTo` (seconds). */
  private bucketsAfter(after: number, upTo: number): number {
    // A time after the ring's newest (where the newest column ends) is one bar further.
    const newest = this.ring.newest;
    let count = newest === null || upTo > bucketTime(newest.tsUs) ? 1 : 0;
    let seen = NaN;
    for (let i = this.ring.size - 1; i >= 0; i--) {
      const bucket = bucketTime(this.ring.at(i).tsUs);
      if (bucket <= after) break;
      if (bucket <= upTo && bucket !== seen) {
        count++;
        seen = bucket;
      }
    }
    return Math.max(1, count);
  }
}
